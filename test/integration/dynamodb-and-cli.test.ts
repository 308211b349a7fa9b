import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logKey } from '../../functions/exchange-log/log-entry.ts';
import { documentClient } from '../../functions/lib/document-client.ts';
import { TOPOLOGY } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry } from '../../schemas/entries.ts';
import { startTestCloud, type TestCloud, waitFor } from './cloud-harness.ts';
import { remote } from './target.ts';

let env: TestCloud;
beforeAll(async () => {
  env = await startTestCloud();
});
afterAll(() => env.stop());

// Remote: skipped, it creates and deletes tables with the cloud’s in-process client settings.
describe.skipIf(remote)('DynamoDB on the local cloud', () => {
  it('serves table, item, query, update and conditional calls to the unmodified SDK', async () => {
    const raw = env.dynamo();
    const doc = env.doc();
    await raw.send(
      new CreateTableCommand({
        TableName: 'Scratch',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    expect((await raw.send(new ListTablesCommand({}))).TableNames).toEqual(
      expect.arrayContaining(['ExchangeLog', 'Scratch']),
    );
    await doc.send(new PutCommand({ TableName: 'Scratch', Item: { pk: 'a', sk: 1, n: 1 } }));
    await doc.send(new PutCommand({ TableName: 'Scratch', Item: { pk: 'a', sk: 2, n: 2 } }));
    await doc.send(
      new UpdateCommand({
        TableName: 'Scratch',
        Key: { pk: 'a', sk: 1 },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    const { Items } = await doc.send(
      new QueryCommand({
        TableName: 'Scratch',
        KeyConditionExpression: 'pk = :a',
        ExpressionAttributeValues: { ':a': 'a' },
      }),
    );
    expect(Items).toEqual([
      { pk: 'a', sk: 1, n: 2 },
      { pk: 'a', sk: 2, n: 2 },
    ]);
    await expect(
      doc.send(
        new PutCommand({
          TableName: 'Scratch',
          Item: { pk: 'a', sk: 1 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    await raw.send(new DeleteTableCommand({ TableName: 'Scratch' }));
    await expect(doc.send(new GetCommand({ TableName: 'Scratch', Key: { pk: 'a', sk: 1 } }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('serves the transaction API on whichever backend runs (dynamodb-backends.test.ts covers both)', async () => {
    await env
      .doc()
      .send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: 'ExchangeLog', Item: { pk: 'tx' } } }] }));
    expect((await env.doc().send(new GetCommand({ TableName: 'ExchangeLog', Key: { pk: 'tx' } }))).Item).toEqual({
      pk: 'tx',
    });
  });

  it('is closed to agency credentials', async () => {
    const agency = documentClient(
      new DynamoDBClient({ ...env.cloud.clientConfig({ ...env.cloud.credentials.agencies.labour }), maxAttempts: 1 }),
    );
    await expect(agency.send(new GetCommand({ TableName: 'ExchangeLog', Key: { pk: 'x' } }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});

// Remote: skipped, it creates and deletes tables with the cloud’s in-process client settings.
describe.skipIf(remote)('mx publish', () => {
  const entry = (detailType: string) => exampleEntry(latestDefinition(detailType)!, TOPOLOGY.busName);

  it('publishes what `mx schemas example` prints, as the README shows (one pretty-printed JSON object)', async () => {
    const file = path.join(env.dataDir, 'visa.json');
    await writeFile(file, (await env.mx('schemas', 'example', 'VisaIssued', '--json')).stdout);
    const out = JSON.parse((await env.mx('publish', '--as', 'foreign-affairs', file, '--json')).stdout);
    expect(out).toMatchObject({
      failedEntryCount: 0,
      entries: [
        { index: 0, source: 'kz.foreign-affairs.berkut', detailType: 'VisaIssued', eventId: expect.any(String) },
      ],
    });
  });

  it('publishes NDJSON as an agency and prints each entry\u2019s result', async () => {
    const file = path.join(env.dataDir, 'entries.ndjson');
    const entries = [entry('WorkPermitIssued'), entry('LabourQuotaSet')];
    await writeFile(file, entries.map((e) => JSON.stringify(e)).join('\n'));
    const out = JSON.parse((await env.mx('publish', '--as', 'labour', file, '--json')).stdout);
    expect(out).toEqual({
      failedEntryCount: 0,
      entries: [
        { index: 0, source: 'kz.labour.foreign-labour', detailType: 'WorkPermitIssued', eventId: expect.any(String) },
        { index: 1, source: 'kz.labour.foreign-labour', detailType: 'LabourQuotaSet', eventId: expect.any(String) },
      ],
    });
    await waitFor(
      async () =>
        (
          await env.doc().send(
            new GetCommand({
              TableName: 'ExchangeLog',
              Key: { pk: logKey(entries[1]!.Source, JSON.parse(entries[1]!.Detail).meta.eventId) },
            }),
          )
        ).Item,
      { what: 'published event logged' },
    );
  });

  it('exits non-zero and names the failure for a foreign source or a contract violation', async () => {
    const bad = entry('VisaIssued');
    const detail = JSON.parse(bad.Detail);
    detail.data.person.citizenship = 'XXX';
    const file = path.join(env.dataDir, 'mixed.json');
    await writeFile(
      file,
      JSON.stringify([entry('StayRegistered'), { ...bad, Detail: JSON.stringify(detail) }, entry('WorkPermitRevoked')]),
    );
    const failure = await env
      .mx('publish', '--as', 'foreign-affairs', file)
      .catch((e: { code: number; stdout: string }) => e);
    expect(failure).toMatchObject({ code: 1 });
    const lines = (failure as { stdout: string }).stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^#0 StayRegistered FAILED NotAuthorizedForSourceException/),
      '#1 VisaIssued FAILED ContractViolation: detail.data.person.citizenship: unknown ISO 3166-1 alpha-3 ' +
        'country code "XXX"',
      expect.stringMatching(/^#2 WorkPermitRevoked FAILED NotAuthorizedForSourceException/),
      '0 published, 3 failed',
    ]);
  });

  it('names the line of malformed NDJSON and refuses an unknown agency', async () => {
    const file = path.join(env.dataDir, 'broken.ndjson');
    await writeFile(file, `${JSON.stringify(entry('VisaIssued'))}\n{"Source": \n`);
    await expect(env.mx('publish', '--as', 'foreign-affairs', file)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/line 2 is not valid JSON/),
    });
    await expect(env.mx('publish', '--as', 'ministry-of-magic', file)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/unknown agency "ministry-of-magic"; agencies: foreign-affairs/),
    });
  });

  it('prints the credentials JSON with the documented keys', async () => {
    const out = JSON.parse((await env.mx('credentials', '--json')).stdout);
    expect(Object.keys(out)).toEqual(['endpoint', 'region', 'agencies', 'operators', 'platform']);
    expect(out.endpoint).toBe(env.endpoint);
    expect(out.agencies.labour).toEqual({
      accessKeyId: expect.stringMatching(/^AKIA/),
      secretAccessKey: expect.any(String),
      sources: ['kz.labour.foreign-labour', 'kz.labour.qandas'],
    });
    expect(Object.keys(out.operators).sort()).toEqual(['border-service', 'foreign-affairs', 'interior', 'labour']);
  });
});
