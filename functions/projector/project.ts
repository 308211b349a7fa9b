import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableView } from '../domain/views.ts';
import { reasonOf } from '../lib/sqs-batch.ts';
import { planWrites, recordKey, touches, type ValidEvent } from './plan.ts';
import { loadRecords, storeRecord } from './store.ts';

const MAX_CONFLICT_RETRIES = 8;

/**
 * Folds events into the records of one table. Conflicting writes (another
 * batch changed a record meanwhile) are re-read and re-planned. A record that
 * cannot be stored at all (an item over a DynamoDB limit, say) fails only the
 * messages whose events it carries, never its neighbours. Returns the failed
 * message ids, each with its reason.
 */
export async function projectEvents(client: DynamoDBDocumentClient, table: string, view: TableView, secret: string, batch: readonly ValidEvent[]): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  let pending = touches(view, batch, secret);
  for (let attempt = 0; pending.length > 0; attempt++) {
    const existing = await loadRecords(client, table, pending);
    const writes = planWrites(pending, existing);
    const results = await Promise.all(
      writes.map((w) =>
        storeRecord(client, table, w).then(
          (stored): 'stored' | 'conflict' => (stored ? 'stored' : 'conflict'),
          (error: unknown): 'failed' => {
            for (const id of w.messageIds) failed.set(id, `cannot store ${w.record.kind} record: ${reasonOf(error)}`);
            return 'failed';
          },
        ),
      ),
    );
    const conflicted = new Set(writes.filter((_, i) => results[i] === 'conflict').map((w) => recordKey(w.record.pk, w.record.sk)));
    pending = pending.filter((t) => conflicted.has(recordKey(t.pk, t.sk)));
    if (pending.length > 0 && attempt >= MAX_CONFLICT_RETRIES) {
      for (const touch of pending) for (const id of touch.messageIds) failed.set(id, `record ${touch.pk} ${touch.sk} still conflicting after ${MAX_CONFLICT_RETRIES} retries`);
      break;
    }
    if (pending.length > 0) await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
  }
  return failed;
}
