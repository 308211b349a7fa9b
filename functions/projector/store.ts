import { BatchGetCommand, type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CounterDelta } from '../domain/aggregates.ts';
import { reasonOf } from '../lib/sqs-batch.ts';
import { type PlannedWrite, recordKey, type StoredRecord } from './plan.ts';

const MAX_GET = 100;
/** DynamoDB's limit on actions in one TransactWriteItems. */
const MAX_ACTIONS = 100;
/** Counters per bucket update: keeps each UpdateExpression well under DynamoDB's 4 KB expression limit. */
const MAX_COUNTERS_PER_ITEM = 40;
/** Bucket items per day and month: concurrent batches add to different ones (stats read them all). */
export const BUCKET_SHARDS = 4;

/** Loads records by key, 100 per BatchGetItem, retrying unprocessed keys; a key with no record maps to undefined. */
export async function loadRecords(
  client: DynamoDBDocumentClient,
  table: string,
  keys: readonly { pk: string; sk: string }[],
): Promise<Map<string, StoredRecord | undefined>> {
  const found = new Map<string, StoredRecord | undefined>(keys.map((k) => [recordKey(k.pk, k.sk), undefined]));
  for (let start = 0; start < keys.length; start += MAX_GET) {
    let pending: Record<string, unknown>[] = keys.slice(start, start + MAX_GET).map(({ pk, sk }) => ({ pk, sk }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 2 ** attempt * 10));
      // Strongly consistent: a version read stale would only cost a conflict and a retry, but a
      // stale "absent" hides a record.
      const out = await client.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[table] ?? [])
        found.set(recordKey(item.pk as string, item.sk as string), item as StoredRecord);
      pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
      if (attempt > 8) throw new Error(`could not read ${pending.length} record(s) of ${table}`);
    }
  }
  return found;
}

/** What became of a planned write: stored, refused by its version check (re-read and re-plan), or failed for good. */
export type WriteOutcome =
  | { readonly status: 'stored' }
  | { readonly status: 'conflict' }
  | { readonly status: 'failed'; readonly reason: string };

const bucketKey = (d: Pick<CounterDelta, 'pk' | 'sk'>) => `${d.pk}\u0000${d.sk}`;

/** The counters a group of writes moves, summed per item (a transaction may touch an item once). */
function bucketUpdates(
  writes: readonly PlannedWrite[],
  shard: number,
): Map<string, { pk: string; sk: string; counters: Map<string, number> }> {
  const items = new Map<string, { pk: string; sk: string; counters: Map<string, number> }>();
  for (const write of writes) {
    for (const delta of write.deltas) {
      const sk = delta.sharded ? `${delta.sk}#${shard}` : delta.sk;
      const key = bucketKey({ pk: delta.pk, sk });
      const item = items.get(key) ?? { pk: delta.pk, sk, counters: new Map<string, number>() };
      item.counters.set(delta.counter, (item.counters.get(delta.counter) ?? 0) + delta.amount);
      items.set(key, item);
    }
  }
  for (const [key, item] of items) {
    for (const [name, amount] of item.counters) if (amount === 0) item.counters.delete(name);
    if (item.counters.size === 0) items.delete(key);
  }
  return items;
}

/**
 * Splits writes into transactions: each carries whole writes (a record and
 * every counter its change moves), at most 100 actions, and few enough
 * counters per item for one update expression.
 */
export function chunkWrites(writes: readonly PlannedWrite[], shard: number): PlannedWrite[][] {
  const chunks: PlannedWrite[][] = [];
  let current: PlannedWrite[] = [];
  // Counter names per bucket item in the current chunk, kept as writes join it (re-summing
  // every time would be quadratic).
  let buckets = new Map<string, Set<string>>();
  const bucketsOf = (write: PlannedWrite) => {
    const mine = new Map<string, Set<string>>();
    for (const d of write.deltas) {
      const key = bucketKey({ pk: d.pk, sk: d.sharded ? `${d.sk}#${shard}` : d.sk });
      (mine.get(key) ?? mine.set(key, new Set()).get(key)!).add(d.counter);
    }
    return mine;
  };
  for (const write of writes) {
    const mine = bucketsOf(write);
    const merged = new Map(buckets);
    for (const [key, names] of mine) merged.set(key, new Set([...(merged.get(key) ?? []), ...names]));
    const fits =
      current.length + 1 + merged.size <= MAX_ACTIONS &&
      [...mine.keys()].every((key) => merged.get(key)!.size <= MAX_COUNTERS_PER_ITEM);
    if (current.length > 0 && !fits) {
      chunks.push(current);
      current = [];
      buckets = mine;
    } else buckets = merged;
    current.push(write);
  }
  if (current.length) chunks.push(current);
  return chunks;
}

function transactItems(table: string, writes: readonly PlannedWrite[], shard: number) {
  const now = new Date().toISOString();
  const puts = writes.map((w) => ({
    Put: {
      TableName: table,
      Item: { ...w.record, updatedAt: now },
      ...(w.expectedVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': w.expectedVersion },
          }),
    },
  }));
  const updates = [...bucketUpdates(writes, shard).values()].map((item) => {
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const parts = [...item.counters].map(([name, amount], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = amount;
      return `#c${i} :c${i}`;
    });
    return {
      Update: {
        TableName: table,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: `ADD ${parts.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  });
  return [...puts, ...updates];
}

interface CancellationReason {
  readonly Code?: string;
  readonly Message?: string;
}

const RETRYABLE = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

/**
 * Commits one chunk atomically. A record whose version check fails is a
 * conflict (the caller re-reads it); the chunk's other writes were not
 * applied and are retried. A request DynamoDB refuses outright (an item over
 * 400 KB) is split in halves until the write that causes it stands alone,
 * so it fails only its own messages.
 */
async function commitChunk(
  client: DynamoDBDocumentClient,
  table: string,
  writes: readonly PlannedWrite[],
  shard: number,
  outcomes: Map<PlannedWrite, WriteOutcome>,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: transactItems(table, writes, shard) }));
      for (const w of writes) outcomes.set(w, { status: 'stored' });
      return;
    } catch (error) {
      const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons;
      if ((error as Error).name === 'TransactionCanceledException' && reasons) {
        const codes = writes.map((_, i) => reasons[i]?.Code ?? 'None');
        const refused = writes.filter((_, i) => codes[i] === 'ConditionalCheckFailed');
        const invalid = writes.filter(
          (_, i) => codes[i] !== 'ConditionalCheckFailed' && codes[i] !== 'None' && !RETRYABLE.has(codes[i]!),
        );
        for (const w of refused) outcomes.set(w, { status: 'conflict' });
        for (const w of invalid)
          outcomes.set(w, {
            status: 'failed',
            reason: (
              `cannot store ${w.record.kind} record: ${codes[writes.indexOf(w)]} ` +
              `${reasons[writes.indexOf(w)]?.Message ?? ''}`
            ).trim(),
          });
        const rest = writes.filter((w) => !outcomes.has(w));
        if (rest.length === 0) return;
        if (refused.length || invalid.length) return commitChunk(client, table, rest, shard, outcomes);
        // Only retryable reasons (a concurrent transaction, throttling): back off and try the same chunk again.
        if (attempt >= 8) {
          for (const w of rest)
            outcomes.set(w, { status: 'failed', reason: `transaction kept failing: ${codes.join(', ')}` });
          return;
        }
        await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
        continue;
      }
      if ((error as Error).name === 'ValidationException') {
        if (writes.length === 1) {
          outcomes.set(writes[0]!, {
            status: 'failed',
            reason: `cannot store ${writes[0]!.record.kind} record: ${reasonOf(error)}`,
          });
          return;
        }
        const half = Math.ceil(writes.length / 2);
        await commitChunk(client, table, writes.slice(0, half), shard, outcomes);
        await commitChunk(client, table, writes.slice(half), shard, outcomes);
        return;
      }
      throw error;
    }
  }
}

/** Commits planned writes and their counter moves in transactions; every write gets an outcome. */
export async function commitWrites(
  client: DynamoDBDocumentClient,
  table: string,
  writes: readonly PlannedWrite[],
  shard: number,
): Promise<Map<PlannedWrite, WriteOutcome>> {
  const outcomes = new Map<PlannedWrite, WriteOutcome>();
  // Each chunk moves its counters on its own shard, so the batch's transactions never contend with each other.
  await Promise.all(
    chunkWrites(writes, shard).map((chunk, i) =>
      commitChunk(client, table, chunk, (shard + i) % BUCKET_SHARDS, outcomes).catch((error: unknown) => {
        for (const w of chunk)
          if (!outcomes.has(w))
            outcomes.set(w, { status: 'failed', reason: `cannot store ${w.record.kind} record: ${reasonOf(error)}` });
      }),
    ),
  );
  return outcomes;
}
