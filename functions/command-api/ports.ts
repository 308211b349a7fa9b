import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../lib/dynamo-errors.ts';
import type { CommandPorts } from '../systems/command.ts';
import type { StoredRecord } from '../projector/plan.ts';
import { registryReader } from '../projector/registry-reader.ts';
import { lookupKey } from '../lib/person-key.ts';
import { allPages } from '../lib/paginate.ts';

const COUNTER_PK = 'counter';

/** The command side's access to its own registry table. */
export function registryPorts(client: DynamoDBDocumentClient, table: string, secret: string): CommandPorts {
  const reader = registryReader(client, table);
  return {
    async personRecords(person) {
      return (await reader.findPerson(lookupKey(person, secret))).records;
    },
    record: (pk, sk) => reader.record(pk, sk),
    async reserve(counter, limit, amount = 1) {
      if (!(Number.isInteger(amount) && amount >= 1)) throw new RangeError(`a reservation takes a whole number of units >= 1, got ${amount}`);
      // Checked here, not only in the condition: on a counter never used, attribute_not_exists(used) would let any amount in.
      if (amount > limit) return false;
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: COUNTER_PK, sk: counter },
            UpdateExpression: 'ADD used :n',
            // used + n <= limit, written as used <= limit - n: condition expressions have no arithmetic.
            ConditionExpression: 'attribute_not_exists(used) OR used <= :limitMinusN',
            ExpressionAttributeValues: { ':n': amount, ':limitMinusN': limit - amount },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
    async release(counter, amount = 1) {
      await client.send(new UpdateCommand({ TableName: table, Key: { pk: COUNTER_PK, sk: counter }, UpdateExpression: 'ADD used :minus', ExpressionAttributeValues: { ':minus': -amount } }));
    },
    scan(kinds) {
      const names = Object.fromEntries(kinds.map((k, i) => [`:k${i}`, k]));
      return allPages<StoredRecord>((ExclusiveStartKey) =>
        client.send(
          new ScanCommand({
            TableName: table,
            FilterExpression: `#kind IN (${Object.keys(names).join(', ')})`,
            ExpressionAttributeNames: { '#kind': 'kind' },
            ExpressionAttributeValues: names,
            ExclusiveStartKey,
          }),
        ),
      );
    },
  };
}
