import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { quotaCounterKey } from '../domain/aggregates.ts';
import { lookupKey } from '../domain/person-key.ts';
import type { StoredRecord } from '../domain/stored-record.ts';
import { isConditionalCheckFailed } from '../lib/dynamo-errors.ts';
import { allPages } from '../lib/paginate.ts';
import { KnownRecords } from '../projector/project.ts';
import { registryReader } from '../projector/registry-reader.ts';
import type { CommandPorts, Reservation } from '../systems/command.ts';

/**
 * The command side's access to its own registry table; it remembers what it read so the fold that
 * follows need not read it again.
 */
export function registryPorts(
  client: DynamoDBDocumentClient,
  table: string,
  secret: string,
  known = new KnownRecords(),
): CommandPorts {
  const reader = registryReader(client, table);
  const partition = async (pk: string) => {
    const records = await reader.partition(pk);
    known.addPartition(pk, records);
    return records;
  };
  return {
    async personRecords(person) {
      const lookup = lookupKey(person, secret);
      const key = lookup.viaIin ? await reader.resolveAlias(lookup.key) : lookup.key;
      return partition(`p#${key}`);
    },
    async record(pk, sk) {
      const record = await reader.record(pk, sk);
      known.set(pk, sk, record);
      return record;
    },
    partition,
    async reserve(quota, amount = 1): Promise<Reservation> {
      try {
        // The projector keeps `free` = quota − places taken, so the check and the take are one conditional update.
        // The topology declares this write (CommandApiSpec.registryWrites: the registry's one other writer).
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: quotaCounterKey(quota),
            UpdateExpression: 'ADD #free :minus',
            ConditionExpression: '#free >= :amount',
            ExpressionAttributeNames: { '#free': 'free' },
            ExpressionAttributeValues: { ':minus': -amount, ':amount': amount },
          }),
        );
        return 'reserved';
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        // Only a refusal pays for a read: was there no quota at all, or no room left?
        const counter = (await client.send(new GetCommand({ TableName: table, Key: quotaCounterKey(quota) }))).Item;
        return typeof counter?.free === 'number' ? 'exhausted' : 'no-quota';
      }
    },
    async release(quota, amount = 1) {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: quotaCounterKey(quota),
          UpdateExpression: 'ADD #free :amount',
          ExpressionAttributeNames: { '#free': 'free' },
          ExpressionAttributeValues: { ':amount': amount },
        }),
      );
    },
    async staysEnding(from, until) {
      const pks = new Set<string>();
      for (let month = from.slice(0, 7); month <= until.slice(0, 7); month = nextMonth(month)) {
        const items = await allPages<Pick<StoredRecord, 'pk'>>((ExclusiveStartKey) =>
          client.send(
            new QueryCommand({
              TableName: table,
              IndexName: 'byEnd',
              KeyConditionExpression: 'endsMonth = :m AND endsOn BETWEEN :from AND :to',
              ExpressionAttributeValues: { ':m': month, ':from': from, ':to': previousDay(until) },
              ProjectionExpression: 'pk',
              ExclusiveStartKey,
            }),
          ),
        );
        for (const item of items) pks.add(item.pk);
      }
      return [...pks];
    },
  };
}

const nextMonth = (month: string) =>
  new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 7);
const previousDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
