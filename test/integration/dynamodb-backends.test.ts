/**
 * The DynamoDB API this project uses, run against BOTH local backends
 * (dynoxide and dynalite) through the local cloud and the real SDK. dynalite
 * has no transactions of its own: the cloud adds them
 * (infra/local/dynalite-transactions.mjs), and they must behave as dynoxide's.
 */

import { Sha256 } from '@aws-crypto/sha256-js';
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendName } from '../../infra/local/dynamodb-backends.ts';
import { locateDynoxide } from '../../infra/local/dynoxide.ts';
import { TABLES } from '../../infra/topology.ts';
import { startTestCloud, type TestCloud } from './cloud-harness.ts';
import { remote } from './target.ts';

const dynoxideHere = !('missing' in locateDynoxide());
const BACKENDS: BackendName[] = dynoxideHere ? ['dynoxide', 'dynalite'] : ['dynalite'];

/** Starts a cloud on one backend: MX_DYNAMODB is read once, when the cloud starts. */
async function cloudOn(backend: BackendName): Promise<TestCloud> {
  const before = process.env.MX_DYNAMODB;
  process.env.MX_DYNAMODB = backend;
  try {
    return await startTestCloud();
  } finally {
    if (before === undefined) delete process.env.MX_DYNAMODB;
    else process.env.MX_DYNAMODB = before;
  }
}

/** A signed DynamoDB call with a body the SDK would never send. */
async function rawCall(
  env: TestCloud,
  operation: string,
  body: string,
): Promise<{ status: number; type: string; message: string }> {
  const url = new URL(env.endpoint);
  const { credentials } = env.cloud;
  const signer = new SignatureV4({
    service: 'dynamodb',
    region: credentials.region,
    credentials: { ...credentials.platform },
    sha256: Sha256,
  });
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
    },
    body,
  });
  const signed = await signer.sign(request);
  const res = await fetch(env.endpoint, { method: 'POST', headers: signed.headers, body });
  const text = await res.text();
  const parsed = (text ? JSON.parse(text) : {}) as { __type?: string; message?: string; Message?: string };
  return { status: res.status, type: parsed.__type ?? '', message: parsed.message ?? parsed.Message ?? '' };
}

const reasonCodes = (error: unknown) => (error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code);

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

// Remote: skipped, it chooses the DynamoDB backend each cloud starts on.
describe.skipIf(remote).each(BACKENDS)('DynamoDB on %s', (backend) => {
  let env: TestCloud;
  beforeAll(async () => {
    env = await cloudOn(backend);
    await env.dynamo().send(
      new CreateTableCommand({
        TableName: 'Conformance',
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
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    // Shaped like the exchange log: one key, two GSIs.
    await env.dynamo().send(
      new CreateTableCommand({
        TableName: 'Journal',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['id', 'subject', 'occurredAt', 'day', 'position'].map((AttributeName) => ({
          AttributeName,
          AttributeType: 'S',
        })),
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'bySubject',
            KeySchema: [
              { AttributeName: 'subject', KeyType: 'HASH' },
              { AttributeName: 'occurredAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: 'byDay',
            KeySchema: [
              { AttributeName: 'day', KeyType: 'HASH' },
              { AttributeName: 'position', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      }),
    );
  });
  afterAll(() => env?.stop());

  it('is the backend the cloud reports in its health', () => {
    expect(env.cloud.health().dynamodb.backend).toBe(backend);
  });

  it('describes the tables the cloud created, with their GSIs', async () => {
    const spec = TABLES.find((t) => t.id === 'ExchangeLog')!;
    const { Table } = await env.dynamo().send(new DescribeTableCommand({ TableName: env.cloud.tableName(spec) }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
      ...(spec.sortKey ? [{ AttributeName: spec.sortKey.name, KeyType: 'RANGE' }] : []),
    ]);
    const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.KeySchema]).sort();
    expect(indexes.length).toBeGreaterThanOrEqual(2);
    expect(indexes).toEqual(
      (spec.indexes ?? [])
        .map((i) => [
          i.name,
          [
            { AttributeName: i.partitionKey.name, KeyType: 'HASH' },
            ...(i.sortKey ? [{ AttributeName: i.sortKey.name, KeyType: 'RANGE' }] : []),
          ],
        ])
        .sort(),
    );
  });

  it('puts and gets, refuses a failed condition with ConditionalCheckFailedException, and ADDs', async () => {
    const doc = env.doc();
    await doc.send(
      new PutCommand({
        TableName: 'Conformance',
        Item: { pk: 'cond', sk: 1, version: 1, n: 5 },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await expect(
      doc.send(
        new PutCommand({
          TableName: 'Conformance',
          Item: { pk: 'cond', sk: 1 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    await expect(
      doc.send(
        new UpdateCommand({
          TableName: 'Conformance',
          Key: { pk: 'cond', sk: 1 },
          UpdateExpression: 'SET version = :v',
          ConditionExpression: 'version = :old',
          ExpressionAttributeValues: { ':v': 3, ':old': 2 },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    const added = await doc.send(
      new UpdateCommand({
        TableName: 'Conformance',
        Key: { pk: 'cond', sk: 1 },
        UpdateExpression: 'SET version = :v ADD n :two, fresh :one',
        ConditionExpression: 'version = :old',
        ExpressionAttributeValues: { ':v': 2, ':old': 1, ':two': 2, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(added.Attributes).toEqual({ pk: 'cond', sk: 1, version: 2, n: 7, fresh: 1 });
    expect((await doc.send(new GetCommand({ TableName: 'Conformance', Key: { pk: 'cond', sk: 1 } }))).Item).toEqual({
      pk: 'cond',
      sk: 1,
      version: 2,
      n: 7,
      fresh: 1,
    });
  });

  it('writes 25 items in one BatchWriteItem, reads them with BatchGetItem, pages a Query and a Scan', async () => {
    const raw = env.dynamo();
    const items = Array.from({ length: 25 }, (_, i) => ({
      pk: { S: 'batch' },
      sk: { N: String(i) },
      kind: { S: i % 2 ? 'odd' : 'even' },
    }));
    let pending: Record<string, { PutRequest: { Item: Record<string, AttributeValue> } }[]> = {
      Conformance: items.map((Item) => ({ PutRequest: { Item } })),
    };
    for (let round = 0; Object.keys(pending).length > 0; round++) {
      expect(round).toBeLessThan(5);
      const out = await raw.send(new BatchWriteItemCommand({ RequestItems: pending }));
      pending = (out.UnprocessedItems ?? {}) as typeof pending;
    }

    const keys = items.map((i) => ({ pk: i.pk, sk: i.sk }));
    const got: Record<string, AttributeValue>[] = [];
    let unprocessed: Record<string, { Keys: Record<string, AttributeValue>[] }> = { Conformance: { Keys: keys } };
    for (let round = 0; Object.keys(unprocessed).length > 0; round++) {
      expect(round).toBeLessThan(5);
      const out = await raw.send(new BatchGetItemCommand({ RequestItems: unprocessed }));
      got.push(...(out.Responses?.Conformance ?? []));
      unprocessed = (out.UnprocessedKeys ?? {}) as typeof unprocessed;
    }
    expect(got.map((i) => Number(i.sk!.N)).sort((a, b) => a - b)).toEqual(items.map((_, i) => i));

    const doc = env.doc();
    const pages: number[][] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: 'Conformance',
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': 'batch' },
          Limit: 10,
          ExclusiveStartKey,
        }),
      );
      pages.push((page.Items ?? []).map((i) => i.sk as number));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    expect(pages.flat()).toEqual(items.map((_, i) => i));
    expect(pages.slice(0, 3).map((p) => p.length)).toEqual([10, 10, 5]);

    const odd = await doc.send(
      new QueryCommand({
        TableName: 'Conformance',
        IndexName: 'byKind',
        KeyConditionExpression: 'kind = :k AND sk < :lt',
        ExpressionAttributeValues: { ':k': 'odd', ':lt': 10 },
      }),
    );
    expect(odd.Items?.map((i) => i.sk)).toEqual([1, 3, 5, 7, 9]);

    const scanned: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new ScanCommand({
          TableName: 'Conformance',
          FilterExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': 'batch' },
          Limit: 7,
          ExclusiveStartKey: start,
        }),
      );
      scanned.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    expect(scanned).toHaveLength(25);
  });

  it(
    'applies a TransactWriteItems (ConditionCheck + Put + Update + Delete) across two tables, ' + 'indexes included',
    async () => {
      const doc = env.doc();
      await doc.send(new PutCommand({ TableName: 'Conformance', Item: { pk: 'tx', sk: 1, state: 'open', count: 1 } }));
      await doc.send(new PutCommand({ TableName: 'Conformance', Item: { pk: 'tx', sk: 2, kind: 'doomed' } }));
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: 'Conformance',
                Key: { pk: 'tx', sk: 1 },
                ConditionExpression: '#s = :open',
                ExpressionAttributeNames: { '#s': 'state' },
                ExpressionAttributeValues: { ':open': 'open' },
              },
            },
            {
              Put: {
                TableName: 'Journal',
                Item: {
                  id: 'tx-1',
                  subject: 'person-1',
                  occurredAt: '2021-05-01',
                  day: '2021-05-01',
                  position: '0001',
                },
                ConditionExpression: 'attribute_not_exists(id)',
              },
            },
            {
              Update: {
                TableName: 'Conformance',
                Key: { pk: 'tx', sk: 3 },
                UpdateExpression: 'ADD #c :one SET kind = :k',
                ExpressionAttributeNames: { '#c': 'count' },
                ExpressionAttributeValues: { ':one': 1, ':k': 'tx' },
              },
            },
            {
              Delete: {
                TableName: 'Conformance',
                Key: { pk: 'tx', sk: 2 },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
          ],
        }),
      );
      expect((await doc.send(new GetCommand({ TableName: 'Journal', Key: { id: 'tx-1' } }))).Item).toEqual({
        id: 'tx-1',
        subject: 'person-1',
        occurredAt: '2021-05-01',
        day: '2021-05-01',
        position: '0001',
      });
      expect((await doc.send(new GetCommand({ TableName: 'Conformance', Key: { pk: 'tx', sk: 3 } }))).Item).toEqual({
        pk: 'tx',
        sk: 3,
        count: 1,
        kind: 'tx',
      });
      expect(
        (await doc.send(new GetCommand({ TableName: 'Conformance', Key: { pk: 'tx', sk: 2 } }))).Item,
      ).toBeUndefined();
      const bySubject = await doc.send(
        new QueryCommand({
          TableName: 'Journal',
          IndexName: 'bySubject',
          KeyConditionExpression: 'subject = :s',
          ExpressionAttributeValues: { ':s': 'person-1' },
        }),
      );
      expect(bySubject.Items?.map((i) => i.id)).toEqual(['tx-1']);
      const byDay = await doc.send(
        new QueryCommand({
          TableName: 'Journal',
          IndexName: 'byDay',
          KeyConditionExpression: '#d = :d',
          ExpressionAttributeNames: { '#d': 'day' },
          ExpressionAttributeValues: { ':d': '2021-05-01' },
        }),
      );
      expect(byDay.Items).toEqual([{ id: 'tx-1', day: '2021-05-01', position: '0001' }]);
      const byKind = await doc.send(
        new QueryCommand({
          TableName: 'Conformance',
          IndexName: 'byKind',
          KeyConditionExpression: 'kind = :k',
          ExpressionAttributeValues: { ':k': 'doomed' },
        }),
      );
      expect(byKind.Items).toEqual([]);
    },
  );

  it(
    'cancels a TransactWriteItems whose condition fails: TransactionCanceledException with a reason per item, ' +
      'nothing applied',
    async () => {
      const doc = env.doc();
      await doc.send(new PutCommand({ TableName: 'Conformance', Item: { pk: 'cancel', sk: 1, version: 4 } }));
      const error = await caught(
        doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: 'Conformance', Item: { pk: 'cancel', sk: 2, kind: 'never' } } },
              {
                Update: {
                  TableName: 'Conformance',
                  Key: { pk: 'cancel', sk: 1 },
                  UpdateExpression: 'SET version = :next',
                  ConditionExpression: 'version = :expected',
                  ExpressionAttributeValues: { ':next': 4, ':expected': 3 },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              {
                ConditionCheck: {
                  TableName: 'Conformance',
                  Key: { pk: 'cancel', sk: 9 },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        ),
      );
      expect(error).toBeInstanceOf(TransactionCanceledException);
      expect(reasonCodes(error)).toEqual(['None', 'ConditionalCheckFailed', 'None']);
      expect((error as TransactionCanceledException).CancellationReasons?.[1]?.Item).toEqual({
        pk: { S: 'cancel' },
        sk: { N: '1' },
        version: { N: '4' },
      });
      expect((error as Error).message).toMatch(/ConditionalCheckFailed/);
      expect(
        (await doc.send(new GetCommand({ TableName: 'Conformance', Key: { pk: 'cancel', sk: 2 } }))).Item,
      ).toBeUndefined();
      const byKind = await doc.send(
        new QueryCommand({
          TableName: 'Conformance',
          IndexName: 'byKind',
          KeyConditionExpression: 'kind = :k',
          ExpressionAttributeValues: { ':k': 'never' },
        }),
      );
      expect(byKind.Items).toEqual([]);
    },
  );

  it('refuses two actions on one item, and a missing table', async () => {
    const doc = env.doc();
    await expect(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: 'Conformance', Item: { pk: 'dup', sk: 1 } } },
            {
              Update: {
                TableName: 'Conformance',
                Key: { pk: 'dup', sk: 1 },
                UpdateExpression: 'SET a = :a',
                ExpressionAttributeValues: { ':a': 1 },
              },
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/multiple operations on one item/),
    });
    await expect(
      doc.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: 'NoSuchTable', Item: { pk: 'x' } } }] })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('reads items as of one moment with TransactGetItems, in request order, absent ones empty', async () => {
    const doc = env.doc();
    await doc.send(new PutCommand({ TableName: 'Conformance', Item: { pk: 'get', sk: 1, v: 'a' } }));
    await doc.send(new PutCommand({ TableName: 'Journal', Item: { id: 'get-1', subject: 's' } }));
    const { Responses } = await doc.send(
      new TransactGetCommand({
        TransactItems: [
          { Get: { TableName: 'Journal', Key: { id: 'get-1' }, ProjectionExpression: 'id' } },
          { Get: { TableName: 'Conformance', Key: { pk: 'get', sk: 2 } } },
          { Get: { TableName: 'Conformance', Key: { pk: 'get', sk: 1 } } },
        ],
      }),
    );
    expect(Responses?.map((r) => r.Item)).toEqual([{ id: 'get-1' }, undefined, { pk: 'get', sk: 1, v: 'a' }]);
  });

  it('applies a transaction retried with the same ClientRequestToken once', async () => {
    const doc = env.doc();
    const request = {
      ClientRequestToken: `token-${backend}`,
      TransactItems: [
        {
          Update: {
            TableName: 'Conformance',
            Key: { pk: 'token', sk: 1 },
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ],
    };
    await doc.send(new TransactWriteCommand(request));
    await doc.send(new TransactWriteCommand(request));
    expect((await doc.send(new GetCommand({ TableName: 'Conformance', Key: { pk: 'token', sk: 1 } }))).Item).toEqual({
      pk: 'token',
      sk: 1,
      n: 1,
    });
  });

  it('keeps transactions atomic against concurrent single-item writes and each other', async () => {
    const doc = env.doc();
    await doc.send(new PutCommand({ TableName: 'Conformance', Item: { pk: 'race', sk: 0, n: 0 } }));
    const transactions = Array.from({ length: 20 }, (_, i) =>
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: 'Conformance',
                Key: { pk: 'race', sk: 0 },
                UpdateExpression: 'ADD n :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
            {
              Put: {
                TableName: 'Conformance',
                Item: { pk: 'race', sk: i + 1, kind: 'race-log' },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      ),
    );
    const singles = Array.from({ length: 20 }, () =>
      doc.send(
        new UpdateCommand({
          TableName: 'Conformance',
          Key: { pk: 'race', sk: 0 },
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    );
    // Ten transactions race to claim one item: exactly one may win.
    const claims = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: 'Conformance',
                  Item: { pk: 'race', sk: 100, winner: i },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        ),
      ),
    );
    const results = await Promise.allSettled([...transactions, ...singles]);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(claims.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
    expect(
      claims.filter((c) => c.status === 'rejected').map((c) => reasonCodes((c as PromiseRejectedResult).reason)),
    ).toEqual(Array.from({ length: 9 }, () => ['ConditionalCheckFailed']));
    expect((await doc.send(new GetCommand({ TableName: 'Conformance', Key: { pk: 'race', sk: 0 } }))).Item?.n).toBe(40);
    const log = await doc.send(
      new QueryCommand({
        TableName: 'Conformance',
        IndexName: 'byKind',
        KeyConditionExpression: 'kind = :k',
        ExpressionAttributeValues: { ':k': 'race-log' },
      }),
    );
    expect(log.Items).toHaveLength(20);
  });
  it('refuses malformed transaction requests with a 400 (never a 5xx), naming the problem', async () => {
    const key = { pk: { S: 'bad' }, sk: { N: '1' } };
    const bodies: [string, string][] = [
      ['TransactWriteItems', 'not json'],
      ['TransactWriteItems', '{}'],
      ['TransactWriteItems', JSON.stringify({ TransactItems: [] })],
      ['TransactWriteItems', JSON.stringify({ TransactItems: 'x' })],
      ['TransactWriteItems', JSON.stringify({ TransactItems: [{}] })],
      ['TransactWriteItems', JSON.stringify({ TransactItems: [{ Put: 5 }] })],
      ['TransactWriteItems', JSON.stringify({ TransactItems: [{ Put: { TableName: 'Conformance' } }] })],
      // Not here: an item with both Put and Delete, which dynalite refuses and dynoxide 1.2.1 accepts
      // (200), where DynamoDB refuses it.
      [
        'TransactWriteItems',
        JSON.stringify({ TransactItems: [{ ConditionCheck: { TableName: 'Conformance', Key: key } }] }),
      ],
      [
        'TransactWriteItems',
        JSON.stringify({
          TransactItems: [{ Update: { TableName: 'Conformance', Key: key, UpdateExpression: 'SET #x = :y' } }],
        }),
      ],
      [
        'TransactWriteItems',
        JSON.stringify({ TransactItems: [{ Put: { TableName: 'Conformance', Item: { pk: { S: 'bad' } } } }] }),
      ],
      [
        'TransactWriteItems',
        JSON.stringify({
          TransactItems: Array.from({ length: 101 }, (_, i) => ({
            Put: { TableName: 'Conformance', Item: { pk: { S: 'bad' }, sk: { N: String(i) } } },
          })),
        }),
      ],
      ['TransactGetItems', JSON.stringify({ TransactItems: [{ Get: 5 }] })],
      [
        'TransactGetItems',
        JSON.stringify({ TransactItems: [{ Get: { TableName: 'Conformance', Key: { pk: { S: 'bad' } } } }] }),
      ],
    ];
    for (const [operation, body] of bodies) {
      const answer = await rawCall(env, operation, body);
      expect({ body: body.slice(0, 80), status: answer.status }).toEqual({ body: body.slice(0, 80), status: 400 });
      // dynoxide answers an invalid Update expression as a cancellation with a ValidationError reason; dynalite (like
      // DynamoDB) as a ValidationException.
      expect(answer.type).toMatch(/ValidationException|SerializationException|TransactionCanceledException/);
      if (!answer.type.endsWith('SerializationException')) expect(answer.message).not.toBe('');
    }
    expect(
      (await env.doc().send(new GetCommand({ TableName: 'Conformance', Key: { pk: 'bad', sk: 1 } }))).Item,
    ).toBeUndefined();
  });
});
