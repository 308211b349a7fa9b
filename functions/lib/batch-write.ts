import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const MAX_BATCH = 25;
const MAX_ATTEMPTS = 6;

export interface BatchWriteResult<T> {
  readonly written: T[];
  readonly failed: T[];
}

/**
 * Puts items 25 at a time and retries what DynamoDB leaves unprocessed with
 * exponential backoff (as the BatchWriteItem docs ask). Returns what could not
 * be written, so the caller can report exactly those messages as failed.
 */
export async function putAll<T extends Record<string, unknown>>(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly T[],
  keyOf: (item: T) => string,
): Promise<BatchWriteResult<T>> {
  const written: T[] = [];
  const failed: T[] = [];
  for (let start = 0; start < items.length; start += MAX_BATCH) {
    let pending = items.slice(start, start + MAX_BATCH);
    for (let attempt = 1; pending.length > 0; attempt++) {
      try {
        const out = await client.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: pending.map((Item) => ({ PutRequest: { Item } })) } }),
        );
        const left = new Set((out.UnprocessedItems?.[tableName] ?? []).map((r) => keyOf(r.PutRequest!.Item as T)));
        written.push(...pending.filter((item) => !left.has(keyOf(item))));
        pending = pending.filter((item) => left.has(keyOf(item)));
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS) throw error;
      }
      if (pending.length > 0 && attempt >= MAX_ATTEMPTS) {
        failed.push(...pending);
        break;
      }
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 2 ** attempt * 10));
    }
  }
  return { written, failed };
}
