import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableView } from '../domain/views.ts';
import { mustRead, planWrites, recordKey, type StoredRecord, type Touch, touches, type ValidEvent } from './plan.ts';
import { BUCKET_SHARDS, commitWrites, loadRecords } from './store.ts';

const MAX_CONFLICT_RETRIES = 8;

/**
 * What the caller already read: whole person partitions (a record not among them does not exist) and single records.
 */
export class KnownRecords {
  private readonly records = new Map<string, StoredRecord | undefined>();
  private readonly partitions = new Set<string>();

  /** Every record of a partition, as a Query returned them. */
  addPartition(pk: string, records: readonly StoredRecord[]): this {
    this.partitions.add(pk);
    for (const r of records) this.records.set(recordKey(r.pk, r.sk), r);
    return this;
  }

  set(pk: string, sk: string, record: StoredRecord | undefined): void {
    this.records.set(recordKey(pk, sk), record);
  }

  forget(pk: string, sk: string): void {
    this.records.delete(recordKey(pk, sk));
    this.partitions.delete(pk);
  }

  has(pk: string, sk: string): boolean {
    return this.records.has(recordKey(pk, sk)) || this.partitions.has(pk);
  }

  /** Records by key, undefined where a key is known to be free. */
  asMap(): Map<string, StoredRecord | undefined> {
    return this.records;
  }
}

/**
 * Folds events into the records of one table and moves its counters with
 * them, in transactions. Evolving records are read first (unless the caller
 * already read them); single-event records are written blind and read only
 * if their key turns out taken. Conflicting writes are re-read and
 * re-planned. A record that cannot be stored at all fails only the messages
 * whose events it carries. Returns the failed message ids with their reasons.
 */
export async function projectEvents(
  client: DynamoDBDocumentClient,
  table: string,
  view: TableView,
  secret: string,
  batch: readonly ValidEvent[],
  known = new KnownRecords(),
): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  const forceRead = new Set<string>();
  let pending: Touch[] = touches(view, batch, secret);
  const shard = Math.floor(Math.random() * BUCKET_SHARDS);
  for (let attempt = 0; pending.length > 0; attempt++) {
    const unread = pending.filter(
      (t) => (mustRead(t.kind) || forceRead.has(recordKey(t.pk, t.sk))) && !known.has(t.pk, t.sk),
    );
    if (unread.length)
      for (const [key, record] of await loadRecords(client, table, unread)) known.asMap().set(key, record);
    const writes = planWrites(view, pending, known.asMap());
    const outcomes = await commitWrites(client, table, writes, shard);
    const conflicted = new Set<string>();
    for (const [write, outcome] of outcomes) {
      const { pk, sk } = write.record;
      if (outcome.status === 'stored') known.set(pk, sk, write.record);
      else if (outcome.status === 'conflict') {
        conflicted.add(recordKey(pk, sk));
        forceRead.add(recordKey(pk, sk));
        known.forget(pk, sk);
      } else for (const id of write.messageIds) failed.set(id, outcome.reason);
    }
    pending = pending.filter((t) => conflicted.has(recordKey(t.pk, t.sk)));
    if (pending.length > 0 && attempt >= MAX_CONFLICT_RETRIES) {
      for (const t of pending)
        for (const id of t.messageIds)
          failed.set(id, `record ${t.pk} ${t.sk} still conflicting after ${MAX_CONFLICT_RETRIES} retries`);
      break;
    }
    if (pending.length > 0) await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
  }
  return failed;
}
