import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PersonLookup } from '../domain/person-key.ts';
import { aliasPk, personPk } from '../domain/projections.ts';
import { allPages } from '../lib/paginate.ts';
import type { StoredRecord } from './plan.ts';

/** Read access to a projection table, by person. */
export interface RecordReader {
  personRecords(personKey: string): Promise<StoredRecord[]>;
  /** Every record of one partition (a person's `p#…`). */
  partition(pk: string): Promise<StoredRecord[]>;
  record(pk: string, sk: string): Promise<StoredRecord | undefined>;
  /** The person key an IIN-only identity is filed under (its alias), or the key itself. */
  resolveAlias(iinKey: string): Promise<string>;
  /** A person's key (resolving an IIN alias) and records. */
  findPerson(lookup: PersonLookup): Promise<{ personKey: string; records: StoredRecord[] }>;
}

/** A person-level reader over any store that can list a partition and get a record (DynamoDB, or a table in memory). */
export function readerOver(store: Pick<RecordReader, 'partition' | 'record'>): RecordReader {
  const reader: RecordReader = {
    partition: (pk) => store.partition(pk),
    record: (pk, sk) => store.record(pk, sk),
    personRecords(personKey) {
      return store.partition(personPk(personKey));
    },
    async resolveAlias(iinKey) {
      const alias = await reader.record(aliasPk(iinKey), 'alias');
      return alias?.kind === 'alias' ? alias.state.personKey : iinKey;
    },
    async findPerson(lookup) {
      const personKey = lookup.viaIin ? await reader.resolveAlias(lookup.key) : lookup.key;
      return { personKey, records: await reader.personRecords(personKey) };
    },
  };
  return reader;
}

/** Reads a projection table in DynamoDB, strongly consistent (the command side must see its own writes). */
export function registryReader(client: DynamoDBDocumentClient, table: string): RecordReader {
  return readerOver({
    partition(pk) {
      return allPages<StoredRecord>((ExclusiveStartKey) =>
        client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        ),
      );
    },
    async record(pk, sk) {
      return (await client.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }))).Item as
        | StoredRecord
        | undefined;
    },
  });
}
