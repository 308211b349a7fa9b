/**
 * The per-minute ring behind the local CloudWatch: bounded however long the
 * cloud runs (a minute a full ring ago is overwritten, never read back as
 * today's), aggregated into CloudWatch periods counted from StartTime, and
 * paged with NextToken like GetMetricData.
 */
import { describe, expect, it } from 'vitest';
import { LocalCloudWatch } from '../../infra/local/cloudwatch.ts';
import { QueueMetrics, RING_MINUTES } from '../../infra/local/queue-metrics.ts';

const T0 = Date.UTC(2026, 10, 30, 0, 0, 0);

function clock() {
  let now = T0;
  return { now: () => now, advanceMinutes: (n: number) => (now += n * 60_000) };
}

const query = (id: string, period: number, metric = 'NumberOfMessagesSent', stat = 'Sum') => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: 'AWS/SQS', MetricName: metric, Dimensions: [{ Name: 'QueueName', Value: 'q' }] },
    Period: period,
    Stat: stat,
  },
});

interface Answer {
  MetricDataResults: { Id: string; Timestamps: number[]; Values: number[]; StatusCode: string }[];
  NextToken?: string;
}

describe('QueueMetrics', () => {
  it('keeps one slot per minute: a minute a whole ring ago is gone, not added to the same slot now', () => {
    const time = clock();
    const metrics = new QueueMetrics(time.now);
    metrics.count('q', 'NumberOfMessagesSent', 5);
    time.advanceMinutes(RING_MINUTES);
    metrics.count('q', 'NumberOfMessagesSent', 2);
    expect(metrics.minutes('q', 'NumberOfMessagesSent', T0, time.now() + 60_000)).toEqual([
      [T0 / 60_000 + RING_MINUTES, 2],
    ]);
  });

  it('samples the oldest message’s age once a minute, asking for it only then', () => {
    const time = clock();
    const metrics = new QueueMetrics(time.now);
    let asked = 0;
    const age = (seconds: number) => () => {
      asked++;
      return seconds;
    };
    metrics.sampleAge('q', age(7));
    metrics.sampleAge('q', age(9));
    time.advanceMinutes(1);
    metrics.sampleAge('q', age(3));
    expect(asked).toBe(2);
    expect(metrics.minutes('q', 'ApproximateAgeOfOldestMessage', T0, time.now() + 60_000).map(([, v]) => v)).toEqual([
      7, 3,
    ]);
  });
});

describe('LocalCloudWatch GetMetricData', () => {
  it('sums minutes into periods counted from StartTime, newest first, and pages by MaxDatapoints', () => {
    const time = clock();
    const metrics = new QueueMetrics(time.now);
    for (let minute = 0; minute < 6; minute++) {
      metrics.count('q', 'NumberOfMessagesSent', minute + 1);
      time.advanceMinutes(1);
    }
    const cloudWatch = new LocalCloudWatch(metrics);
    const ask = (extra: Record<string, unknown> = {}) =>
      cloudWatch.handle('GetMetricData', {
        MetricDataQueries: [query('threes', 180), query('minutes', 60)],
        StartTime: T0 / 1000,
        EndTime: time.now() / 1000,
        ...extra,
      }) as Answer;
    const whole = ask();
    expect(whole.MetricDataResults[0]).toMatchObject({
      Id: 'threes',
      Timestamps: [T0 / 1000 + 180, T0 / 1000],
      Values: [4 + 5 + 6, 1 + 2 + 3],
      StatusCode: 'Complete',
    });
    expect(whole.MetricDataResults[1]!.Values).toEqual([6, 5, 4, 3, 2, 1]);
    expect(whole.NextToken).toBeUndefined();

    const pages: Answer[] = [ask({ MaxDatapoints: 3 })];
    while (pages.at(-1)!.NextToken) pages.push(ask({ MaxDatapoints: 3, NextToken: pages.at(-1)!.NextToken }));
    expect(pages).toHaveLength(3);
    const values = (id: string) => pages.flatMap((p) => p.MetricDataResults.find((r) => r.Id === id)?.Values ?? []);
    expect(values('threes')).toEqual([15, 6]);
    expect(values('minutes')).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('refuses an EndTime not after StartTime and a forged NextToken, naming them', () => {
    const cloudWatch = new LocalCloudWatch(new QueueMetrics(() => T0));
    const ask = (body: Record<string, unknown>) => () =>
      cloudWatch.handle('GetMetricData', { MetricDataQueries: [query('a', 60)], StartTime: 10, EndTime: 20, ...body });
    expect(ask({ EndTime: 10 })).toThrow(/StartTime must be less than the parameter EndTime/);
    expect(ask({ NextToken: 'not-a-token' })).toThrow(/NextToken "not-a-token"/);
    expect(ask({ StartTime: 'yesterday' })).toThrow(/StartTime must be a timestamp/);
  });
});
