import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableView } from '../domain/views.ts';
import { planWrites, recordKey, touches, type ValidEvent } from './plan.ts';
import { loadRecords, storeRecord } from './store.ts';

const MAX_CONFLICT_RETRIES = 8;

/**
 * Folds events into the records of one table. Conflicting writes (another
 * batch changed a record meanwhile) are re-read and re-planned; returns the
 * message ids whose records still could not be stored.
 */
export async function projectEvents(client: DynamoDBDocumentClient, table: string, view: TableView, secret: string, batch: readonly ValidEvent[]): Promise<Set<string>> {
  const failed = new Set<string>();
  let pending = touches(view, batch, secret);
  for (let attempt = 0; pending.length > 0; attempt++) {
    const existing = await loadRecords(client, table, pending);
    const writes = planWrites(pending, existing);
    const results = await Promise.all(writes.map((w) => storeRecord(client, table, w)));
    const conflicted = new Set(writes.filter((_, i) => !results[i]).map((w) => recordKey(w.record.pk, w.record.sk)));
    pending = pending.filter((t) => conflicted.has(recordKey(t.pk, t.sk)));
    if (pending.length > 0 && attempt >= MAX_CONFLICT_RETRIES) {
      for (const touch of pending) for (const id of touch.messageIds) failed.add(id);
      break;
    }
    if (pending.length > 0) await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
  }
  return failed;
}
