import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { allPages } from '../lib/paginate.ts';

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

export async function recordAccess(client: DynamoDBDocumentClient, table: string, entry: Omit<LedgerEntry, 'readAt'>, expiresAt?: number): Promise<LedgerEntry> {
  const full = { ...entry, readAt: new Date().toISOString() };
  await client.send(
    new PutCommand({
      TableName: table,
      Item: { pk: entry.personKey, sk: `${full.readAt}#${randomUUID()}`, ...full, ...(expiresAt !== undefined ? { expiresAt } : {}) },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return full;
}

/** A person's ledger, oldest first; with `ministry`, only that ministry's reads (filtered by DynamoDB, so others' never leave the table). */
export async function readLedger(client: DynamoDBDocumentClient, table: string, personKey: string, scope: { ministry?: string } = {}): Promise<LedgerEntry[]> {
  const byMinistry = scope.ministry === undefined ? {} : { FilterExpression: '#ministry = :ministry', ExpressionAttributeNames: { '#ministry': 'ministry' } };
  const items = await allPages<LedgerEntry>((ExclusiveStartKey) =>
    client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': personKey, ...(scope.ministry === undefined ? {} : { ':ministry': scope.ministry }) },
        ...byMinistry,
        ExclusiveStartKey,
      }),
    ),
  );
  return items.map(({ personKey: key, readAt, ministry, operator, purpose, what }) => ({ personKey: key, readAt, ministry, operator, purpose, what }));
}
