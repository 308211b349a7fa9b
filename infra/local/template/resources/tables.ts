/** `AWS::DynamoDB::Table`: CreateTable input from the template's keys, attributes and global secondary indexes. */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { physicalName } from '../names.ts';
import type { CfnTemplate } from '../template-types.ts';
import { ofType, props } from './common.ts';

export interface LocalTable {
  readonly logicalId: string;
  /** The table's id and default physical name (its construct id, e.g. `ExchangeLog`). */
  readonly id: string;
  /** What CreateTable is given, under any physical name (`mx replay` builds a copy from it). */
  readonly definition: Omit<CreateTableCommandInput, 'TableName'>;
}

export function tablesOf(template: CfnTemplate): LocalTable[] {
  return ofType(template, 'AWS::DynamoDB::Table').map((entry) => {
    const p = props(entry) as Pick<
      CreateTableCommandInput,
      'KeySchema' | 'AttributeDefinitions' | 'GlobalSecondaryIndexes' | 'BillingMode'
    >;
    return {
      logicalId: entry[0],
      id: physicalName(...entry),
      definition: {
        BillingMode: p.BillingMode ?? 'PAY_PER_REQUEST',
        AttributeDefinitions: p.AttributeDefinitions,
        KeySchema: p.KeySchema,
        ...(p.GlobalSecondaryIndexes?.length ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes } : {}),
      },
    };
  });
}
