import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { TableSpec } from './topology.ts';

/** CreateTable input for a topology table under a physical name: keys, on-demand billing and its indexes. */
export function tableDefinition(spec: TableSpec, name: string): CreateTableCommandInput {
  const keys = [spec.partitionKey, ...(spec.sortKey ? [spec.sortKey] : []), ...(spec.indexes ?? []).flatMap((i) => [i.partitionKey, ...(i.sortKey ? [i.sortKey] : [])])];
  const attributes = [...new Map(keys.map((k) => [k.name, k])).values()];
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributes.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
    KeySchema: [{ AttributeName: spec.partitionKey.name, KeyType: 'HASH' }, ...(spec.sortKey ? [{ AttributeName: spec.sortKey.name, KeyType: 'RANGE' as const }] : [])],
    ...(spec.indexes?.length
      ? {
          GlobalSecondaryIndexes: spec.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [{ AttributeName: index.partitionKey.name, KeyType: 'HASH' as const }, ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : [])],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}
