/** Requests as IAM sees them: which (action, resource, condition keys) each operation needs authorized. */
import { describe, expect, it } from 'vitest';
import {
  dynamodbPermissions,
  eventsPermissions,
  invokePermission,
  sqsPermissions,
} from '../../infra/local/iam/requests.ts';

const where = { partition: 'aws', region: 'eu-central-1', account: '111122223333' };
const table = (name: string) => `arn:aws:dynamodb:eu-central-1:111122223333:table/${name}`;
const keys: Record<string, string> = { Log: 'pk', View: 'id', 'View/byDay': 'day' };
const partitionKeyOf = (t: string, index?: string) => keys[index ? `${t}/${index}` : t];
const dynamo = (operation: string, body: Record<string, unknown>) =>
  dynamodbPermissions(operation, body, where, partitionKeyOf);

describe('DynamoDB', () => {
  it('single-item operations: the table and the item partition key as dynamodb:LeadingKeys', () => {
    expect(dynamo('PutItem', { TableName: 'Log', Item: { pk: { S: 'a' }, x: { N: '1' } } })).toEqual([
      { action: 'dynamodb:PutItem', resource: table('Log'), context: { 'dynamodb:leadingkeys': ['a'] } },
    ]);
    expect(dynamo('DeleteItem', { TableName: table('View'), Key: { id: { N: '7' } } })).toEqual([
      { action: 'dynamodb:DeleteItem', resource: table('View'), context: { 'dynamodb:leadingkeys': ['7'] } },
    ]);
  });

  it('a Query on an index is on table/<t>/index/<i>, its leading key from the key condition', () => {
    const query = dynamo('Query', {
      TableName: 'View',
      IndexName: 'byDay',
      KeyConditionExpression: '(#d = :day) AND sk BETWEEN :a AND :b',
      ExpressionAttributeNames: { '#d': 'day' },
      ExpressionAttributeValues: { ':day': { S: '2021-03-01' }, ':a': { S: '0' }, ':b': { S: '9' } },
    });
    expect(query).toEqual([
      {
        action: 'dynamodb:Query',
        resource: `${table('View')}/index/byDay`,
        context: { 'dynamodb:leadingkeys': ['2021-03-01'] },
      },
    ]);
    const legacy = dynamo('Query', {
      TableName: 'Log',
      KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'z' }] } },
    });
    expect(legacy[0]?.context).toEqual({ 'dynamodb:leadingkeys': ['z'] });
  });

  it('batches: one permission per table with every key it touches', () => {
    const batch = dynamo('BatchWriteItem', {
      RequestItems: {
        Log: [
          { PutRequest: { Item: { pk: { S: 'a' } } } },
          { DeleteRequest: { Key: { pk: { S: 'b' } } } },
          { PutRequest: { Item: { pk: { S: 'a' } } } },
        ],
        View: [{ PutRequest: { Item: { id: { S: 'c' } } } }],
      },
    });
    expect(batch).toEqual([
      { action: 'dynamodb:BatchWriteItem', resource: table('Log'), context: { 'dynamodb:leadingkeys': ['a', 'b'] } },
      { action: 'dynamodb:BatchWriteItem', resource: table('View'), context: { 'dynamodb:leadingkeys': ['c'] } },
    ]);
    expect(
      dynamo('BatchGetItem', { RequestItems: { View: { Keys: [{ id: { S: 'q' } }] } } }).map((p) => p.action),
    ).toEqual(['dynamodb:BatchGetItem']);
  });

  it('transactions: the single-item action per part, with dynamodb:EnclosingOperation', () => {
    const parts = dynamo('TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: 'Log', Item: { pk: { S: 'a' } } } },
        { Update: { TableName: 'View', Key: { id: { S: 'b' } } } },
        { Delete: { TableName: 'View', Key: { id: { S: 'c' } } } },
        { ConditionCheck: { TableName: 'Log', Key: { pk: { S: 'd' } } } },
      ],
    });
    expect(
      parts.map((p) => [
        p.action,
        p.resource,
        p.context['dynamodb:leadingkeys'],
        p.context['dynamodb:enclosingoperation'],
      ]),
    ).toEqual([
      ['dynamodb:PutItem', table('Log'), ['a'], 'TransactWriteItems'],
      ['dynamodb:UpdateItem', table('View'), ['b'], 'TransactWriteItems'],
      ['dynamodb:DeleteItem', table('View'), ['c'], 'TransactWriteItems'],
      ['dynamodb:ConditionCheckItem', table('Log'), ['d'], 'TransactWriteItems'],
    ]);
    expect(
      dynamo('TransactGetItems', { TransactItems: [{ Get: { TableName: 'Log', Key: { pk: { S: 'e' } } } }] })[0]
        ?.action,
    ).toBe('dynamodb:GetItem');
  });

  it('table-level operations name the table; ListTables is on *', () => {
    expect(dynamo('DescribeTable', { TableName: 'Log' })).toEqual([
      { action: 'dynamodb:DescribeTable', resource: table('Log'), context: {} },
    ]);
    expect(dynamo('ListTables', {})[0]?.resource).toBe('*');
  });
});

describe('EventBridge, SQS and API Gateway', () => {
  it('PutEvents: one permission per entry, on its bus (default when absent), with its source and detail-type', () => {
    const entries = eventsPermissions(
      'PutEvents',
      {
        Entries: [
          { Source: 's1', DetailType: 'd1', EventBusName: 'bus' },
          { Source: 's2', DetailType: 'd2' },
        ],
      },
      where,
    );
    expect(entries).toEqual([
      {
        action: 'events:PutEvents',
        resource: 'arn:aws:events:eu-central-1:111122223333:event-bus/bus',
        context: { 'events:source': 's1', 'events:detail-type': 'd1' },
        entry: 0,
      },
      {
        action: 'events:PutEvents',
        resource: 'arn:aws:events:eu-central-1:111122223333:event-bus/default',
        context: { 'events:source': 's2', 'events:detail-type': 'd2' },
        entry: 1,
      },
    ]);
  });

  it('SQS: the queue ARN from its URL; batch operations as their single forms', () => {
    const url = 'http://127.0.0.1:4566/111122223333/orders';
    expect(sqsPermissions('DeleteMessageBatch', { QueueUrl: url }, where)).toEqual([
      { action: 'sqs:DeleteMessage', resource: 'arn:aws:sqs:eu-central-1:111122223333:orders', context: {} },
    ]);
    expect(sqsPermissions('GetQueueUrl', { QueueName: 'orders' }, where)[0]?.resource).toBe(
      'arn:aws:sqs:eu-central-1:111122223333:orders',
    );
  });

  it('execute-api:Invoke: apiId/stage/METHOD/path', () => {
    expect(invokePermission(where, 'a1b2', 'v1', 'get', '/api/views/interior/persons')).toEqual({
      action: 'execute-api:Invoke',
      resource: 'arn:aws:execute-api:eu-central-1:111122223333:a1b2/v1/GET/api/views/interior/persons',
      context: {},
    });
  });
});

describe('hostile bodies', () => {
  const weird: unknown[] = [
    {},
    { TableName: 7, Key: 'x', Item: [1, 2], RequestItems: 'no', TransactItems: {} },
    {
      RequestItems: { T: 5, U: [null, 1, 'a', { PutRequest: 3 }] },
      TransactItems: [null, 1, { Put: null }, { Nope: {} }],
    },
    { KeyConditionExpression: `${'('.repeat(5000)}pk = :v${')'.repeat(5000)}`, TableName: 'Log' },
    { KeyConditionExpression: ' = = = :v', ExpressionAttributeNames: { '#constructor': 1 }, TableName: 'Log' },
    { Entries: [null, 'x', { Source: 1, DetailType: {}, EventBusName: '' }], QueueUrl: '/', QueueName: {} },
    { ['__proto__']: { TableName: 'Log' }, constructor: 'x' },
  ];
  const ops = {
    dynamodb: [
      'GetItem',
      'PutItem',
      'Query',
      'Scan',
      'BatchGetItem',
      'BatchWriteItem',
      'TransactWriteItems',
      'TransactGetItems',
      'X',
    ],
    events: ['PutEvents', 'DescribeRule', 'ListRules'],
    sqs: ['ReceiveMessage', 'SendMessageBatch', 'GetQueueUrl', 'StartMessageMoveTask', 'ListQueues'],
  };

  it('every operation turns any JSON body into permissions without throwing, and names its action', () => {
    for (const raw of weird) {
      const body = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
      for (const op of ops.dynamodb) for (const p of dynamo(op, body)) expect(p.action).toMatch(/^dynamodb:/);
      for (const op of ops.events)
        for (const p of eventsPermissions(op, body, where)) expect(p.action).toMatch(/^events:/);
      for (const op of ops.sqs) for (const p of sqsPermissions(op, body, where)) expect(p.action).toMatch(/^sqs:/);
    }
  });

  it('the partition key is still found behind thousands of parentheses', () => {
    const [query] = dynamo('Query', {
      TableName: 'Log',
      KeyConditionExpression: `${'('.repeat(5000)}pk = :v${')'.repeat(5000)}`,
      ExpressionAttributeValues: { ':v': { S: 'deep' } },
    });
    expect(query?.context).toEqual({ 'dynamodb:leadingkeys': ['deep'] });
  });
});
