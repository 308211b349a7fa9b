/**
 * The AWS exchange routes (functions/exchange-api) answer as the local
 * cloud's built-in ones do: the same JSON, the same scopes, the same
 * refusals. Here they run with the real SDK against the local cloud's SQS
 * (GetQueueAttributes, ReceiveMessage, ChangeMessageVisibilityBatch,
 * StartMessageMoveTask) and DynamoDB (the breaches index), side by side with
 * the cloud's own routes. CloudWatch does not run here, so its metrics come
 * from a stand-in that records what was asked.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallerKey, type ExchangeApiConfig, parseConfig, scopesFor } from '../../functions/exchange-api/config.ts';
import type { MetricsReader, MetricWindow } from '../../functions/exchange-api/metrics.ts';
import { answer, type ExchangePorts } from '../../functions/exchange-api/routes.ts';
import { type Caller, ExchangeRefusal } from '../../functions/exchange-api/scope.ts';
import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import { deadLetterQueueName, queueName } from '../../infra/local/cloud.ts';
import type { KeyPair } from '../../infra/local/credentials.ts';
import { agencyRoleName, operatorRoleName } from '../../infra/local/rest-api.ts';
import { MINISTRIES, type Ministry, TOPOLOGY } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { newMeta, toEntry } from '../../schemas/entries.ts';
import { settled, startTestCloud, type TestCloud, waitFor } from './cloud-harness.ts';
import { remote } from './target.ts';

let env: TestCloud;
let config: ExchangeApiConfig;
let ports: ExchangePorts;
const asked: MetricWindow[] = [];

/** CloudWatch's answers for the stand-in: per request id, datapoints newest first. */
let datapoints: Record<string, number[]> = {};
const metrics: MetricsReader = async (window) => {
  asked.push(window);
  return new Map(window.requests.map((r) => [r.id, datapoints[r.id] ?? []]));
};

const PLATFORM_ROLE = 'mx-platform-operator';
const arnOf = (role: string) => `arn:aws:sts::000000000000:assumed-role/${role}/local`;

beforeAll(async () => {
  env = await startTestCloud();
  const callers: [string, Caller][] = [
    [PLATFORM_ROLE, { kind: 'platform' }],
    ...MINISTRIES.map((ministry): [string, Caller] => [operatorRoleName(ministry), { kind: 'operator', ministry }]),
    ...TOPOLOGY.agencies.map((a): [string, Caller] => [
      agencyRoleName(a.id),
      { kind: 'agency', id: a.id, sources: a.sources },
    ]),
  ];
  config = {
    queueUrlPrefix: `${env.endpoint}/000000000000/`,
    queues: Object.fromEntries(
      TOPOLOGY.subscriptions.map((s) => [s.name, [queueName(s.name), deadLetterQueueName(s.name)] as [string, string]]),
    ),
    logSubscription: 'exchange-log',
    breachesTable: 'ExchangeLog',
    roles: Object.fromEntries(
      callers.map(([role, caller]) => [
        role,
        (caller.kind === 'platform'
          ? 'platform'
          : caller.kind === 'operator'
            ? `operator:${caller.ministry}`
            : `agency:${caller.id}`) as CallerKey,
      ]),
    ),
    scopes: scopesFor(
      TOPOLOGY,
      callers.map(([, caller]) => caller),
    ),
  };
  ports = { sqs: env.sqs(), dynamo: env.doc(), metrics, now: () => new Date('2026-11-29T10:00:30Z') };
});
afterAll(() => env.stop());

const local = async (keys: KeyPair, resource: string, method = 'GET') => {
  const response = await signedFetch(`${env.endpoint}${resource}`, { keys, region: 'us-east-1', method });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** The AWS function's answer for a role, as the status and body API Gateway would send. */
async function onAws(
  role: string,
  resource: string,
  query: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    const body = await answer(
      config,
      { resource, method, query: Object.keys(query).length ? query : null, callerArn: arnOf(role) },
      ports,
    );
    return { status: 200, body: body as Record<string, unknown> };
  } catch (error) {
    if (error instanceof ExchangeRefusal)
      return { status: error.status, body: { error: { code: error.code, message: error.message } } };
    throw error;
  }
}

async function park(subscription: string, detailType: string, error: string): Promise<string> {
  const event = {
    source: latestDefinition(detailType)!.source,
    'detail-type': detailType,
    detail: { meta: { eventId: crypto.randomUUID() }, data: {} },
  };
  const [message] = env.cloud.queues.prepare(deadLetterQueueName(subscription), [JSON.stringify(event)]);
  message!.sourceQueue = queueName(subscription);
  message!.error = error;
  message!.deadLetteredAt = Date.now();
  message!.sourceReceiveCount = 5;
  await env.cloud.queues.send([message!]);
  return event.detail.meta.eventId;
}

const depthOf = (queue: string) => {
  const stats = env.cloud.health().queues.find((q) => q.name === queue)!;
  return stats.visible + stats.inFlight;
};

// Remote: skipped, it runs the AWS exchange handlers in this process on the cloud’s queues.
describe.skipIf(remote)('exchange routes on AWS, against the local cloud\u2019s SQS and DynamoDB', () => {
  it('answer health with the local cloud\u2019s depths and scope, and CloudWatch\u2019s counts', async () => {
    // Prepare: a parked message on a Labour and on an Interior queue; CloudWatch's sums for Labour's queues.
    await park('view-labour', 'WorkPermitIssued', 'test: parked for health');
    await park('view-interior', 'AdministrativeOffenceRecorded', 'test: parked for health');
    await settled(env);
    datapoints = { deleted0: [7, 3], received0: [9, 3], deleted2: [4], received2: [4], sent: [12, 6], age2: [30] };
    // Act
    const aws = await onAws(operatorRoleName('labour'), '/api/exchange/health');
    const cloud = await local(env.cloud.credentials.operators.labour, '/api/exchange/health');
    // Assess: the local cloud's shape and depths, row for row; the counts are CloudWatch's.
    expect(aws.status).toBe(200);
    const depths = (body: Record<string, unknown>) => ({
      pending: body.pending,
      deadLetters: body.deadLetters,
      rows: (body.subscriptions as Record<string, unknown>[]).map(
        ({ subscription, visible, inFlight, deadLetters }) => ({ subscription, visible, inFlight, deadLetters }),
      ),
    });
    expect(depths(aws.body)).toEqual(depths(cloud.body));
    expect(Object.keys(aws.body)).toEqual(expect.arrayContaining(Object.keys(cloud.body)));
    expect(aws.body).toMatchObject({
      deadLetters: 1,
      eventsPerMinute: 9,
      // Nothing waits on view-labour, so an older age datapoint is no lag.
      lagSeconds: 0,
      countsSince: '2026-11-28T10:00:00.000Z',
      subscriptions: [
        { subscription: 'foreign-labour', delivered: 10, failed: 2 },
        { subscription: 'qandas', delivered: 0, failed: 0 },
        { subscription: 'view-labour', delivered: 4, failed: 0, deadLetters: 1 },
      ],
    });
    // CloudWatch was asked about Labour's queues and the exchange log's arrivals, nothing else.
    const queuesAsked = new Set(asked.flatMap((w) => w.requests.map((r) => r.queueName)));
    expect([...queuesAsked].sort()).toEqual(['mx-exchange-log', 'mx-foreign-labour', 'mx-qandas', 'mx-view-labour']);
    // The platform sees every subscription, as locally.
    const platform = await onAws(PLATFORM_ROLE, '/api/exchange/health');
    expect(depths(platform.body)).toEqual(
      depths((await local(env.cloud.credentials.platform, '/api/exchange/health')).body),
    );
  });

  it('list dead letters as the local cloud does, without consuming them', async () => {
    const eventId = await park('qandas', 'QandasStatusGranted', 'test: listed, not consumed');
    for (const [role, keys] of [
      [operatorRoleName('labour'), env.cloud.credentials.operators.labour],
      [PLATFORM_ROLE, env.cloud.credentials.platform],
      [operatorRoleName('border-service'), env.cloud.credentials.operators['border-service']],
    ] as const) {
      const aws = await onAws(role, '/api/exchange/dead-letters');
      const cloud = await local(keys, '/api/exchange/dead-letters');
      expect(aws.status).toBe(200);
      const sorted = (letters: unknown) =>
        [...(letters as { messageId: string }[])].sort((a, b) => a.messageId.localeCompare(b.messageId));
      expect(sorted(aws.body.deadLetters)).toEqual(sorted(cloud.body.deadLetters));
    }
    const labour = (await onAws(operatorRoleName('labour'), '/api/exchange/dead-letters')).body;
    expect(labour.deadLetters).toEqual(
      expect.arrayContaining([
        {
          queue: 'mx-qandas-dlq',
          messageId: expect.any(String),
          receiveCount: 5,
          error: 'test: listed, not consumed',
          deadLetteredAt: expect.any(String),
          source: 'kz.labour.qandas',
          sourceQueue: 'mx-qandas',
          detailType: 'QandasStatusGranted',
          eventId,
        },
      ]),
    );
    expect(labour.queues).toEqual([
      { queue: 'mx-foreign-labour-dlq', depth: 0, listed: 0 },
      { queue: 'mx-qandas-dlq', depth: 1, listed: 1 },
      { queue: 'mx-view-labour-dlq', depth: 1, listed: 1 },
    ]);
    // Given back at once: visible, and listed again the same way.
    expect(env.cloud.health().queues.find((q) => q.name === 'mx-qandas-dlq')).toMatchObject({
      visible: 1,
      inFlight: 0,
    });
    expect((await onAws(operatorRoleName('labour'), '/api/exchange/dead-letters')).body.deadLetters).toEqual(
      labour.deadLetters,
    );
  });

  it('redrive only the caller\u2019s own dead letters, refusing with the local cloud\u2019s words', async () => {
    const forbidden = await onAws(
      operatorRoleName('labour'),
      '/api/exchange/dead-letters/redrive',
      { queue: 'mx-view-interior-dlq' },
      'POST',
    );
    const locally = await local(
      env.cloud.credentials.operators.labour,
      '/api/exchange/dead-letters/redrive?queue=mx-view-interior-dlq',
      'POST',
    );
    expect(forbidden).toEqual(locally);
    expect(forbidden.status).toBe(403);
    expect(depthOf('mx-view-interior-dlq')).toBe(1);
    for (const queue of ['mx-nope-dlq', '']) {
      const bad = await onAws(PLATFORM_ROLE, '/api/exchange/dead-letters/redrive', { queue }, 'POST');
      expect(bad).toEqual(
        await local(env.cloud.credentials.platform, `/api/exchange/dead-letters/redrive?queue=${queue}`, 'POST'),
      );
      expect(bad.status).toBe(400);
    }
    // Act: the platform redrives Interior's; an empty queue starts no task.
    expect(
      await onAws(PLATFORM_ROLE, '/api/exchange/dead-letters/redrive', { queue: 'mx-view-interior-dlq' }, 'POST'),
    ).toEqual({
      status: 200,
      body: { queue: 'mx-view-interior-dlq', redriven: 1, taskHandle: expect.any(String) },
    });
    expect(depthOf('mx-view-interior-dlq')).toBe(0);
    expect(
      await onAws(
        operatorRoleName('labour'),
        '/api/exchange/dead-letters/redrive',
        { queue: 'mx-foreign-labour-dlq' },
        'POST',
      ),
    ).toEqual({ status: 200, body: { queue: 'mx-foreign-labour-dlq', redriven: 0 } });
  });

  it('list contract breaches by the caller\u2019s sources, from the exchange log\u2019s index', async () => {
    // Prepare: an Interior offence with an impossible fine, accepted by the bus and kept as a breach.
    const definition = latestDefinition('AdministrativeOffenceRecorded')!;
    const data = {
      ...(structuredClone(definition.example) as Record<string, unknown>),
      penalty: { kind: 'fine', fineMci: 1e300 },
    };
    const entry = toEntry(definition, { meta: newMeta(definition), data } as never, TOPOLOGY.busName);
    expect((await env.events('interior').send(new PutEventsCommand({ Entries: [entry] }))).FailedEntryCount).toBe(0);
    await waitFor(
      async () => ((await onAws(PLATFORM_ROLE, '/api/exchange/breaches')).body.count === 1 ? true : undefined),
      { what: 'the breach in the log' },
    );
    // Assess: each caller sees what it sees locally.
    const callers: [string, KeyPair][] = [
      [operatorRoleName('interior'), env.cloud.credentials.operators.interior],
      [operatorRoleName('labour'), env.cloud.credentials.operators.labour],
      [agencyRoleName('interior'), env.cloud.credentials.agencies.interior],
      [agencyRoleName('foreign-affairs'), env.cloud.credentials.agencies['foreign-affairs']],
      [PLATFORM_ROLE, env.cloud.credentials.platform],
    ];
    for (const [role, keys] of callers)
      expect(await onAws(role, '/api/exchange/breaches', { limit: '5' }), role).toEqual(
        await local(keys, '/api/exchange/breaches?limit=5'),
      );
    expect((await onAws(operatorRoleName('interior'), '/api/exchange/breaches')).body).toMatchObject({
      count: 1,
      breaches: [
        {
          source: 'kz.interior.berkut',
          detailType: 'AdministrativeOffenceRecorded',
          issues: [expect.objectContaining({ path: 'detail.data.penalty.fineMci' })],
        },
      ],
    });
    expect((await onAws(operatorRoleName('labour'), '/api/exchange/breaches')).body).toEqual({
      count: 0,
      breaches: [],
    });
    const refused = await onAws(agencyRoleName('foreign-affairs'), '/api/exchange/breaches', {
      source: 'kz.interior.berkut',
    });
    expect(refused).toEqual(
      await local(
        env.cloud.credentials.agencies['foreign-affairs'],
        '/api/exchange/breaches?source=kz.interior.berkut',
      ),
    );
    expect(refused.status).toBe(403);
  });

  it(
    'refuse a caller none of its roles, an agency inspecting queues, a wrong method and an unknown route, ' + 'by name',
    async () => {
      expect(await onAws('SomeAdminRole', '/api/exchange/health')).toMatchObject({
        status: 403,
        body: {
          error: {
            code: 'forbidden',
            message: expect.stringMatching(
              /SomeAdminRole\/local is none of the exchange's roles: assume your ministry's operator role/,
            ),
          },
        },
      });
      const agency = await onAws(agencyRoleName('labour'), '/api/exchange/dead-letters');
      expect(agency).toEqual({
        status: 403,
        body: { error: { code: 'forbidden', message: 'only operators may inspect the exchange' } },
      });
      // Locally the template's IAM refuses first, as API Gateway would before the function (which refuses too, above).
      expect(await local(env.cloud.credentials.agencies.labour, '/api/exchange/dead-letters')).toMatchObject({
        status: 403,
        body: {
          error: {
            code: 'AccessDeniedException',
            message: expect.stringMatching(/mx-agency-labour\/local is not authorized to perform: execute-api:Invoke /),
          },
        },
      });
      expect(await onAws(PLATFORM_ROLE, '/api/exchange/health', {}, 'POST')).toEqual({
        status: 405,
        body: { error: { code: 'method-not-allowed', message: '/api/exchange/health takes GET' } },
      });
      expect((await onAws(PLATFORM_ROLE, '/api/exchange/nothing')).status).toBe(404);
    },
  );
});

// Remote: skipped, it runs the AWS exchange handlers in this process on the cloud’s queues.
describe.skipIf(remote)('exchange API handler', () => {
  it(
    'answers API Gateway proxy events with JSON, refusals as 4xx and its own failures as a 500 that says nothing ' +
      'inside',
    async () => {
      const { exchangeApi } = await import('../../functions/exchange-api/handler.ts');
      const respond = (event: APIGatewayProxyEvent, with_: ExchangePorts) =>
        exchangeApi(parseConfig(JSON.stringify(config)), with_)(event);
      const event = (resource: string, role: string, method = 'GET') =>
        ({
          resource,
          path: resource,
          httpMethod: method,
          queryStringParameters: null,
          requestContext: { identity: { userArn: arnOf(role) } },
        }) as unknown as APIGatewayProxyEvent;
      const ok = await respond(event('/api/exchange/health', operatorRoleName('interior' as Ministry)), ports);
      expect(ok).toMatchObject({
        statusCode: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      });
      expect(JSON.parse(ok.body).subscriptions.map((s: { subscription: string }) => s.subscription)).toEqual([
        'berkut',
        'view-interior',
      ]);
      const refused = await respond(event('/api/exchange/health', agencyRoleName('interior')), ports);
      expect(refused.statusCode).toBe(403);
      const broken = {
        ...ports,
        metrics: async () => Promise.reject(new Error('secret internal detail: throttled at arn:aws:cloudwatch')),
      };
      const failed = await respond(event('/api/exchange/health', PLATFORM_ROLE), broken);
      expect(failed).toMatchObject({ statusCode: 500 });
      expect(JSON.parse(failed.body)).toEqual({
        error: { code: 'internal', message: 'the exchange could not be read; retry later' },
      });
    },
  );
});
