/**
 * The figures of the exchange page that SQS's GetQueueAttributes does not
 * give, from the SQS metrics CloudWatch keeps for every queue (free, no
 * opt-in, one-minute datapoints; https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html):
 *
 * - delivered: NumberOfMessagesDeleted of a subscription's queue. Lambda's
 *   event source mapping deletes exactly the messages the handler processed
 *   (partial batch responses leave the failed ones), so a delete is a delivery.
 * - failed: NumberOfMessagesReceived − NumberOfMessagesDeleted: receives that
 *   ended in no delete, i.e. failed or timed-out attempts that SQS will retry
 *   or park (and, at the window's edge, messages still in flight). Like the
 *   local cloud's count, a message that fails five times counts five.
 * - events per minute: NumberOfMessagesSent of the exchange log's queue,
 *   which every accepted event reaches, averaged over the last minutes
 *   CloudWatch holds.
 * - lag: ApproximateAgeOfOldestMessage, the newest datapoint, of the queues
 *   that have messages waiting now.
 *
 * SQS publishes these a minute or more behind; delivered and failed cover the
 * last 24 hours, where the local cloud counts since it started.
 */
import { type CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';

export const COUNTS_WINDOW_HOURS = 24;
export const RECENT_WINDOW_MINUTES = 10;

export interface MetricRequest {
  readonly id: string;
  readonly queueName: string;
  readonly metricName:
    | 'NumberOfMessagesDeleted'
    | 'NumberOfMessagesReceived'
    | 'NumberOfMessagesSent'
    | 'ApproximateAgeOfOldestMessage';
  readonly stat: 'Sum' | 'Maximum';
  readonly periodSeconds: number;
}

/** A window of time and what to read in it; each id's datapoints come back newest first. */
export interface MetricWindow {
  readonly from: Date;
  readonly to: Date;
  readonly requests: readonly MetricRequest[];
}

/** Reads metric windows; CloudWatch on AWS, anything with the same answers in tests. */
export type MetricsReader = (window: MetricWindow) => Promise<ReadonlyMap<string, readonly number[]>>;

export interface QueueMetricNames {
  readonly subscription: string;
  readonly queueName: string;
}

export interface HealthMetricWindows {
  readonly counts: MetricWindow;
  readonly recent: MetricWindow;
}

/** The two windows the health figures need: hourly sums over a day, and the last minutes one by one. */
export function healthWindows(
  queues: readonly QueueMetricNames[],
  logQueueName: string,
  now: Date,
): HealthMetricWindows {
  // Whole minutes, so a repeated request asks CloudWatch for the same periods.
  const to = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const counts = queues.flatMap((q, i): MetricRequest[] => [
    {
      id: `deleted${i}`,
      queueName: q.queueName,
      metricName: 'NumberOfMessagesDeleted',
      stat: 'Sum',
      periodSeconds: 3600,
    },
    {
      id: `received${i}`,
      queueName: q.queueName,
      metricName: 'NumberOfMessagesReceived',
      stat: 'Sum',
      periodSeconds: 3600,
    },
  ]);
  const recent: MetricRequest[] = [
    { id: 'sent', queueName: logQueueName, metricName: 'NumberOfMessagesSent', stat: 'Sum', periodSeconds: 60 },
    ...queues.map(
      (q, i): MetricRequest => ({
        id: `age${i}`,
        queueName: q.queueName,
        metricName: 'ApproximateAgeOfOldestMessage',
        stat: 'Maximum',
        periodSeconds: 60,
      }),
    ),
  ];
  return {
    counts: { from: new Date(to.getTime() - COUNTS_WINDOW_HOURS * 3_600_000), to, requests: counts },
    recent: { from: new Date(to.getTime() - RECENT_WINDOW_MINUTES * 60_000), to, requests: recent },
  };
}

export interface QueueFigures {
  readonly delivered: number;
  readonly failed: number;
  /** Seconds; undefined when CloudWatch has no recent datapoint. */
  readonly oldestAgeSeconds?: number;
}

const sum = (values: readonly number[] | undefined) => (values ?? []).reduce((a, b) => a + b, 0);

/**
 * Per queue (in the order given to healthWindows) its delivered, failed and oldest age; and
 * the exchange's events per minute.
 */
export function healthFigures(
  count: number,
  counts: ReadonlyMap<string, readonly number[]>,
  recent: ReadonlyMap<string, readonly number[]>,
): { queues: QueueFigures[]; eventsPerMinute: number } {
  const queues = Array.from({ length: count }, (_, i): QueueFigures => {
    const delivered = Math.round(sum(counts.get(`deleted${i}`)));
    const received = Math.round(sum(counts.get(`received${i}`)));
    const age = recent.get(`age${i}`)?.[0];
    return {
      delivered,
      failed: Math.max(0, received - delivered),
      ...(age !== undefined ? { oldestAgeSeconds: age } : {}),
    };
  });
  const sent = recent.get('sent') ?? [];
  return { queues, eventsPerMinute: sent.length ? Math.round((sum(sent) / sent.length) * 10) / 10 : 0 };
}

/** GetMetricData for a window, all pages, datapoints newest first (CloudWatch's default order, TimestampDescending). */
export function cloudWatchReader(client: CloudWatchClient): MetricsReader {
  return async (window) => {
    const values = new Map<string, number[]>();
    if (window.requests.length === 0) return values;
    const queries: MetricDataQuery[] = window.requests.map((r) => ({
      Id: r.id,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/SQS',
          MetricName: r.metricName,
          Dimensions: [{ Name: 'QueueName', Value: r.queueName }],
        },
        Period: r.periodSeconds,
        Stat: r.stat,
      },
      ReturnData: true,
    }));
    let NextToken: string | undefined;
    do {
      const page = await client.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: window.from,
          EndTime: window.to,
          ScanBy: 'TimestampDescending',
          NextToken,
        }),
      );
      for (const result of page.MetricDataResults ?? []) {
        if (!result.Id) continue;
        values.set(result.Id, [...(values.get(result.Id) ?? []), ...(result.Values ?? [])]);
      }
      NextToken = page.NextToken;
    } while (NextToken);
    return values;
  };
}
