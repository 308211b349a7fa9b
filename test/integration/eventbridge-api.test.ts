import {
  DescribeEventBusCommand,
  DescribeRuleCommand,
  type EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logKey } from '../../functions/exchange-log/log-entry.ts';
import { TOPOLOGY } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry } from '../../schemas/entries.ts';
import { loadConformanceCases } from '../fixtures/conformance.ts';
import { waitFor } from './cloud-harness.ts';
import { embedded, remote, startTarget, type TestTarget } from './target.ts';

let env: TestTarget;
let fa: EventBridgeClient;

beforeAll(async () => {
  env = await startTarget();
  fa = env.events('foreign-affairs');
});
afterAll(() => env.stop());

const entry = (detailType: string) => exampleEntry(latestDefinition(detailType)!, env.busName);
const logged = (eventId: string, source = 'kz.foreign-affairs.berkut') =>
  waitFor(
    async () =>
      (
        await env
          .doc()
          .send(new GetCommand({ TableName: env.tableName('ExchangeLog'), Key: { pk: logKey(source, eventId) } }))
      ).Item,
    { what: `log row ${eventId}` },
  );

describe('PutEvents', () => {
  it('accepts an agency event and delivers it through rule → queue → handler to the exchange log', async () => {
    const visa = entry('VisaIssued');
    const out = await fa.send(new PutEventsCommand({ Entries: [visa] }));
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries![0]!.EventId).toMatch(/^[0-9a-f-]{36}$/);
    const eventId = JSON.parse(visa.Detail).meta.eventId as string;
    const row = await logged(eventId);
    expect(row).toMatchObject({
      eventId,
      busEventId: out.Entries![0]!.EventId,
      source: 'kz.foreign-affairs.berkut',
      detailType: 'VisaIssued',
      valid: true,
    });
  });

  it('refuses more than 10 entries with a typed ValidationException', async () => {
    const entries = Array.from({ length: 11 }, () => entry('VisaIssued'));
    await expect(fa.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/Member must have length less than or equal to 10/),
    });
  });

  it('refuses a request whose entries exceed 1 MB', async () => {
    const big = { ...entry('VisaIssued'), Detail: JSON.stringify({ padding: 'x'.repeat(1024 * 1024) }) };
    await expect(fa.send(new PutEventsCommand({ Entries: [big] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
  });

  it('reports malformed and missing Detail per entry and still accepts the valid entry beside them', async () => {
    const good = entry('VisaRevoked');
    const out = await fa.send(
      new PutEventsCommand({
        Entries: [
          { ...entry('VisaIssued'), Detail: '{"meta": ' },
          { Source: 'kz.foreign-affairs.berkut', DetailType: 'VisaIssued', EventBusName: env.busName },
          good,
          { ...entry('VisaIssued'), EventBusName: 'no-such-bus' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(3);
    expect(out.Entries).toEqual([
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      },
      { EventId: expect.any(String) },
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus no-such-bus does not exist.' },
    ]);
    await logged(JSON.parse(good.Detail).meta.eventId);
  });

  // Remote: skipped, it reads the cloud's delivery counters and queue depths in this process.
  it.skipIf(remote)(
    'refuses an entry under another agency\u2019s source, and nothing of it reaches any rule',
    async () => {
      const foreign = entry('DeportationOrdered');
      const cloud = embedded(env);
      const before = cloud.deliveryStats()[0]!.delivered ?? 0;
      const out = await fa.send(new PutEventsCommand({ Entries: [foreign] }));
      expect(out).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'NotAuthorizedForSourceException' }] });
      // The template's IAM: the publisher role's events:source condition.
      expect(out.Entries![0]!.ErrorMessage).toMatch(
        new RegExp(
          String.raw`^Not authorized for the source \S+\. User: \S+assumed-role\/mx-agency-foreign-affairs\/\S+ ` +
            'is not authorized to perform: events:PutEvents',
        ),
      );
      expect(cloud.queues.stats().every((q) => q.visible === 0)).toBe(true);
      // A marker event published after it is logged; the refused one never is.
      const marker = entry('VisaIssued');
      await fa.send(new PutEventsCommand({ Entries: [marker] }));
      await logged(JSON.parse(marker.Detail).meta.eventId);
      const refused = await env.doc().send(
        new GetCommand({
          TableName: env.tableName('ExchangeLog'),
          Key: { pk: logKey(foreign.Source, JSON.parse(foreign.Detail).meta.eventId) },
        }),
      );
      expect(refused.Item).toBeUndefined();
      expect(cloud.deliveryStats()[0]!.delivered).toBeGreaterThan(before);
    },
  );

  it('lets each agency publish under its own sources only (labour owns two)', async () => {
    const labour = env.events('labour');
    const out = await labour.send(
      new PutEventsCommand({
        Entries: [entry('WorkPermitIssued'), entry('QandasStatusGranted'), entry('StayRegistered')],
      }),
    );
    expect(out.Entries!.map((e) => e.ErrorCode ?? 'ok')).toEqual(['ok', 'ok', 'NotAuthorizedForSourceException']);
  });

  it('lets operators read but not publish', async () => {
    const operator = env.eventsWith(env.credentials.operators.interior);
    await expect(operator.send(new PutEventsCommand({ Entries: [entry('StayRegistered')] }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});

describe('authentication', () => {
  it('refuses an unsigned request', async () => {
    const response = await fetch(env.endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body: JSON.stringify({ Entries: [entry('VisaIssued')] }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
  });

  it('refuses an unknown access key', async () => {
    const stranger = env.eventsWith({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' });
    await expect(stranger.send(new ListEventBusesCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
  });

  it('refuses a wrong secret', async () => {
    const forged = env.eventsWith({
      accessKeyId: env.credentials.agencies['foreign-affairs'].accessKeyId,
      secretAccessKey: 'not-the-secret',
    });
    await expect(forged.send(new PutEventsCommand({ Entries: [entry('VisaIssued')] }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringMatching(/signature we calculated does not match/),
    });
  });
});

describe('describe and list calls', () => {
  it('lists the buses and, for the platform, the topology\u2019s rules with their targets', async () => {
    // Agencies' roles are granted PutEvents only (the template's IAM decides); the platform lists and describes.
    const buses = await env.platformEvents().send(new ListEventBusesCommand({}));
    expect(buses.EventBuses!.map((b) => b.Name).sort()).toEqual(['default', env.busName]);
    const bus = await env.platformEvents().send(new DescribeEventBusCommand({ Name: env.busName }));
    expect(bus.Arn).toBe(`arn:aws:events:us-east-1:000000000000:event-bus/${env.busName}`);
    const platform = env.platformEvents();
    const rules = await platform.send(new ListRulesCommand({ EventBusName: env.busName }));
    expect(rules.Rules!.map((r) => ({ name: r.Name, pattern: JSON.parse(r.EventPattern!) }))).toEqual(
      TOPOLOGY.subscriptions.map((s) => ({ name: s.name, pattern: s.pattern })),
    );
    const rule = await platform.send(new DescribeRuleCommand({ Name: 'exchange-log', EventBusName: env.busName }));
    expect(rule).toMatchObject({ Name: 'exchange-log', State: 'ENABLED', EventBusName: env.busName });
    const targets = await platform.send(
      new ListTargetsByRuleCommand({ Rule: 'exchange-log', EventBusName: env.busName }),
    );
    expect(targets.Targets).toEqual([{ Id: 'Target0', Arn: 'arn:aws:sqs:us-east-1:000000000000:mx-exchange-log' }]);
  });

  it('answers ResourceNotFoundException for an unknown rule or bus', async () => {
    await expect(
      env.platformEvents().send(new DescribeRuleCommand({ Name: 'nope', EventBusName: env.busName })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(env.platformEvents().send(new DescribeEventBusCommand({ Name: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

describe('TestEventPattern', () => {
  const cases = loadConformanceCases();

  it('agrees with AWS on every conformance case', async () => {
    const outcomes: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const c of cases) {
      expected[c.name] = c.expected === 'invalid' ? `invalid:${c.awsMessage ?? ''}` : c.expected;
      try {
        const out = await env.platformEvents().send(
          new TestEventPatternCommand({
            Event: JSON.stringify(c.event),
            EventPattern: typeof c.pattern === 'string' ? c.pattern : JSON.stringify(c.pattern),
          }),
        );
        outcomes[c.name] = out.Result ? 'match' : 'no-match';
      } catch (error) {
        const e = error as Error;
        outcomes[c.name] =
          e.name === 'InvalidEventPatternException'
            ? `invalid:${c.awsMessage ? e.message : ''}`
            : `${e.name}: ${e.message}`;
      }
    }
    expect(outcomes).toEqual(expected);
  });
});
