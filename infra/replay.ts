/**
 * Rebuilding a projection from the exchange log: the log read day by day in
 * receipt order through its `byDay` index, a page at a time, folded with the
 * same code the projector runs (records and counters), then compared with the
 * live table a page at a time. Memory stays bounded by a page, not by the log.
 * Used by `mx replay` (an operator tool, so it lives with the CLI, not in a Lambda).
 */
import type { CreateTableCommandInput, TableDescription } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchGetCommand, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { EventData } from '../functions/domain/projections.ts';
import type { TableView } from '../functions/domain/views.ts';
import { LOG_DAYS_KEY, type LogEntry } from '../functions/exchange-log/log-entry.ts';
import { loadDetail } from '../functions/exchange-log/store.ts';
import { rebuiltBusEvent } from '../functions/lib/bus-event.ts';
import { canonicalJson } from '../functions/lib/canonical-json.ts';
import { recordKey, type StoredRecord, type ValidEvent } from '../functions/projector/plan.ts';
import { projectEvents } from '../functions/projector/project.ts';
import type { Detail } from '../schemas/envelope.ts';
import { compilePattern } from './local/event-pattern.ts';

/** The days the log has rows for, in order (the exchange log keeps their list as it appends). */
export async function loggedDays(client: DynamoDBDocumentClient, logTable: string): Promise<string[]> {
  const item = (
    await client.send(new GetCommand({ TableName: logTable, Key: { pk: LOG_DAYS_KEY }, ConsistentRead: true }))
  ).Item;
  const days = item?.days as Set<string> | undefined;
  return [...(days ?? [])].sort();
}

/** Valid logged events received at or after `since` (ISO time), in receipt order, one index page at a time. */
export async function* loggedEvents(
  client: DynamoDBDocumentClient,
  logTable: string,
  since = '',
): AsyncGenerator<ValidEvent> {
  for (const day of await loggedDays(client, logTable)) {
    if (day < since.slice(0, 10)) continue;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: logTable,
          IndexName: 'byDay',
          KeyConditionExpression: '#day = :day',
          ExpressionAttributeNames: { '#day': 'day' },
          ExpressionAttributeValues: { ':day': day },
          ExclusiveStartKey,
        }),
      );
      for (const row of (page.Items ?? []) as LogEntry[]) {
        // Breaches and id conflicts are not events to fold.
        if (row.valid !== true || row.time < since) continue;
        const detail = JSON.parse(await loadDetail(client, logTable, row)) as Detail<EventData>;
        yield {
          messageId: row.pk,
          bus: rebuiltBusEvent({
            id: row.busEventId,
            source: row.source,
            detailType: row.detailType,
            time: row.time,
            detail,
          }),
        };
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
}

/** Folds the events a subscription pattern matches into a table, 100 at a time; returns how many were replayed. */
export async function replayInto(
  client: DynamoDBDocumentClient,
  table: string,
  view: TableView,
  secret: string,
  pattern: Record<string, unknown>,
  events: AsyncIterable<ValidEvent>,
  onProgress: (replayed: number) => void = () => undefined,
): Promise<number> {
  const matcher = compilePattern(pattern);
  let chunk: ValidEvent[] = [];
  let replayed = 0;
  const flush = async () => {
    const failed = await projectEvents(client, table, view, secret, chunk);
    if (failed.size)
      throw new Error(`${failed.size} event(s) could not be replayed into ${table}: ${[...failed.values()][0]}`);
    replayed += chunk.length;
    chunk = [];
    onProgress(replayed);
  };
  for await (const event of events) {
    if (!matcher.matches(event.bus)) continue;
    chunk.push(event);
    if (chunk.length === 100) await flush();
  }
  if (chunk.length) await flush();
  return replayed;
}

/**
 * A record's content, without the bookkeeping that legitimately differs between two builds (versions, write times),
 * as canonical JSON (RFC 8785): DynamoDB keeps no order among a map's keys.
 */
const content = (r: StoredRecord) => canonicalJson({ kind: r.kind, state: r.state, events: r.events.map((e) => e.id) });
/** Counter buckets are spread over shards at random: compare their sums. */
const bucketOf = (item: Record<string, unknown>) => `${item.pk}\u0000${String(item.sk).replace(/#\d+$/, '')}`;

async function* scanPages(client: DynamoDBDocumentClient, table: string): AsyncGenerator<Record<string, unknown>[]> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    yield page.Items ?? [];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

async function getMany(
  client: DynamoDBDocumentClient,
  table: string,
  keys: readonly { pk: unknown; sk: unknown }[],
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + 100).map(({ pk, sk }) => ({ pk, sk }));
    while (pending.length) {
      const out = await client.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[table] ?? []) found.set(recordKey(String(item.pk), String(item.sk)), item);
      pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}

/**
 * Where two builds of a table differ: records compared page by page (each
 * page of one looked up in the other), counters compared by bucket sums.
 * Memory holds a page of records and the table's buckets, never the table.
 */
export async function differences(
  client: DynamoDBDocumentClient,
  left: string,
  right: string,
  limit = 20,
): Promise<string[]> {
  const found: string[] = [];
  const buckets = new Map<string, Map<string, number>>();
  const addBucket = (item: Record<string, unknown>, sign: number) => {
    const sums = buckets.get(bucketOf(item)) ?? new Map<string, number>();
    for (const [name, value] of Object.entries(item))
      if (name !== 'pk' && name !== 'sk' && typeof value === 'number')
        sums.set(name, (sums.get(name) ?? 0) + sign * value);
    buckets.set(bucketOf(item), sums);
  };
  const compare = async (from: string, to: string, sign: number) => {
    for await (const page of scanPages(client, from)) {
      for (const item of page) if (String(item.pk).startsWith('agg#')) addBucket(item, sign);
      const records = page.filter((i) => !String(i.pk).startsWith('agg#')) as unknown as StoredRecord[];
      const other = await getMany(client, to, records);
      for (const record of records) {
        const twin = other.get(recordKey(record.pk, record.sk)) as StoredRecord | undefined;
        // Seen from the left, a record differs or is missing on the right; seen from the
        // right, only a missing one is news.
        if (!twin) found.push(`${record.pk} ${record.sk} only in ${from}`);
        else if (sign > 0 && content(twin) !== content(record))
          found.push(
            `${record.pk} ${record.sk} differs: ${content(record).slice(0, 300)} vs ${content(twin).slice(0, 300)}`,
          );
        if (found.length >= limit) return;
      }
    }
  };
  await compare(left, right, 1);
  if (found.length < limit) await compare(right, left, -1);
  for (const [bucket, sums] of buckets) {
    for (const [name, value] of sums)
      if (value !== 0 && found.length < limit)
        found.push(`counter ${name} of ${bucket.replace('\u0000', ' ')} differs by ${value}`);
  }
  return found;
}

/**
 * CreateTable input for a rebuild of a table under another name: its keys,
 * attributes and global secondary indexes as DescribeTable reports them. The
 * live table was created from the stack's template, so the rebuild gets the
 * template's definition, indexes included, wherever the cloud runs.
 */
export function copyOfDefinition(table: TableDescription, name: string): CreateTableCommandInput {
  if (!table.KeySchema?.length || !table.AttributeDefinitions?.length)
    throw new Error(`${table.TableName ?? 'the table'} reports no key schema to copy`);
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: table.AttributeDefinitions,
    KeySchema: table.KeySchema,
    ...(table.GlobalSecondaryIndexes?.length
      ? {
          GlobalSecondaryIndexes: table.GlobalSecondaryIndexes.map((index) => ({
            IndexName: index.IndexName,
            KeySchema: index.KeySchema,
            Projection: index.Projection,
          })),
        }
      : {}),
  };
}
