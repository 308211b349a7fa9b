import { randomUUID } from 'node:crypto';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterListing } from '../../infra/cli/dlq-command.ts';
import { DEFAULT_DELIVERY, TOPOLOGY, type Topology } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry } from '../../schemas/entries.ts';
import { startTestCloud, type TestCloud, waitFor } from './cloud-harness.ts';
import { remote } from './target.ts';

const MAX_RECEIVES = 3;
const TEST_TOPOLOGY: Topology = {
  ...TOPOLOGY,
  tables: [...TOPOLOGY.tables, { id: 'FlakyTable', description: 'test', partitionKey: { name: 'id', type: 'S' } }],
  subscriptions: [
    ...TOPOLOGY.subscriptions,
    {
      name: 'flaky',
      description: 'A test subscription that fails on demand.',
      pattern: { source: ['kz.interior.berkut'], 'detail-type': ['AdministrativeOffenceRecorded'] },
      handler: 'test/fixtures/flaky-handler.ts',
      table: 'FlakyTable',
      legalBasis: { act: 'test', article: 'test' },
      purpose: 'test delivery semantics',
      delivery: { ...DEFAULT_DELIVERY, batchSize: 10, maxReceiveCount: MAX_RECEIVES },
    },
  ],
};

const state = globalThis as { mxFailDocuments?: Set<string>; mxThrow?: string };
let env: TestCloud;
let interior: EventBridgeClient;

beforeAll(async () => {
  env = await startTestCloud({ topology: TEST_TOPOLOGY });
  interior = env.events('interior');
});
afterAll(() => env.stop());
afterEach(() => {
  state.mxFailDocuments = undefined;
  state.mxThrow = undefined;
});

function offence(documentNumber: string) {
  const definition = latestDefinition('AdministrativeOffenceRecorded')!;
  const entry = exampleEntry(definition, TOPOLOGY.busName);
  const detail = JSON.parse(entry.Detail);
  detail.data.person.documentNumber = documentNumber;
  return { ...entry, Detail: JSON.stringify(detail) };
}

const docsIn = async () =>
  ((await env.doc().send(new ScanCommand({ TableName: 'FlakyTable' }))).Items ?? []).map((i) => i.doc as string);

// Remote: skipped, it runs its own topology with an in-process flaky handler.
describe.skipIf(remote)('delivery through the queue', () => {
  it(
    'fails only the reported messages of a batch, retries them, and dead-letters them after maxReceiveCount with ' +
      'the reason',
    async () => {
      // Prepare
      const good = `G${randomUUID().slice(0, 8).toUpperCase()}`;
      const bad = `B${randomUUID().slice(0, 8).toUpperCase()}`;
      state.mxFailDocuments = new Set([bad]);
      // Act
      const out = await interior.send(new PutEventsCommand({ Entries: [offence(good), offence(bad)] }));
      expect(out.FailedEntryCount).toBe(0);
      // Assess: the good one is stored once; the bad one ends in the DLQ after exactly MAX_RECEIVES receives.
      await waitFor(async () => ((await docsIn()).includes(good) ? true : undefined), { what: 'good message handled' });
      const letters = await waitFor(
        async () => {
          const list = (JSON.parse((await env.mx('dlq', 'list', '--json')).stdout) as DeadLetterListing).messages;
          return list.length > 0 ? list : undefined;
        },
        { what: 'dead letter' },
      );
      expect(letters).toEqual([
        expect.objectContaining({
          queue: 'mx-flaky-dlq',
          receiveCount: MAX_RECEIVES,
          detailType: 'AdministrativeOffenceRecorded',
          error: expect.stringMatching(/reported as failed by flaky/),
        }),
      ]);
      expect((await docsIn()).filter((d) => d === good)).toHaveLength(1);
      expect((await docsIn()).includes(bad)).toBe(false);

      // Redrive after the fault is fixed: the message is delivered.
      state.mxFailDocuments = undefined;
      const { stdout } = await env.mx('dlq', 'redrive', 'mx-flaky-dlq');
      expect(stdout).toMatch(/redrove 1 message\(s\) from mx-flaky-dlq/);
      await waitFor(async () => ((await docsIn()).includes(bad) ? true : undefined), {
        what: 'redriven message handled',
      });
      expect((JSON.parse((await env.mx('dlq', 'list', '--json')).stdout) as DeadLetterListing).messages).toEqual([]);
    },
  );

  it('retries a whole batch when the handler throws, and parks it with the error', async () => {
    state.mxThrow = 'database on fire';
    const doc = `T${randomUUID().slice(0, 8).toUpperCase()}`;
    await interior.send(new PutEventsCommand({ Entries: [offence(doc)] }));
    const letters = await waitFor(
      async () => {
        const list = (JSON.parse((await env.mx('dlq', 'list', '--json')).stdout) as DeadLetterListing).messages;
        return list.length > 0 ? list : undefined;
      },
      { what: 'dead letter after throw' },
    );
    expect(letters).toEqual([
      expect.objectContaining({ receiveCount: MAX_RECEIVES, error: 'Error: database on fire' }),
    ]);
    // The exchange log subscription is independent: it logged the same event once.
    expect(env.cloud.deliveryStats().find((s) => s.subscription === 'exchange-log')!.deadLettered).toBe(0);
    state.mxThrow = undefined;
    await env.mx('dlq', 'redrive', 'flaky');
    await waitFor(async () => ((await docsIn()).includes(doc) ? true : undefined), { what: 'handled after redrive' });
  });

  it('refuses to redrive something that is not a dead-letter queue, naming it', async () => {
    await expect(env.mx('dlq', 'redrive', 'mx-flaky')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/mx-flaky is not a dead-letter queue/),
    });
    await expect(env.mx('dlq', 'redrive', 'nothing')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no dead-letter queue mx-nothing-dlq/),
    });
  });

  it(
    'lists every dead-letter queue with its depth, empty ones too, ' +
      'and pages through all of a queue\u2019s messages',
    async () => {
      // Prepare: 23 dead letters on one queue (more than one SQS page of 10), none on the others.
      const docs = Array.from(
        { length: 23 },
        (_, i) => `P${String(i).padStart(2, '0')}${randomUUID().slice(0, 6).toUpperCase()}`,
      );
      state.mxFailDocuments = new Set(docs);
      for (let i = 0; i < docs.length; i += 10)
        await interior.send(new PutEventsCommand({ Entries: docs.slice(i, i + 10).map(offence) }));
      const depthOf = async () => {
        const { QueueUrl } = await env.sqs().send(new GetQueueUrlCommand({ QueueName: 'mx-flaky-dlq' }));
        const { Attributes = {} } = await env
          .sqs()
          .send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
        return {
          visible: Number(Attributes.ApproximateNumberOfMessages),
          hidden: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
        };
      };
      await waitFor(async () => ((await depthOf()).visible === docs.length ? true : undefined), {
        what: '23 dead letters',
      });

      // Act
      const all = JSON.parse((await env.mx('dlq', 'list', '--json')).stdout) as DeadLetterListing;
      const limited = JSON.parse((await env.mx('dlq', 'list', '--json', '--limit', '7')).stdout) as DeadLetterListing;
      const table = (await env.mx('dlq', 'list', '--limit', '0')).stdout;

      // Assess: every queue is listed with its depth; every message once, each with the receives that parked it.
      expect(all.queues).toEqual(
        TEST_TOPOLOGY.subscriptions.map((s) => ({
          queue: `mx-${s.name}-dlq`,
          depth: s.name === 'flaky' ? docs.length : 0,
          listed: s.name === 'flaky' ? docs.length : 0,
        })),
      );
      expect(new Set(all.messages.map((m) => m.messageId)).size).toBe(docs.length);
      expect(
        all.messages.every(
          (m) =>
            m.queue === 'mx-flaky-dlq' &&
            m.receiveCount === MAX_RECEIVES &&
            /reported as failed by flaky/.test(m.error ?? ''),
        ),
      ).toBe(true);
      expect(limited.queues.find((q) => q.queue === 'mx-flaky-dlq')).toEqual({
        queue: 'mx-flaky-dlq',
        depth: docs.length,
        listed: 7,
      });
      expect(limited.messages).toHaveLength(7);
      for (const s of TEST_TOPOLOGY.subscriptions)
        expect(table).toMatch(new RegExp(`mx-${s.name}-dlq\\s+${s.name === 'flaky' ? docs.length : 0}\\s+0`));
      // Listing gave every message back: all visible again, none left hidden.
      expect(await depthOf()).toEqual({ visible: docs.length, hidden: 0 });

      // Redrive after the fault is fixed: every one of them is delivered.
      state.mxFailDocuments = undefined;
      expect((await env.mx('dlq', 'redrive', 'flaky')).stdout).toMatch(
        new RegExp(`redrove ${docs.length} message\\(s\\)`),
      );
      await waitFor(
        async () => {
          const stored = new Set(await docsIn());
          return docs.every((d) => stored.has(d)) ? true : undefined;
        },
        { what: 'every redriven message handled' },
      );
      expect(await depthOf()).toEqual({ visible: 0, hidden: 0 });
    },
  );
});

// Remote: skipped, it runs its own topology with an in-process flaky handler.
describe.skipIf(remote)('the batching window', () => {
  it(
    'gathers messages that arrive within the subscription\u2019s window into one invocation, ' + 'as Lambda does',
    async () => {
      // Prepare: a cloud that applies the topology's windows (one second for the flaky subscription).
      const windowed = await startTestCloud({ topology: TEST_TOPOLOGY, batchingWindowMs: undefined });
      try {
        const agency = windowed.events('interior');
        const invocations = () =>
          windowed.cloud.deliveryStats().find((d) => d.subscription === 'flaky')!.invocations ?? 0;
        // Act: six offences, one PutEvents each, a few milliseconds apart.
        for (let i = 0; i < 6; i++)
          await agency.send(new PutEventsCommand({ Entries: [offence(`WIN${String(i).padStart(6, '0')}`)] }));
        await waitFor(
          async () =>
            (windowed.cloud.deliveryStats().find((d) => d.subscription === 'flaky')!.delivered ?? 0) >= 6
              ? true
              : undefined,
          { what: 'six deliveries' },
        );
        // Assess: one batch of six, not six batches of one.
        expect(invocations()).toBe(1);
      } finally {
        await windowed.stop();
      }
    },
  );
});
