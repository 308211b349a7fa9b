import type { Command } from 'commander';
import { CountryCode, DocumentNumber, Iin } from '../../schemas/primitives.ts';
import { CliError } from './output.ts';

export interface PersonFlags {
  citizenship?: string;
  document?: string;
  iin?: string;
}

export type PersonParams =
  | { iin: string; citizenship?: undefined; document?: undefined }
  | { iin?: undefined; citizenship: string; document: string };

export function withPersonOptions(command: Command): Command {
  return command
    .option('--citizenship <ISO3>', 'a foreigner\u2019s citizenship (ISO 3166-1 alpha-3)')
    .option('--document <no>', 'a foreigner\u2019s travel document number')
    .option('--iin <iin>', 'a citizen\u2019s or resident\u2019s IIN');
}

/**
 * The person a command names, checked with the contract's own rules before
 * anything is sent or looked up, worded as the query API words them (so
 * `mx view` and the platform's `mx ledger`/`mx trace` refuse `--iin 123` alike).
 */
export function personParams(opts: PersonFlags): PersonParams {
  if (!opts.iin && !(opts.citizenship && opts.document))
    throw new CliError('name the person: --iin <iin>, or --citizenship <ISO3> --document <no>');
  if (opts.iin && (opts.citizenship || opts.document))
    throw new CliError('give --iin or --citizenship/--document, not both');
  if (opts.iin) {
    const parsed = Iin.safeParse(opts.iin);
    if (!parsed.success) throw new CliError(`iin: ${parsed.error.issues[0]!.message}`);
    return { iin: opts.iin };
  }
  const citizenship = opts.citizenship!.toUpperCase();
  const document = opts.document!.toUpperCase();
  if (!CountryCode.safeParse(citizenship).success)
    throw new CliError(`citizenship must be an ISO 3166-1 alpha-3 code, got ${JSON.stringify(opts.citizenship)}`);
  if (!DocumentNumber.safeParse(document).success)
    throw new CliError(
      `document must be a travel document number (5-20 letters or digits), got ${JSON.stringify(opts.document)}`,
    );
  return { citizenship, document };
}
