/**
 * `mx breaches`: events the bus accepted that break the contract (or reuse a
 * taken id), as the exchange log recorded them — so the agency that sent
 * them and the operators can see them, not only a server log. With the
 * platform's keys it reads the log's breaches index; `--as <agency>` asks the
 * exchange API as that agency, which answers with its own sources only.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BREACH_PARTITIONS, type Breach, listBreaches } from '../../functions/exchange-log/breaches.ts';
import { documentClient } from '../../functions/lib/document-client.ts';
import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import { AGENCIES, type Ministry } from '../topology.ts';
import { type Connection, type ConnectionOptions, physicalTables, sdkConfig, withCloud } from './connection.ts';
import { CliError, printJson, printTable } from './output.ts';

type Listing = { count: number; breaches: Breach[] };

export interface BreachesOptions extends ConnectionOptions {
  source?: string;
  as?: string;
  limit: string;
  json?: boolean;
}

async function asAgency(
  connection: Connection,
  agency: Ministry,
  source: string | undefined,
  limit: number,
): Promise<Listing> {
  const query = new URLSearchParams({ limit: String(limit), ...(source ? { source } : {}) });
  const response = await signedFetch(`${connection.endpoint}/api/exchange/breaches?${query}`, {
    keys: connection.credentials.agencies[agency],
    region: connection.credentials.region,
  });
  const body = (await response.json().catch(() => ({}))) as Listing & { error?: { message?: string } };
  if (!response.ok) throw new CliError(`the exchange refused: ${body.error?.message ?? response.statusText}`);
  return body;
}

async function asPlatform(connection: Connection, source: string | undefined, limit: number): Promise<Listing> {
  const raw = new DynamoDBClient(sdkConfig(connection, connection.credentials.platform));
  try {
    const table = await physicalTables(connection);
    return await listBreaches(documentClient(raw), table('ExchangeLog'), {
      ...(source ? { partitions: [source] } : {}),
      limit,
    });
  } finally {
    raw.destroy();
  }
}

export async function breaches(opts: BreachesOptions): Promise<void> {
  const limit = Number(opts.limit);
  if (!/^\d+$/.test(opts.limit) || limit < 1 || limit > 1000)
    throw new CliError(`--limit must be a whole number from 1 to 1000, got ${JSON.stringify(opts.limit)}`);
  if (opts.source !== undefined && !BREACH_PARTITIONS.includes(opts.source))
    throw new CliError(`--source must be one of ${BREACH_PARTITIONS.join(', ')}, got ${JSON.stringify(opts.source)}`);
  const agency = opts.as === undefined ? undefined : AGENCIES.find((a) => a.id === opts.as);
  if (opts.as !== undefined && !agency)
    throw new CliError(
      `--as must be an agency (${AGENCIES.map((a) => a.id).join(', ')}), got ${JSON.stringify(opts.as)}`,
    );
  const result = await withCloud(opts, (connection) =>
    agency ? asAgency(connection, agency.id, opts.source, limit) : asPlatform(connection, opts.source, limit),
  );
  if (opts.json) return printJson(result);
  process.stdout.write(
    `${result.count} breach(es)` +
      `${result.count > result.breaches.length ? `, newest ${result.breaches.length} shown` : ''}\n`,
  );
  printTable(
    result.breaches.map((b) => ({
      ...b,
      problem:
        `${b.issues[0] ? `${b.issues[0].path}: ${b.issues[0].message}` : ''}` +
        `${b.issueCount > 1 ? ` (+${b.issueCount - 1} more)` : ''}`,
    })),
    ['receivedAt', 'source', 'detailType', 'breach', 'eventId', 'problem'],
  );
}
