/**
 * mx as an operator uses it against a running cloud: views as tables (JSON
 * with --json), the platform's keys marked in `mx credentials --json` and
 * named by the access-denied message, and `mx replay` showing its progress
 * and leaving no table behind that it replaced.
 */
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPOLOGY } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry } from '../../schemas/entries.ts';
import { settled, startTestCloud, type TestCloud } from './cloud-harness.ts';
import { remote } from './target.ts';

let env: TestCloud;
const visa = latestDefinition('VisaIssued')!;
const permit = latestDefinition('WorkPermitIssued')!;
const visaPerson = (visa.example as { person: { citizenship: string; documentNumber: string } }).person;

beforeAll(async () => {
  env = await startTestCloud();
  const file = path.join(env.dataDir, 'entries.json');
  await writeFile(file, JSON.stringify(exampleEntry(visa, TOPOLOGY.busName)));
  await env.mx('publish', '--as', 'foreign-affairs', file);
  await writeFile(file, JSON.stringify(exampleEntry(permit, TOPOLOGY.busName)));
  await env.mx('publish', '--as', 'labour', file);
  await settled(env);
});
afterAll(() => env.stop());

const tables = async () => (await env.dynamo().send(new ListTablesCommand({}))).TableNames ?? [];

// Remote: skipped, mx replay switches and deletes the cloud’s tables, read back in this process.
describe.skipIf(remote)('mx view', () => {
  it('prints stats as a table unless --json', async () => {
    const text = (await env.mx('view', 'labour', 'stats', '--year', '2021')).stdout;
    expect(text).toMatch(
      /^labour view, 2021-01-01 to 2021-12-31 \(in force on 2021-12-31\)\n\nqandas\n {2}granted +\d/,
    );
    expect(text).toMatch(/^work permits$/m);
    expect(() => JSON.parse(text)).toThrow();
    const json = JSON.parse((await env.mx('view', 'labour', 'stats', '--year', '2021', '--json')).stdout);
    expect(json).toMatchObject({ ministry: 'labour', period: { from: '2021-01-01', to: '2021-12-31' } });
  });

  it('prints a dossier and a lineage as tables, each read recorded in the ledger', async () => {
    const who = [
      '--citizenship',
      visaPerson.citizenship,
      '--document',
      visaPerson.documentNumber,
      '--purpose',
      'cli table check',
    ];
    const dossier = (await env.mx('view', 'foreign-affairs', 'person', ...who)).stdout;
    expect(dossier).toMatch(/^foreign-affairs view: person \S+\n\nprofile\n/);
    expect(dossier).toMatch(/^kind +key +state$/m);
    expect(dossier).toMatch(/^visa +\S+ +.*status: /m);
    expect(dossier).toContain('this read is in the access ledger: ');
    const lineage = (await env.mx('view', 'foreign-affairs', 'lineage', ...who)).stdout;
    expect(lineage).toMatch(/^foreign-affairs view: lineage of person \S+, 1 event\(s\)/);
    expect(lineage).toMatch(/^\S+ +VisaIssued +kz\.foreign-affairs\.berkut +/m);
    const ledger = JSON.parse(
      (
        await env.mx(
          'ledger',
          '--citizenship',
          visaPerson.citizenship,
          '--document',
          visaPerson.documentNumber,
          '--json',
        )
      ).stdout,
    ) as { what: string }[];
    expect(ledger.map((e) => e.what)).toEqual(['person', 'lineage']);
  });
});

// Remote: skipped, mx replay switches and deletes the cloud’s tables, read back in this process.
describe.skipIf(remote)('the platform\u2019s keys', () => {
  it('are in mx credentials --json under "platform", marked as such, and call DynamoDB and SQS directly', async () => {
    const out = JSON.parse((await env.mx('credentials', '--json')).stdout);
    expect(Object.keys(out)).toEqual(['endpoint', 'region', 'agencies', 'operators', 'platform']);
    expect(out.platform).toEqual({
      principal: 'platform',
      accessKeyId: env.cloud.credentials.platform.accessKeyId,
      secretAccessKey: env.cloud.credentials.platform.secretAccessKey,
      note: expect.stringContaining('the only ones that may call DynamoDB and SQS directly'),
    });
    const keys = { accessKeyId: out.platform.accessKeyId, secretAccessKey: out.platform.secretAccessKey };
    const dynamo = new DynamoDBClient({
      endpoint: env.endpoint,
      region: out.region,
      credentials: keys,
      maxAttempts: 1,
    });
    const sqs = new SQSClient({ endpoint: env.endpoint, region: out.region, credentials: keys, maxAttempts: 1 });
    try {
      expect((await dynamo.send(new ListTablesCommand({}))).TableNames).toContain('ExchangeLog');
      expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'mx-' }))).QueueUrls?.length).toBeGreaterThan(0);
    } finally {
      dynamo.destroy();
      sqs.destroy();
    }
    expect((await env.mx('credentials')).stdout).toMatch(/^platform\n[\s\S]*the platform’s own keys: the only ones/m);
  });

  it('are where the access-denied message sends an agency or an operator', async () => {
    for (const keys of [env.cloud.credentials.agencies.labour, env.cloud.credentials.operators.interior]) {
      const dynamo = new DynamoDBClient({ ...env.cloud.clientConfig(keys), maxAttempts: 1 });
      const sqs = new SQSClient({ ...env.cloud.clientConfig(keys), maxAttempts: 1 });
      try {
        await expect(dynamo.send(new ListTablesCommand({}))).rejects.toMatchObject({
          name: 'AccessDeniedException',
          // IAM's words (the roles have no dynamodb:ListTables), then where the platform's keys are.
          message: expect.stringMatching(
            new RegExp(
              String.raw`^User: arn:aws:sts::000000000000:assumed-role\/mx-(agency|operator)-\S+ is not authorized ` +
                'to perform: dynamodb:ListTables .*under "platform" in ' +
                '`npx mx credentials --json`\\)$',
            ),
          ),
        });
        await expect(sqs.send(new ListQueuesCommand({}))).rejects.toMatchObject({
          message: expect.stringContaining('under "platform" in `npx mx credentials --json`'),
        });
      } finally {
        dynamo.destroy();
        sqs.destroy();
      }
    }
  });
});

// Remote: skipped, mx replay switches and deletes the cloud’s tables, read back in this process.
describe.skipIf(remote)('mx replay', () => {
  it('shows its progress, switches, and removes the table it replaced', async () => {
    const { stdout, stderr } = await env.mx('replay', 'labour');
    const table = env.cloud.tableName('LabourView');
    expect(table).toMatch(/^LabourView-\d{14}$/);
    expect(stdout).toMatch(
      new RegExp(
        `^rebuilt the labour view from [1-9]\\d* logged events into ${table}; identical to LabourView; switched; ` +
          `removed LabourView\n$`,
      ),
    );
    expect(stderr.split('\n')).toEqual(
      expect.arrayContaining([
        `rebuilding the labour view into ${table}`,
        expect.stringMatching(
          new RegExp(
            `^replayed [1-9]\\d* of [1-9]\\d* logged event\\(s\\) over 1 day\\(s\\); comparing ${table} with ` +
              `LabourView$`,
          ),
        ),
        `identical; the labour view now reads and writes ${table}`,
        'removed the replaced table LabourView',
      ]),
    );
    expect(await tables()).not.toContain('LabourView');
    expect(await tables()).toContain(table);
    // The view still answers, from the rebuilt table.
    expect(JSON.parse((await env.mx('view', 'labour', 'stats', '--year', '2021', '--json')).stdout)).toMatchObject({
      ministry: 'labour',
    });
  });

  it('keeps the replaced table on request, lists the view\u2019s tables and prunes those not in use', async () => {
    const first = env.cloud.tableName('LabourView');
    const kept = JSON.parse((await env.mx('replay', 'labour', '--keep-previous', '--json')).stdout);
    expect(kept).toMatchObject({ previousTable: first, keptTable: first, identical: true });
    const second = env.cloud.tableName('LabourView');
    expect(second).not.toBe(first);

    const listed = JSON.parse((await env.mx('replay', 'labour', '--list', '--json')).stdout);
    expect(listed).toEqual({ ministry: 'labour', inUse: second, tables: [first, second] });
    const pruned = JSON.parse((await env.mx('replay', 'labour', '--prune', '--json')).stdout);
    expect(pruned).toEqual({ ministry: 'labour', inUse: second, tables: [first, second], removed: [first] });
    expect((await tables()).filter((t) => t.startsWith('LabourView'))).toEqual([second]);
    expect((await env.mx('replay', 'labour', '--list')).stdout).toMatch(new RegExp(`^${second} +in use$`, 'm'));
  });
});
