/**
 * The little of Amazon CloudWatch the local cloud needs: GetMetricData for
 * the SQS metrics the exchange API reads (functions/exchange-api/metrics.ts),
 * over AWS JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.…`, SigV4
 * service `monitoring`, IAM prefix `cloudwatch`), answered from the counts the
 * local queues keep per minute (./queue-metrics.ts). Everything else (another
 * operation, namespace, metric, statistic or a math expression) is refused
 * with an error naming it, never answered with made-up zeros.
 *
 * Datapoints are aggregated into periods counted from StartTime; a period
 * with no recorded minute has no datapoint, as on CloudWatch. Minutes are whole
 * minutes, so a window ending now leaves out the minute under way.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 */
import { AwsError } from './aws-protocol.ts';
import { QUEUE_METRICS, type QueueMetricName, type QueueMetrics } from './queue-metrics.ts';

export const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801.' as const;
/** The SigV4 signing name of CloudWatch's API; its IAM actions are `cloudwatch:…`. */
export const CLOUDWATCH_SIGNING_NAME = 'monitoring';
export const CLOUDWATCH_IAM_PREFIX = 'cloudwatch';

/** CloudWatch's limits (API_GetMetricData: 500 queries per request, 100,800 datapoints per page by default). */
const MAX_QUERIES = 500;
const DEFAULT_MAX_DATAPOINTS = 100_800;
const ID_PATTERN = /^[a-z][a-zA-Z0-9_]{0,254}$/;

type Json = Record<string, unknown>;

const invalid = (message: string) => new AwsError('InvalidParameterValueException', message);
const missing = (name: string) =>
  new AwsError('MissingRequiredParameterException', `The parameter ${name} is required.`);

interface Query {
  readonly id: string;
  readonly label: string;
  readonly queue: string;
  readonly metric: QueueMetricName;
  readonly periodSeconds: number;
  readonly returnData: boolean;
}

interface MetricDataResult {
  Id: string;
  Label: string;
  Timestamps: number[];
  Values: number[];
  StatusCode: 'Complete' | 'PartialData';
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON 1.0 timestamp: epoch seconds (what the SDK sends), or an ISO 8601 string. */
function timeOf(body: Json, name: string): number {
  const value = body[name];
  if (value === undefined || value === null) throw missing(name);
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw invalid(`The parameter ${name} must be a timestamp, not ${JSON.stringify(value)}.`);
  return ms;
}

function queryOf(entry: unknown, index: number): Query {
  const at = `MetricDataQueries.member.${index + 1}`;
  if (!isObject(entry)) throw invalid(`${at} must be a structure.`);
  const id = entry.Id;
  if (typeof id !== 'string' || !ID_PATTERN.test(id))
    throw invalid(`${at}.Id must start with a lowercase letter, then letters, digits or _, not ${JSON.stringify(id)}.`);
  if (entry.Expression !== undefined)
    throw invalid(`${at}.Expression: the local CloudWatch answers MetricStat queries only, no metric math.`);
  const stat = entry.MetricStat;
  if (!isObject(stat)) throw missing(`${at}.MetricStat`);
  const metric = isObject(stat.Metric) ? stat.Metric : {};
  if (metric.Namespace !== 'AWS/SQS')
    throw invalid(
      `${at}.MetricStat.Metric.Namespace ${JSON.stringify(metric.Namespace)}: the local CloudWatch keeps AWS/SQS only.`,
    );
  const name = metric.MetricName;
  if (typeof name !== 'string' || !Object.hasOwn(QUEUE_METRICS, name))
    throw invalid(
      `${at}.MetricStat.Metric.MetricName ${JSON.stringify(name)}: the local CloudWatch keeps ` +
        `${Object.keys(QUEUE_METRICS).join(', ')}.`,
    );
  const metricName = name as QueueMetricName;
  if (stat.Stat !== QUEUE_METRICS[metricName])
    throw invalid(
      `${at}.MetricStat.Stat ${JSON.stringify(stat.Stat)}: ${metricName} is kept as ${QUEUE_METRICS[metricName]}.`,
    );
  const dimensions = Array.isArray(metric.Dimensions) ? metric.Dimensions : [];
  const queue = dimensions.length === 1 && isObject(dimensions[0]) ? dimensions[0] : undefined;
  if (queue?.Name !== 'QueueName' || typeof queue.Value !== 'string')
    throw invalid(`${at}.MetricStat.Metric.Dimensions must be exactly one QueueName dimension.`);
  const period = stat.Period;
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 60 || period % 60 !== 0)
    throw invalid(`${at}.MetricStat.Period ${JSON.stringify(period)} must be a positive multiple of 60 (seconds).`);
  if (stat.Unit !== undefined && stat.Unit !== (metricName === 'ApproximateAgeOfOldestMessage' ? 'Seconds' : 'Count'))
    throw invalid(`${at}.MetricStat.Unit ${JSON.stringify(stat.Unit)} is not the unit of ${metricName}.`);
  return {
    id,
    label: typeof entry.Label === 'string' ? entry.Label : metricName,
    queue: queue.Value,
    metric: metricName,
    periodSeconds: period,
    returnData: entry.ReturnData !== false,
  };
}

/** The periods of one query with their datapoints, newest first unless ascending was asked. */
function datapoints(
  metrics: QueueMetrics,
  query: Query,
  fromMs: number,
  toMs: number,
  ascending: boolean,
): [timestamp: number, value: number][] {
  const periodMs = query.periodSeconds * 1000;
  const buckets = new Map<number, number>();
  const combine = QUEUE_METRICS[query.metric] === 'Sum' ? (a: number, b: number) => a + b : Math.max;
  for (const [minute, value] of metrics.minutes(query.queue, query.metric, fromMs, toMs)) {
    const start = fromMs + Math.floor((minute * 60_000 - fromMs) / periodMs) * periodMs;
    const previous = buckets.get(start);
    buckets.set(start, previous === undefined ? value : combine(previous, value));
  }
  const points = [...buckets].map(([start, value]): [number, number] => [start / 1000, value]);
  return points.sort((a, b) => (ascending ? a[0] - b[0] : b[0] - a[0]));
}

export class LocalCloudWatch {
  constructor(private readonly metrics: QueueMetrics) {}

  handle(operation: string, body: Json): unknown {
    if (operation !== 'GetMetricData')
      throw new AwsError(
        'UnknownOperationException',
        `The local CloudWatch answers GetMetricData only (for the AWS/SQS metrics of its queues), not ${operation}.`,
      );
    return this.getMetricData(body);
  }

  private getMetricData(body: Json) {
    const entries = body.MetricDataQueries;
    if (!Array.isArray(entries) || entries.length === 0) throw missing('MetricDataQueries');
    if (entries.length > MAX_QUERIES)
      throw invalid(`MetricDataQueries holds ${entries.length} queries; at most ${MAX_QUERIES} are allowed.`);
    const queries = entries.map(queryOf);
    const ids = new Set(queries.map((q) => q.id));
    if (ids.size !== queries.length) throw invalid('MetricDataQueries: each Id must be unique in the request.');
    const fromMs = timeOf(body, 'StartTime');
    const toMs = timeOf(body, 'EndTime');
    if (fromMs >= toMs) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
    const scanBy = body.ScanBy ?? 'TimestampDescending';
    if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending')
      throw invalid(`ScanBy ${JSON.stringify(scanBy)} must be TimestampDescending or TimestampAscending.`);
    const maxDatapoints = body.MaxDatapoints ?? DEFAULT_MAX_DATAPOINTS;
    if (typeof maxDatapoints !== 'number' || !Number.isInteger(maxDatapoints) || maxDatapoints < 1)
      throw invalid(`MaxDatapoints ${JSON.stringify(maxDatapoints)} must be a positive whole number.`);
    const skip = body.NextToken === undefined || body.NextToken === null ? 0 : offsetOf(body.NextToken);

    // The whole answer, then the page asked for: `skip` datapoints were sent on earlier pages.
    const all = queries
      .filter((q) => q.returnData)
      .map((q) => ({ query: q, points: datapoints(this.metrics, q, fromMs, toMs, scanBy === 'TimestampAscending') }));
    let offset = 0;
    let budget = maxDatapoints;
    const results: MetricDataResult[] = [];
    for (const { query, points } of all) {
      const from = Math.min(points.length, Math.max(0, skip - offset));
      const page = points.slice(from, from + budget);
      offset += points.length;
      budget -= page.length;
      const more = from + page.length < points.length;
      results.push({
        Id: query.id,
        Label: query.label,
        Timestamps: page.map(([t]) => t),
        Values: page.map(([, v]) => v),
        StatusCode: more ? 'PartialData' : 'Complete',
      });
    }
    const sent = skip + (maxDatapoints - budget);
    return { MetricDataResults: results, Messages: [], ...(sent < offset ? { NextToken: tokenOf(sent) } : {}) };
  }
}

const tokenOf = (offset: number) => Buffer.from(JSON.stringify({ offset })).toString('base64url');

function offsetOf(token: unknown): number {
  try {
    const { offset } = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the refusal
  }
  throw new AwsError('InvalidNextToken', `The NextToken ${JSON.stringify(String(token).slice(0, 100))} is not valid.`);
}
