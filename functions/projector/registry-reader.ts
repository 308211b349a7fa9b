import { QueryCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { aliasPk, personPk } from '../domain/records.ts';
import type { StoredRecord } from './plan.ts';
import { allPages } from '../lib/paginate.ts';
import type { PersonLookup } from '../lib/person-key.ts';

/** Read access to a projection table, by person. */
export interface RecordReader {
  personRecords(personKey: string): Promise<StoredRecord[]>;
  record(pk: string, sk: string): Promise<StoredRecord | undefined>;
  /** The person key an IIN-only identity is filed under (its alias), or the key itself. */
  resolveAlias(iinKey: string): Promise<string>;
  /** A person's key (resolving an IIN alias) and records. */
  findPerson(lookup: PersonLookup): Promise<{ personKey: string; records: StoredRecord[] }>;
}

export function registryReader(client: DynamoDBDocumentClient, table: string): RecordReader {
  const reader: RecordReader = {
    personRecords(personKey) {
      return allPages<StoredRecord>((ExclusiveStartKey) =>
        client.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': personPk(personKey) }, ExclusiveStartKey })),
      );
    },
    async record(pk, sk) {
      return (await client.send(new GetCommand({ TableName: table, Key: { pk, sk } }))).Item as StoredRecord | undefined;
    },
    async resolveAlias(iinKey) {
      const alias = (await client.send(new GetCommand({ TableName: table, Key: { pk: aliasPk(iinKey), sk: 'alias' } }))).Item as StoredRecord | undefined;
      return (alias?.state.personKey as string | undefined) ?? iinKey;
    },
    async findPerson(lookup) {
      const personKey = lookup.viaIin ? await reader.resolveAlias(lookup.key) : lookup.key;
      return { personKey, records: await reader.personRecords(personKey) };
    },
  };
  return reader;
}
