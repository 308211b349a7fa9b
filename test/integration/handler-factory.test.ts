/**
 * A function whose module exports `createHandler` is built by the local cloud
 * through it: with the template's environment, resolved (never through
 * process.env), and SDK settings that reach the cloud in-process as the
 * function's own role.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../infra/local/authorize.ts';
import { DEFAULT_DELIVERY, TOPOLOGY, type Topology } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry } from '../../schemas/entries.ts';
import { settled, startTestCloud, type TestCloud } from './cloud-harness.ts';

const WITH_FACTORY: Topology = {
  ...TOPOLOGY,
  tables: [...TOPOLOGY.tables, { id: 'FactoryTable', description: 'test', partitionKey: { name: 'id', type: 'S' } }],
  subscriptions: [
    ...TOPOLOGY.subscriptions,
    {
      name: 'factory',
      description: 'A test subscription whose handler module exports createHandler.',
      pattern: { source: ['kz.interior.berkut'], 'detail-type': ['AdministrativeOffenceRecorded'] },
      handler: 'test/fixtures/factory-handler.ts',
      table: 'FactoryTable',
      legalBasis: { act: 'test', article: 'test' },
      purpose: 'test the handler factory',
      delivery: DEFAULT_DELIVERY,
    },
  ],
};

let env: TestCloud;
const callers: { caller: Caller; action: string; table?: unknown }[] = [];

beforeAll(async () => {
  env = await startTestCloud({
    topology: WITH_FACTORY,
    authorize: (caller, request) => {
      if (request.service === 'dynamodb')
        callers.push({ caller, action: request.action, table: request.parameters().TableName });
      return { allowed: true };
    },
  });
}, 120_000);
afterAll(() => env.stop());

describe('a handler module with createHandler', () => {
  it('runs with the template\u2019s environment and its own role\u2019s SDK settings', async () => {
    const definition = latestDefinition('AdministrativeOffenceRecorded')!;
    const sent = await env
      .events('interior')
      .send(new PutEventsCommand({ Entries: [exampleEntry(definition, TOPOLOGY.busName)] }));
    expect(sent.FailedEntryCount).toBe(0);
    await settled(env);
    const items = (await env.doc().send(new ScanCommand({ TableName: 'FactoryTable' }))).Items ?? [];
    expect(items).toEqual([
      { id: sent.Entries![0]!.EventId, subscription: 'factory', hasSecret: true, processEnvTable: '(unset)' },
    ]);
    expect(callers).toContainEqual({
      caller: expect.objectContaining({
        arn: 'arn:aws:sts::000000000000:assumed-role/Sub-factory-HandlerServiceRole/Sub-factory-Handler',
      }),
      action: 'PutItem',
      table: 'FactoryTable',
    });
  });
});
