// Load generator for bench/dynamodb.ts, in a process of its own so that its
// CPU (the SDK building and signing requests) is not counted as the cloud's.
// The parent sends { op, requests, concurrency, round } and gets back
// { requests, failed, seconds, firstError }.

import { Agent } from 'node:http';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';

const { endpoint, region, credentials } = JSON.parse(process.argv[2]);
const client = new DynamoDBClient({
  endpoint,
  region,
  credentials,
  maxAttempts: 1,
  requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }) },
});
const TABLE = 'BenchItems';
const payload = 'x'.repeat(200);

const item = (pk, sk) => ({
  pk: { S: pk },
  sk: { N: String(sk) },
  kind: { S: `kind-${sk % 7}` },
  payload: { S: payload },
});

/** One request of each operation; `i` numbers requests within a round so keys never collide across rounds. */
const OPERATIONS = {
  setup: async () => {
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
          { AttributeName: 'kind', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byKind',
            KeySchema: [
              { AttributeName: 'kind', KeyType: 'HASH' },
              { AttributeName: 'sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      }),
    );
    // 200 partitions of exactly 10 items for the Query figure.
    for (let p = 0; p < 200; p++) {
      const requests = Array.from({ length: 10 }, (_, s) => ({ PutRequest: { Item: item(`query-${p}`, s) } }));
      await client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: requests } }));
    }
  },
  PutItem: (i, round) =>
    client.send(new PutItemCommand({ TableName: TABLE, Item: item(`put-${round}-${i % 500}`, i) })),
  'PutItem (conditional)': (i, round) =>
    client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: item(`cond-${round}`, i),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  GetItem: (i) =>
    client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `query-${i % 200}` }, sk: { N: String(i % 10) } } }),
    ),
  'BatchWriteItem (25)': async (i, round) => {
    const requests = Array.from({ length: 25 }, (_, k) => ({ PutRequest: { Item: item(`batch-${round}-${i}`, k) } }));
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: requests } }));
    if (Object.keys(out.UnprocessedItems ?? {}).length > 0) throw new Error('unprocessed items');
  },
  'Query (10 items)': async (i) => {
    const out = await client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: `query-${i % 200}` } },
      }),
    );
    if (out.Count !== 10) throw new Error(`query returned ${out.Count} items`);
  },
  'TransactWriteItems (2)': (i, round) =>
    client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: TABLE, Item: item(`tx-${round}`, i), ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Update: {
              TableName: TABLE,
              Key: { pk: { S: `tx-counter-${i % 50}` }, sk: { N: '0' } },
              UpdateExpression: 'ADD n :one',
              ExpressionAttributeValues: { ':one': { N: '1' } },
            },
          },
        ],
      }),
    ),
};

async function run({ op, requests, concurrency, round }) {
  const operation = OPERATIONS[op];
  if (op === 'setup') {
    await operation();
    return { requests: 0, failed: 0, seconds: 0 };
  }
  let next = 0;
  let failed = 0;
  let firstError;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        try {
          await operation(i, round);
        } catch (error) {
          failed++;
          firstError ??= `${error.name}: ${error.message}`;
        }
      }
    }),
  );
  return { requests, failed, seconds: (performance.now() - started) / 1000, firstError };
}

process.on('message', (message) => {
  run(message).then(
    (result) => process.send(result),
    (error) => process.send({ requests: 0, failed: 1, seconds: 0, firstError: String(error?.stack ?? error) }),
  );
});
process.on('disconnect', () => process.exit(0));
