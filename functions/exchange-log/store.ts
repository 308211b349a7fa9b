import { gunzipSync } from 'node:zlib';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../lib/dynamo-errors.ts';
import {
  eventDigest,
  LOG_DAYS_KEY,
  type LogEntry,
  type LogPart,
  type LogWrite,
  partKey,
  toConflictWrite,
} from './log-entry.ts';

/**
 * What appending one event did: a new row, a redelivery of a row already
 * there, or a different event under a taken id. `appended` and
 * `conflict-recorded` mean the row now holds the write's leaf index (also
 * when an earlier attempt of this very write stored it); the other two leave
 * the index unused.
 */
export type AppendOutcome = 'appended' | 'already-logged' | 'conflict-recorded' | 'conflict-already-recorded';

/** Called before each row write; throws to stop a write that may no longer start (its leaf claim is too old). */
export type WriteGuard = () => void;

/** Puts a row only if its key is free; false if it is taken. Part rows go first, so a visible row is always whole. */
async function putOnce(
  client: DynamoDBDocumentClient,
  table: string,
  write: LogWrite,
  guard?: WriteGuard,
): Promise<boolean> {
  guard?.();
  for (const part of write.parts) await client.send(new PutCommand({ TableName: table, Item: part }));
  try {
    await client.send(
      new PutCommand({ TableName: table, Item: write.entry, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/**
 * Appends an event to the log, once: rows are never overwritten. A
 * redelivered event (same digest) is a no-op; a different event under an
 * id its source already used is kept as an id conflict beside the first.
 */
export async function appendOnce(
  client: DynamoDBDocumentClient,
  table: string,
  write: LogWrite,
  knownSources: readonly string[],
  guard?: WriteGuard,
): Promise<AppendOutcome> {
  if (await putOnce(client, table, write, guard)) return 'appended';
  const existing = await readRow(client, table, write.entry.pk);
  if (!existing) throw new Error(`log row ${write.entry.pk} was taken but cannot be read back`);
  // The SDK retries a put whose answer was lost: a row holding this write's own leaf is this write's.
  if (existing.digest === write.entry.digest) return holdsLeafOf(existing, write) ? 'appended' : 'already-logged';
  const conflict = toConflictWrite(write, existing, knownSources);
  if (await putOnce(client, table, conflict, guard)) return 'conflict-recorded';
  return holdsLeafOf(await readRow(client, table, conflict.entry.pk), write)
    ? 'conflict-recorded'
    : 'conflict-already-recorded';
}

async function readRow(client: DynamoDBDocumentClient, table: string, pk: string): Promise<LogEntry | undefined> {
  return (await client.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true }))).Item as
    | LogEntry
    | undefined;
}

function holdsLeafOf(row: LogEntry | undefined, write: LogWrite): boolean {
  return row?.leafIndex !== undefined && row.leafIndex === write.entry.leafIndex;
}

/** A row's detail as the producer sent it, whichever way it was stored (inline, compressed, or in parts). */
export async function loadDetail(client: DynamoDBDocumentClient, table: string, row: LogEntry): Promise<string> {
  if (row.detail !== undefined) return row.detail;
  if (row.detailGzip) return gunzipSync(row.detailGzip).toString('utf8');
  const parts: Uint8Array[] = [];
  for (let part = 0; part < (row.detailParts ?? 0); part++) {
    const item = (
      await client.send(new GetCommand({ TableName: table, Key: { pk: partKey(row.pk, row.digest, part) } }))
    ).Item as LogPart | undefined;
    if (!item) throw new Error(`log row ${row.pk} is missing detail part ${part}`);
    parts.push(item.data);
  }
  return gunzipSync(Buffer.concat(parts)).toString('utf8');
}

/** Adds days to the log's list of days (a string set: adding a day twice is a no-op). */
export async function recordDays(
  client: DynamoDBDocumentClient,
  table: string,
  days: readonly string[],
): Promise<void> {
  if (days.length === 0) return;
  await client.send(
    new UpdateCommand({
      TableName: table,
      Key: { pk: LOG_DAYS_KEY },
      UpdateExpression: 'ADD #days :days',
      ExpressionAttributeNames: { '#days': 'days' },
      ExpressionAttributeValues: { ':days': new Set(days) },
    }),
  );
}

/**
 * Whether a row's detail, wherever it is stored, is still the event its
 * digest names. The Merkle leaf covers the row and so an inline or
 * compressed detail; a detail split over part rows is covered through this.
 */
export async function detailMatchesDigest(
  client: DynamoDBDocumentClient,
  table: string,
  row: Pick<LogEntry, 'pk' | 'digest' | 'source' | 'detailType' | 'detail' | 'detailGzip' | 'detailParts'>,
): Promise<boolean> {
  const detail = await loadDetail(client, table, row as LogEntry);
  return eventDigest(row.source, row.detailType, detail) === row.digest;
}
