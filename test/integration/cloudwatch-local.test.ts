/**
 * The local CloudWatch, through the real @aws-sdk/client-cloudwatch client:
 * GetMetricData answers the AWS/SQS metrics the exchange API reads from what
 * the local queues counted, refuses anything else naming it, and the
 * exchange page's health is the template's ExchangeRoutes function reading it.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchSigned } from '../../infra/cli/signed-request.ts';
import type { KeyPair } from '../../infra/local/credentials.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { newMeta, toEntry } from '../../schemas/entries.ts';
import { settled, startTestCloud, type TestCloud } from './cloud-harness.ts';

let env: TestCloud;
const clients: CloudWatchClient[] = [];
beforeAll(async () => {
  env = await startTestCloud({ inMemory: true });
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await env?.stop();
});

const cloudWatch = (keys: KeyPair = env.cloud.credentials.platform) => {
  const client = new CloudWatchClient({ ...env.cloud.clientConfig(keys), maxAttempts: 1 });
  clients.push(client);
  return client;
};

const LOG_QUEUE = 'mx-exchange-log';

function sqsQuery(id: string, metricName: string, stat: string, queue = LOG_QUEUE, period = 60): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: 'AWS/SQS', MetricName: metricName, Dimensions: [{ Name: 'QueueName', Value: queue }] },
      Period: period,
      Stat: stat,
    },
  };
}

/** A window over the last hour up to the end of the minute under way (whole minutes, as the exchange API asks). */
function window() {
  const end = Math.ceil((Date.now() + 1) / 60_000) * 60_000;
  return { StartTime: new Date(end - 3_600_000), EndTime: new Date(end) };
}

async function publishQuotas(count: number): Promise<void> {
  const definition = latestDefinition('QandasQuotaSet')!;
  const entries = Array.from({ length: count }, (_, i) =>
    toEntry(
      definition,
      {
        meta: newMeta(definition, { occurredAt: '2021-01-05T09:00:00Z' }),
        data: definition.data.parse({ year: 2021, region: 'KZ-59', quota: 200 + i }),
      } as never,
      env.cloud.plan.bus.name,
    ),
  );
  const out = await env.events('labour').send(new PutEventsCommand({ Entries: entries }));
  expect(out.FailedEntryCount).toBe(0);
  await settled(env);
}

const sum = (values: readonly number[] | undefined) => (values ?? []).reduce((a, b) => a + b, 0);

describe('the local CloudWatch', () => {
  it('counts what the log queue was sent, received and deleted per minute, summed by GetMetricData', async () => {
    const before = await cloudWatch().send(
      new GetMetricDataCommand({ MetricDataQueries: [sqsQuery('sent', 'NumberOfMessagesSent', 'Sum')], ...window() }),
    );
    const sentBefore = sum(before.MetricDataResults?.[0]?.Values);
    await publishQuotas(3);
    const after = await cloudWatch().send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          sqsQuery('sent', 'NumberOfMessagesSent', 'Sum'),
          sqsQuery('received', 'NumberOfMessagesReceived', 'Sum'),
          sqsQuery('deleted', 'NumberOfMessagesDeleted', 'Sum', LOG_QUEUE, 3600),
          sqsQuery('age', 'ApproximateAgeOfOldestMessage', 'Maximum'),
        ],
        ...window(),
      }),
    );
    const byId = new Map((after.MetricDataResults ?? []).map((r) => [r.Id, r]));
    expect(sum(byId.get('sent')?.Values) - sentBefore).toBe(3);
    expect(sum(byId.get('received')?.Values)).toBeGreaterThanOrEqual(sum(byId.get('sent')?.Values));
    expect(sum(byId.get('deleted')?.Values)).toBe(sum(byId.get('sent')?.Values));
    expect(byId.get('deleted')?.Values?.length).toBe(1);
    for (const result of byId.values()) {
      expect(result.StatusCode).toBe('Complete');
      expect(result.Timestamps?.length).toBe(result.Values?.length);
    }
    // Newest first, each timestamp a period's start inside the window.
    const stamps = (byId.get('sent')?.Timestamps ?? []).map((t) => t.getTime());
    expect(stamps).toEqual([...stamps].sort((a, b) => b - a));
    expect(stamps.every((t) => t >= window().StartTime.getTime())).toBe(true);
  });

  it('has no datapoints for a window before anything happened, nor for an unknown queue', async () => {
    const answer = await cloudWatch().send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          sqsQuery('old', 'NumberOfMessagesSent', 'Sum'),
          sqsQuery('unknown', 'NumberOfMessagesSent', 'Sum', 'mx-no-such-queue'),
        ],
        StartTime: new Date(Date.now() - 3 * 3_600_000),
        EndTime: new Date(Date.now() - 2 * 3_600_000),
      }),
    );
    expect(answer.MetricDataResults?.map((r) => [r.Id, r.Values])).toEqual([
      ['old', []],
      ['unknown', []],
    ]);
  });

  it('refuses a metric, statistic, namespace or operation it does not keep, naming it', async () => {
    const refusal = async (query: MetricDataQuery) =>
      cloudWatch()
        .send(new GetMetricDataCommand({ MetricDataQueries: [query], ...window() }))
        .then(
          () => undefined,
          (error: Error) => ({ name: error.name, message: error.message }),
        );
    expect(await refusal(sqsQuery('cpu', 'CPUUtilization', 'Sum'))).toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('"CPUUtilization"'),
    });
    expect(await refusal(sqsQuery('avg', 'NumberOfMessagesSent', 'Average'))).toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('"Average"'),
    });
    expect(await refusal(sqsQuery('odd', 'NumberOfMessagesSent', 'Sum', LOG_QUEUE, 90))).toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('Period 90'),
    });
    const lambda = sqsQuery('fn', 'NumberOfMessagesSent', 'Sum');
    lambda.MetricStat!.Metric!.Namespace = 'AWS/Lambda';
    expect(await refusal(lambda)).toMatchObject({ message: expect.stringContaining('"AWS/Lambda"') });
    expect(await refusal({ Id: 'math', Expression: 'SUM(METRICS())' })).toMatchObject({
      message: expect.stringContaining('Expression'),
    });
    const alarms = await cloudWatch()
      .send(new DescribeAlarmsCommand({}))
      .catch((error: Error) => error);
    expect(alarms).toMatchObject({
      name: 'UnknownOperationException',
      message: expect.stringContaining('DescribeAlarms'),
    });
  });

  it('refuses an operator, whose role the template grants no CloudWatch read, in IAM\u2019s words', async () => {
    const refused = await cloudWatch(env.cloud.credentials.operators.labour)
      .send(
        new GetMetricDataCommand({ MetricDataQueries: [sqsQuery('sent', 'NumberOfMessagesSent', 'Sum')], ...window() }),
      )
      .catch((error: Error) => error);
    expect(refused).toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('is not authorized to perform: cloudwatch:GetMetricData'),
    });
  });
});

describe('the exchange page on the local cloud', () => {
  it('is the template’s ExchangeRoutes function, reading its delivery counts from CloudWatch', async () => {
    const response = await fetchSigned(`${env.endpoint}/api/exchange/health`, {
      credentials: env.cloud.credentials.operators.labour,
      region: env.cloud.credentials.region,
    });
    expect(response.status).toBe(200);
    const health = (await response.json()) as {
      countsWindowHours: number;
      countsSince: string;
      subscriptions: { subscription: string; delivered: number; failed: number }[];
    };
    // The AWS function's answer: its counts cover a window read from CloudWatch, which the built-in answer had not.
    expect(health.countsWindowHours).toBe(24);
    expect(Date.parse(health.countsSince)).toBeLessThan(Date.now());
    expect(health.subscriptions.map((s) => s.subscription)).toContain('foreign-labour');
    for (const row of health.subscriptions) expect(row).toMatchObject({ delivered: expect.any(Number), failed: 0 });
  });
});
