/**
 * `mx replay <ministry>`: rebuild a ministry's view from the exchange log into
 * a fresh table, check it equals the live one, switch the local cloud to it,
 * and remove the table it replaced. Progress goes to stderr. `--list` shows
 * the view's tables (earlier replays' included) and `--prune` removes those
 * not in use.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { MINISTRY_VIEWS } from '../../functions/domain/views.ts';
import { documentClient } from '../../functions/lib/document-client.ts';
import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import type { ValidEvent } from '../../functions/projector/plan.ts';
import { copyOfDefinition, differences, loggedDays, loggedEvents, replayInto } from '../replay.ts';
import { MINISTRIES, type Ministry, TOPOLOGY, viewTableId } from '../topology.ts';
import { type Connection, type ConnectionOptions, physicalTables, sdkConfig, withCloud } from './connection.ts';
import { CliError, printJson, printTable } from './output.ts';
import { Progress } from './progress.ts';

export interface ReplayOptions extends ConnectionOptions {
  json?: boolean;
  keepPrevious?: boolean;
  list?: boolean;
  prune?: boolean;
}

type Client = ReturnType<typeof documentClient>;

const stampOf = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14);
const count = (n: number) => n.toLocaleString('en-US');

/** A view's tables: the topology's own and those replays created (`<id>-<UTC timestamp>`). */
export function isViewTable(id: string, name: string): boolean {
  return name === id || new RegExp(`^${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{14}$`).test(name);
}

async function listTables(raw: DynamoDBClient): Promise<string[]> {
  const names: string[] = [];
  let ExclusiveStartTableName: string | undefined;
  do {
    const page = await raw.send(new ListTablesCommand({ ExclusiveStartTableName }));
    names.push(...(page.TableNames ?? []));
    ExclusiveStartTableName = page.LastEvaluatedTableName;
  } while (ExclusiveStartTableName);
  return names;
}

/**
 * Creates the rebuild's table as a copy of the live one's definition, under a fresh timestamped
 * name (the next second's if taken).
 */
async function createFresh(raw: DynamoDBClient, id: string, live: string): Promise<string> {
  const described = (await raw.send(new DescribeTableCommand({ TableName: live }))).Table!;
  for (let attempt = 0; ; attempt++) {
    const name = `${id}-${stampOf(new Date())}`;
    try {
      await raw.send(new CreateTableCommand(copyOfDefinition(described, name)));
      return name;
    } catch (error) {
      if (!(error instanceof ResourceInUseException) || attempt >= 2) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** The log's events as they are read, counting the days covered (the log is read day by day). */
async function* counted(
  events: AsyncIterable<ValidEvent>,
  seen: { read: number; day: string },
): AsyncGenerator<ValidEvent> {
  for await (const event of events) {
    seen.read++;
    seen.day = event.bus.time.slice(0, 10);
    yield event;
  }
}

async function rebuild(
  connection: Connection,
  raw: DynamoDBClient,
  client: Client,
  ministry: Ministry,
  opts: ReplayOptions,
  progress: Progress,
) {
  const id = viewTableId(ministry);
  const subscription = TOPOLOGY.subscriptions.find((s) => s.table === id)!;
  const tables = await physicalTables(connection);
  const live = tables(id);
  const log = tables('ExchangeLog');
  const secret = connection.credentials.personKeySecret;
  const fresh = await createFresh(raw, id, live);
  const started = new Date(Date.now() - 60_000).toISOString();
  progress.note(`rebuilding the ${ministry} view into ${fresh}`);
  let switched = false;
  try {
    const days = await loggedDays(client, log);
    const seen = { read: 0, day: '' };
    const show = (folded: number) => {
      const day = seen.day ? days.indexOf(seen.day) + 1 : 0;
      progress.update(
        `replaying: day ${day} of ${days.length}${seen.day ? ` (${seen.day})` : ''}, ${count(seen.read)} logged ` +
          `event(s) read, ${count(folded)} folded`,
      );
    };
    const replayed = await replayInto(
      client,
      fresh,
      MINISTRY_VIEWS[ministry],
      secret,
      subscription.pattern,
      counted(loggedEvents(client, log), seen),
      show,
    );
    progress.note(
      `replayed ${count(replayed)} of ${count(seen.read)} logged event(s) over ${days.length} day(s); comparing ` +
        `${fresh} with ${live}`,
    );
    const diff = await differences(client, live, fresh);
    if (diff.length > 0) {
      throw new CliError(
        `the rebuilt ${fresh} differs from the live ${live} in ${diff.length} record(s), e.g. ` +
          `${diff.slice(0, 3).join('; ')}; not switching (is the exchange still settling?)`,
      );
    }
    const response = await signedFetch(`${connection.endpoint}/_mx/admin/tables`, {
      method: 'POST',
      body: JSON.stringify({ table: id, physicalName: fresh }),
      keys: connection.credentials.platform,
      region: connection.credentials.region,
      service: 'mx',
    });
    if (!response.ok) throw new CliError(`switching to ${fresh} failed: ${response.status} ${await response.text()}`);
    switched = true;
    progress.note(`identical; the ${ministry} view now reads and writes ${fresh}`);
    // Events that arrived while rebuilding: fold them in again (idempotent) now that the
    // projector writes to the new table.
    const tail = await replayInto(
      client,
      fresh,
      MINISTRY_VIEWS[ministry],
      secret,
      subscription.pattern,
      loggedEvents(client, log, started),
    );
    let removedTable: string | undefined;
    if (!opts.keepPrevious && live !== fresh) {
      // A batch still writing to the old table fails and is retried against the new one: nothing is lost.
      await raw.send(new DeleteTableCommand({ TableName: live }));
      removedTable = live;
      progress.note(`removed the replaced table ${live}`);
    } else {
      progress.note(`kept the replaced table ${live} (\`mx replay ${ministry} --prune\` removes it)`);
    }
    const outcome: { removedTable?: string; keptTable?: string } = removedTable
      ? { removedTable }
      : { keptTable: live };
    return {
      ministry,
      previousTable: live,
      table: fresh,
      eventsReplayed: replayed,
      tailReplayed: tail,
      identical: true,
      ...outcome,
    };
  } catch (error) {
    // The rebuilt table is in use only once switched to; a rebuild that stops before leaves nothing behind.
    if (!switched) {
      await raw.send(new DeleteTableCommand({ TableName: fresh })).catch(() => undefined);
      progress.note(`removed the unfinished table ${fresh}`);
    }
    throw error;
  }
}

/** The view's tables, the one in use marked; with `prune`, the others are deleted. */
async function tablesOfView(
  connection: Connection,
  raw: DynamoDBClient,
  ministry: Ministry,
  opts: ReplayOptions,
): Promise<void> {
  const id = viewTableId(ministry);
  const inUse = (await physicalTables(connection))(id);
  const rows = (await listTables(raw))
    .filter((name) => isViewTable(id, name))
    .map((table) => ({ table, inUse: table === inUse }));
  const removed: string[] = [];
  if (opts.prune) {
    for (const row of rows.filter((r) => !r.inUse)) {
      await raw.send(new DeleteTableCommand({ TableName: row.table }));
      removed.push(row.table);
    }
  }
  if (opts.json)
    return printJson({ ministry, inUse, tables: rows.map((r) => r.table), ...(opts.prune ? { removed } : {}) });
  printTable(
    rows.map((r) => ({
      table: r.table,
      status: r.inUse ? 'in use' : removed.includes(r.table) ? 'removed' : 'not in use (--prune removes it)',
    })),
  );
}

export async function replay(ministryArg: string, opts: ReplayOptions): Promise<void> {
  if (!(MINISTRIES as readonly string[]).includes(ministryArg))
    throw new CliError(`unknown ministry ${JSON.stringify(ministryArg)}; ministries: ${MINISTRIES.join(', ')}`);
  if (opts.keepPrevious && (opts.list || opts.prune))
    throw new CliError('--keep-previous is for a replay; --list and --prune only look at the view\u2019s tables');
  const ministry = ministryArg as Ministry;
  await withCloud(opts, async (connection) => {
    const raw = new DynamoDBClient(sdkConfig(connection, connection.credentials.platform));
    try {
      if (opts.list || opts.prune) return await tablesOfView(connection, raw, ministry, opts);
      const result = await rebuild(connection, raw, documentClient(raw), ministry, opts, new Progress());
      if (opts.json) return printJson(result);
      process.stdout.write(
        `rebuilt the ${ministry} view from ${result.eventsReplayed} logged events into ${result.table}; ` +
          `identical to ${result.previousTable}; switched` +
          `${result.removedTable ? `; removed ${result.removedTable}` : `; kept ${result.previousTable}`}\n`,
      );
    } finally {
      raw.destroy();
    }
  });
}
