/** `mx view`: a ministry's view through its query API, as that ministry's operator. */
import { MINISTRIES, type Ministry } from '../topology.ts';
import { queryView } from './api-client.ts';
import { type ConnectionOptions, withCloud } from './connection.ts';
import { CliError, printJson } from './output.ts';
import { type PersonFlags, personParams } from './person-flags.ts';
import { renderView } from './view-tables.ts';

export const VIEW_READS = ['stats', 'person', 'lineage'] as const;

export interface ViewOptions extends PersonFlags, ConnectionOptions {
  year?: string;
  asOf?: string;
  purpose?: string;
  json?: boolean;
}

function ministryOf(value: string): Ministry {
  if (!(MINISTRIES as readonly string[]).includes(value))
    throw new CliError(`unknown ministry ${JSON.stringify(value)}; ministries: ${MINISTRIES.join(', ')}`);
  return value as Ministry;
}

export async function view(ministryArg: string, what: string, opts: ViewOptions): Promise<void> {
  const ministry = ministryOf(ministryArg);
  if (!(VIEW_READS as readonly string[]).includes(what))
    throw new CliError(`unknown view read ${JSON.stringify(what)}; one of ${VIEW_READS.join(', ')}`);
  const read = what as (typeof VIEW_READS)[number];
  let params: Record<string, string | undefined>;
  if (read === 'stats') {
    if (opts.iin || opts.citizenship || opts.document || opts.purpose)
      throw new CliError('stats take --year or --as-of, not a person');
    params = { year: opts.year, asOf: opts.asOf };
  } else {
    if (opts.year || opts.asOf) throw new CliError(`${read} takes a person, not --year/--as-of`);
    // The person is checked before the purpose and before any call, as `mx ledger` and `mx trace` check it.
    const person = personParams(opts);
    if (!opts.purpose) throw new CliError('a person read needs --purpose <text>: it is recorded in the access ledger');
    params = { ...person, purpose: opts.purpose };
  }
  const body = await withCloud(opts, (connection) => queryView(connection, ministry, read, params));
  if (opts.json) return printJson(body);
  process.stdout.write(renderView(read, body));
}
