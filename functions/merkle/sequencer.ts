/**
 * How rows get their place in a log's Merkle tree, on the write path.
 *
 * A writer claims a run of leaf indexes with ONE conditional-free atomic
 * counter update per batch (`ADD next :n`, DynamoDB serialises updates of
 * an item), then writes each row with its index. An index is therefore
 * never handed out twice. It is never skipped either, in the sense that
 * matters to a verifier: every index below the counter ends up holding a
 * row or a *void* leaf that says why it holds none.
 *  - A writer that knows it did not write an index (the row was already
 *    logged under an earlier index, DynamoDB refused the write, or the
 *    claim grew too old to use) voids it at once.
 *  - A writer that crashed between claim and write leaves a hole; the
 *    checkpointer voids it once no writer can still fill it: writers never
 *    start a write more than WRITE_DEADLINE_MS after their claim, and the
 *    checkpointer waits longer than that plus the time a sent request can
 *    still land (on AWS, a SigV4-signed request is refused five minutes
 *    after it was signed) since it first saw the hole. On the local cloud
 *    every writer runs in the checkpointer's process, so a hole below the
 *    counter it found when it started was left by a process that is gone.
 * Void leaves and rows share one key per index, so two void writes of one
 * index are one; a row and a void of one index would be two items, which is
 * what the timing above rules out (and `mx log verify` would name).
 */
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../lib/dynamo-errors.ts';
import { leafPosition } from './leaf.ts';
import { type LogLayout, voidItem } from './logs.ts';

/** A writer does not start writing a claimed index later than this after claiming it. */
export const WRITE_DEADLINE_MS = 60_000;

export interface Claim {
  readonly first: number;
  readonly count: number;
  /** When the claim was granted (ms since the epoch), for the write deadline. */
  readonly at: number;
}

/** Claims `count` consecutive leaf indexes of a log. */
export async function claimLeaves(
  client: DynamoDBDocumentClient,
  table: string,
  layout: LogLayout,
  count: number,
  now = Date.now,
): Promise<Claim> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`claim a positive number of leaves, not ${count}`);
  const out = await client.send(
    new UpdateCommand({
      TableName: table,
      Key: layout.key('next'),
      UpdateExpression: 'ADD #next :n',
      ExpressionAttributeNames: { '#next': 'next' },
      ExpressionAttributeValues: { ':n': count },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const next = Number((out.Attributes as { next?: number } | undefined)?.next);
  if (!Number.isSafeInteger(next)) throw new Error(`the ${layout.name} leaf counter returned ${String(next)}`);
  return { first: next - count, count, at: now() };
}

/** Whether a write of a claimed index may still start (it may not once the checkpointer could be voiding it). */
export function claimUsable(claim: Claim, now = Date.now()): boolean {
  return now - claim.at < WRITE_DEADLINE_MS;
}

/** Marks a leaf index as holding no row, saying why. Voiding an index twice is harmless: one key per index. */
export async function voidLeaf(
  client: DynamoDBDocumentClient,
  table: string,
  layout: LogLayout,
  index: number,
  reason: string,
  now = new Date(),
): Promise<void> {
  try {
    await client.send(
      new PutCommand({
        TableName: table,
        Item: {
          ...layout.key(voidItem(index)),
          ...leafPosition(index),
          void: reason.slice(0, 500),
          voidedAt: now.toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(#k)',
        ExpressionAttributeNames: { '#k': Object.keys(layout.key('x'))[0]! },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

/**
 * Whether a failed write certainly wrote nothing: DynamoDB refused its only
 * attempt (a 4xx). After a retry, an earlier attempt may have been applied
 * (its answer lost), and a timeout or a 5xx may have been applied too: such
 * an index is left for the checkpointer to settle. A failed condition is the
 * caller's to read back (it may be its own earlier attempt).
 */
export function certainlyNotWritten(error: unknown): boolean {
  const meta = (error as { $metadata?: { httpStatusCode?: number; attempts?: number } } | undefined)?.$metadata;
  const status = meta?.httpStatusCode;
  return (
    status !== undefined &&
    status >= 400 &&
    status < 500 &&
    (meta?.attempts ?? 1) <= 1 &&
    !isConditionalCheckFailed(error)
  );
}
