import { BatchGetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../lib/dynamo-errors.ts';
import { recordKey, type PlannedWrite, type StoredRecord } from './plan.ts';

const MAX_GET = 100;

/** Loads records by key, 100 per BatchGetItem, retrying unprocessed keys. */
export async function loadRecords(client: DynamoDBDocumentClient, table: string, keys: readonly { pk: string; sk: string }[]): Promise<Map<string, StoredRecord>> {
  const found = new Map<string, StoredRecord>();
  for (let start = 0; start < keys.length; start += MAX_GET) {
    let pending: Record<string, unknown>[] = keys.slice(start, start + MAX_GET).map(({ pk, sk }) => ({ pk, sk }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 2 ** attempt * 10));
      const out = await client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }));
      for (const item of out.Responses?.[table] ?? []) found.set(recordKey(item.pk as string, item.sk as string), item as StoredRecord);
      pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
      if (attempt > 8) throw new Error(`could not read ${pending.length} record(s) of ${table}`);
    }
  }
  return found;
}

/**
 * Stores a planned record only if nobody changed it since it was read
 * (optimistic concurrency on `version`). Returns false on a conflict, so the
 * caller can re-read and re-plan.
 */
export async function storeRecord(client: DynamoDBDocumentClient, table: string, write: PlannedWrite): Promise<boolean> {
  try {
    await client.send(
      new PutCommand({
        TableName: table,
        Item: { ...write.record, updatedAt: new Date().toISOString() },
        ...(write.expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': write.expectedVersion } }),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
