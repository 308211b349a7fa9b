import type { Command } from 'commander';
import { MINISTRIES, type Ministry } from '../topology.ts';
import { queryView } from './api-client.ts';
import { connect, withConnectionOptions } from './connection.ts';
import { CliError, printJson } from './output.ts';

interface PersonFlags {
  citizenship?: string;
  document?: string;
  iin?: string;
  purpose?: string;
}

export function personParams(opts: PersonFlags): Record<string, string | undefined> {
  if (!opts.iin && !(opts.citizenship && opts.document)) throw new CliError('name the person: --iin <iin>, or --citizenship <ISO3> --document <no>');
  if (opts.iin && (opts.citizenship || opts.document)) throw new CliError('give --iin or --citizenship/--document, not both');
  return opts.iin ? { iin: opts.iin } : { citizenship: opts.citizenship, document: opts.document };
}

export function withPersonOptions(command: Command): Command {
  return command
    .option('--citizenship <ISO3>', 'a foreigner\u2019s citizenship (ISO 3166-1 alpha-3)')
    .option('--document <no>', 'a foreigner\u2019s travel document number')
    .option('--iin <iin>', 'a citizen\u2019s or resident\u2019s IIN');
}

function ministryOf(value: string): Ministry {
  if (!(MINISTRIES as readonly string[]).includes(value)) throw new CliError(`unknown ministry ${JSON.stringify(value)}; ministries: ${MINISTRIES.join(', ')}`);
  return value as Ministry;
}

const RESOURCES = ['stats', 'person', 'lineage'] as const;

export function registerViewCommands(program: Command): void {
  withConnectionOptions(
    withPersonOptions(
      program
        .command('view')
        .description('read a ministry\u2019s view as its operator, through the query API: stats, a person\u2019s dossier, or its lineage')
        .argument('<ministry>', MINISTRIES.join(' | '))
        .argument('<what>', RESOURCES.join(' | '))
        .option('--year <YYYY>', 'stats: count this year')
        .option('--as-of <YYYY-MM-DD>', 'stats: count from 1 January up to this day; "active" figures are on this day')
        .option('--purpose <text>', 'person/lineage: why you read it (required; written to the access ledger)')
        .option('--json', 'print JSON'),
    ),
  ).action(async (ministryArg: string, what: string, opts: PersonFlags & { year?: string; asOf?: string; json?: boolean; endpoint?: string; dataDir?: string }) => {
    const ministry = ministryOf(ministryArg);
    if (!(RESOURCES as readonly string[]).includes(what)) throw new CliError(`unknown view read ${JSON.stringify(what)}; one of ${RESOURCES.join(', ')}`);
    const connection = await connect(opts);
    if (what === 'stats') {
      if (opts.iin || opts.citizenship || opts.document || opts.purpose) throw new CliError('stats take --year or --as-of, not a person');
      return printJson(await queryView(connection, ministry, 'stats', { year: opts.year, asOf: opts.asOf }));
    }
    if (opts.year || opts.asOf) throw new CliError(`${what} takes a person, not --year/--as-of`);
    if (!opts.purpose) throw new CliError('a person read needs --purpose <text>: it is recorded in the access ledger');
    printJson(await queryView(connection, ministry, what, { ...personParams(opts), purpose: opts.purpose }));
  });
}
