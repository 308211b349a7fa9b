import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../lib/dynamo-errors.ts';
import { allPages } from '../lib/paginate.ts';
import { leafPosition } from '../merkle/leaf.ts';
import { ACCESS_LEDGER } from '../merkle/logs.ts';
import { certainlyNotWritten, claimLeaves, claimUsable, voidLeaf } from '../merkle/sequencer.ts';

/**
 * The access ledger: who read a person's data, for which ministry, when and
 * why (Estonia's Data Tracker question). Append-only: entries are written
 * once under a fresh key and the query functions may only put, never update
 * or delete.
 */
export interface LedgerEntry {
  readonly personKey: string;
  readonly readAt: string;
  readonly ministry: string;
  readonly operator: string;
  readonly purpose: string;
  readonly what: string;
}

/**
 * Appends a read to the ledger, at a leaf of the ledger's Merkle tree
 * (a smoke read, which expires, is no leaf). A write DynamoDB refused leaves
 * its leaf voided; the caller's read fails with it, as before.
 */
export async function recordAccess(
  client: DynamoDBDocumentClient,
  table: string,
  entry: Omit<LedgerEntry, 'readAt'>,
  expiresAt?: number,
): Promise<LedgerEntry> {
  const full = { ...entry, readAt: new Date().toISOString() };
  const key = { pk: entry.personKey, sk: `${full.readAt}#${randomUUID()}` };
  const claim = expiresAt === undefined ? await claimLeaves(client, table, ACCESS_LEDGER, 1) : undefined;
  const position = claim ? leafPosition(claim.first) : {};
  let sent = false;
  try {
    if (claim && !claimUsable(claim)) throw new Error('the ledger write would start after its leaf claim expired');
    sent = true;
    await client.send(
      new PutCommand({
        TableName: table,
        Item: { ...key, ...full, ...position, ...(expiresAt !== undefined ? { expiresAt } : {}) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    // The key is fresh: a failed condition can only be this write's own earlier attempt,
    // stored before its answer was lost.
    if (
      claim &&
      isConditionalCheckFailed(error) &&
      (await client.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item?.leafIndex ===
        claim.first
    )
      return full;
    if (claim && (!sent || certainlyNotWritten(error)))
      await voidLeaf(
        client,
        table,
        ACCESS_LEDGER,
        claim.first,
        `ledger entry not written: ${(error as Error).message}`,
      ).catch(() => undefined);
    throw error;
  }
  return full;
}

/**
 * A person's ledger, oldest first; with `ministry`, only that ministry's reads (filtered by DynamoDB, so
 * others' never leave the table).
 */
export async function readLedger(
  client: DynamoDBDocumentClient,
  table: string,
  personKey: string,
  scope: { ministry?: string } = {},
): Promise<LedgerEntry[]> {
  const byMinistry =
    scope.ministry === undefined
      ? {}
      : { FilterExpression: '#ministry = :ministry', ExpressionAttributeNames: { '#ministry': 'ministry' } };
  const items = await allPages<LedgerEntry>((ExclusiveStartKey) =>
    client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: {
          ':pk': personKey,
          ...(scope.ministry === undefined ? {} : { ':ministry': scope.ministry }),
        },
        ...byMinistry,
        ExclusiveStartKey,
      }),
    ),
  );
  return items.map(({ personKey: key, readAt, ministry, operator, purpose, what }) => ({
    personKey: key,
    readAt,
    ministry,
    operator,
    purpose,
    what,
  }));
}
