import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { personKey } from '../../functions/domain/person-key.ts';
import { personPk } from '../../functions/domain/projections.ts';
import { logKey } from '../../functions/exchange-log/log-entry.ts';
import { documentClient } from '../../functions/lib/document-client.ts';
import { allPages } from '../../functions/lib/paginate.ts';
import type { PersonRef } from '../../schemas/person.ts';
import { COMMAND_IDEMPOTENCY_TABLE, TOPOLOGY } from '../topology.ts';
import { type Connection, physicalTables, sdkConfig } from './connection.ts';

/**
 * Removes what a smoke run left on the local cloud: its people's records in
 * every registry and view, their ledger entries and the smoke log rows.
 * DynamoDB's TTL does this on AWS (every table expires `expiresAt`); dynalite
 * has no TTL, and the platform's keys, which the local cloud has, may delete.
 */
export async function cleanUpSmoke(
  connection: Connection,
  people: readonly PersonRef[],
  events: readonly { source: string; eventId: string }[],
): Promise<number> {
  const raw = new DynamoDBClient(sdkConfig(connection, connection.credentials.platform));
  const client = documentClient(raw);
  const table = await physicalTables(connection);
  let removed = 0;
  const remove = async (tableName: string, keys: Record<string, unknown>[]) => {
    for (let i = 0; i < keys.length; i += 25) {
      let pending = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      while (pending.length) {
        const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      }
    }
    removed += keys.length;
  };
  try {
    for (const person of people) {
      const key = personKey(person, connection.credentials.personKeySecret);
      for (const spec of TOPOLOGY.tables) {
        // The log is keyed by event, and remembered command answers by caller and key:
        // neither holds a person's records.
        if (spec.id === 'ExchangeLog' || spec.id === COMMAND_IDEMPOTENCY_TABLE) continue;
        const pk = spec.id === 'AccessLedger' ? key : personPk(key);
        const items = await allPages<{ pk: string; sk: string; leafIndex?: number }>((ExclusiveStartKey) =>
          client.send(
            new QueryCommand({
              TableName: table(spec.id),
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': pk },
              ProjectionExpression: 'pk, sk, leafIndex',
              ExclusiveStartKey,
            }),
          ),
        );
        // A ledger entry that is a leaf of the ledger's signed Merkle tree stays (a read made before the smoke
        // person's records arrived is not marked smoke): removing it would break the signed log.
        await remove(
          table(spec.id),
          items.filter((i) => i.leafIndex === undefined).map(({ pk: p, sk }) => ({ pk: p, sk })),
        );
      }
    }
    await remove(
      table('ExchangeLog'),
      events.map((e) => ({ pk: `smoke#${logKey(e.source, e.eventId)}` })),
    );
    return removed;
  } finally {
    raw.destroy();
  }
}
