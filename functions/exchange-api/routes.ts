/**
 * The exchange routes on AWS, with the JSON shapes and scoping of the local
 * cloud's built-in ones (infra/local/rest-api.ts), read from SQS, CloudWatch
 * and the exchange log's breaches index:
 *
 *   GET  /api/exchange/health                     queue depths, deliveries, events per minute, lag
 *   GET  /api/exchange/dead-letters               dead letters, without consuming them
 *   POST /api/exchange/dead-letters/redrive?queue=mx-<subscription>-dlq
 *   GET  /api/exchange/breaches?source=&limit=    contract breaches
 *
 * Which queues and sources a caller sees comes from ./scope.ts (decided at
 * synth from the caller's role and carried in the configuration).
 */
import { GetQueueAttributesCommand, type SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { listBreaches } from '../exchange-log/breaches.ts';
import { type CallerKey, callerOfKey, type ExchangeApiConfig, roleNameOf } from './config.ts';
import { type DeadLetterSummary, peek, toDeadLetter } from './dead-letters.ts';
import { COUNTS_WINDOW_HOURS, healthFigures, healthWindows, type MetricsReader } from './metrics.ts';
import {
  breachRequest,
  type Caller,
  deadLetterQueueName,
  ExchangeRefusal,
  mayInspectQueues,
  type QueueScope,
  redriveTarget,
  scopeOf,
} from './scope.ts';

export interface ExchangePorts {
  readonly sqs: SQSClient;
  readonly metrics: MetricsReader;
  readonly dynamo: DynamoDBDocumentClient;
  readonly now?: () => Date;
}

export interface ExchangeRequest {
  /** API Gateway's resource template (`/api/exchange/health`), or the path. */
  readonly resource: string;
  readonly method: string;
  readonly query: Readonly<Record<string, string | undefined>> | null;
  /** `requestContext.identity.userArn`: the IAM principal that signed the request. */
  readonly callerArn: string | null | undefined;
}

/** Dead letters listed per queue at most: a listing stays well inside API Gateway's 29 s. */
export const MAX_LISTED_PER_QUEUE = 100;

interface Resolved {
  readonly caller: Caller;
  readonly scope: QueueScope;
  readonly breaches: readonly string[];
}

/**
 * The account root: IAM lets it do anything in its account (it can read every queue itself), so the exchange
 * shows it what the platform operator role sees. The local cloud's platform keys sign as the root.
 */
function isAccountRoot(arn: string | null | undefined): boolean {
  return /^arn:[^:]+:iam::\d{12}:root$/.test(arn ?? '');
}

/** The caller behind a signed request, or a 403 naming who it is and what would do. */
export function resolveCaller(config: ExchangeApiConfig, callerArn: string | null | undefined): Resolved {
  const role = roleNameOf(callerArn);
  const key = isAccountRoot(callerArn)
    ? 'platform'
    : role === undefined || !Object.hasOwn(config.roles, role)
      ? undefined
      : (config.roles[role] as CallerKey);
  if (key === undefined) {
    throw new ExchangeRefusal(
      403,
      'forbidden',
      `${callerArn ?? 'this caller'} is none of the exchange's roles: assume your ministry's operator role ` +
        `(OperatorRole… stack outputs), the platform operator role or, for breaches, your agency's publisher role`,
    );
  }
  const scope = config.scopes[key] ?? { subscriptions: [], breaches: [] };
  return { caller: callerOfKey(key, config), scope: scopeOf(scope.subscriptions), breaches: scope.breaches };
}

function queueUrls(
  config: ExchangeApiConfig,
  subscription: string,
): { queue: string; deadLetters: string; queueName: string } {
  const [queueName, deadLetterName] = config.queues[subscription]!;
  return { queue: config.queueUrlPrefix + queueName, deadLetters: config.queueUrlPrefix + deadLetterName, queueName };
}

async function depth(sqs: SQSClient, url: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

async function health(config: ExchangeApiConfig, scope: QueueScope, ports: ExchangePorts) {
  const now = ports.now?.() ?? new Date();
  const subscriptions = scope.subscriptions.map((s) => ({ subscription: s, ...queueUrls(config, s) }));
  const windows = healthWindows(subscriptions, queueUrls(config, config.logSubscription).queueName, now);
  const [depths, counts, recent] = await Promise.all([
    Promise.all(
      subscriptions.map(async (s) => ({
        queue: await depth(ports.sqs, s.queue),
        deadLetters: await depth(ports.sqs, s.deadLetters),
      })),
    ),
    ports.metrics(windows.counts),
    ports.metrics(windows.recent),
  ]);
  const figures = healthFigures(subscriptions.length, counts, recent);
  const rows = subscriptions.map((s, i) => ({
    subscription: s.subscription,
    visible: depths[i]!.queue.visible,
    inFlight: depths[i]!.queue.inFlight,
    deadLetters: depths[i]!.deadLetters.visible + depths[i]!.deadLetters.inFlight,
    delivered: figures.queues[i]!.delivered,
    failed: figures.queues[i]!.failed,
  }));
  // A queue with nothing waiting has no lag, whatever an older datapoint says.
  const ages = rows.flatMap((row, i) =>
    row.visible + row.inFlight > 0 && figures.queues[i]!.oldestAgeSeconds !== undefined
      ? [figures.queues[i]!.oldestAgeSeconds!]
      : [],
  );
  return {
    pending: rows.reduce((n, r) => n + r.visible + r.inFlight, 0),
    deadLetters: rows.reduce((n, r) => n + r.deadLetters, 0),
    eventsPerMinute: figures.eventsPerMinute,
    lagSeconds: ages.length ? Math.max(...ages) : 0,
    subscriptions: rows,
    // Where the local cloud counts deliveries since it started, these count the last day (metrics.ts).
    countsSince: windows.counts.from.toISOString(),
    countsWindowHours: COUNTS_WINDOW_HOURS,
  };
}

async function deadLetters(config: ExchangeApiConfig, scope: QueueScope, ports: ExchangePorts) {
  const listed = await Promise.all(
    scope.subscriptions.map(async (subscription) => {
      const queue = deadLetterQueueName(subscription);
      const url = queueUrls(config, subscription).deadLetters;
      const { visible, inFlight } = await depth(ports.sqs, url);
      const messages = visible + inFlight > 0 ? await peek(ports.sqs, url, MAX_LISTED_PER_QUEUE) : [];
      return {
        queue: { queue, depth: visible + inFlight, listed: messages.length },
        letters: messages.map((m) => toDeadLetter(queue, m)),
      };
    }),
  );
  const letters: DeadLetterSummary[] = listed.flatMap((l) => l.letters);
  return { deadLetters: letters, queues: listed.map((l) => l.queue) };
}

async function redrive(
  config: ExchangeApiConfig,
  resolved: Resolved,
  query: ExchangeRequest['query'],
  ports: ExchangePorts,
) {
  const queue = query?.queue;
  const subscription = redriveTarget(
    { subscriptions: Object.keys(config.queues).map((name) => ({ name })) },
    resolved.scope,
    resolved.caller,
    queue,
  );
  const url = queueUrls(config, subscription).deadLetters;
  const { Attributes = {} } = await ports.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const waiting =
    Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  if (waiting === 0) return { queue, redriven: 0 };
  try {
    // No DestinationArn: each message goes back to the queue it was parked from. SQS moves them asynchronously.
    const { TaskHandle } = await ports.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: Attributes.QueueArn }));
    return { queue, redriven: waiting, ...(TaskHandle ? { taskHandle: TaskHandle } : {}) };
  } catch (error) {
    // The queue is known to be a dead-letter queue, so SQS refusing the request (a client fault) means a move task is
    // already running on it (SQS runs one per queue at a time): the caller's to retry once it ends.
    if ((error as { $fault?: string }).$fault === 'client') {
      throw new ExchangeRefusal(
        409,
        'redrive-running',
        `the redrive of ${queue} could not start: ${(error as Error).message}`,
      );
    }
    throw error;
  }
}

/** Answers one exchange request (the body to send with 200), or throws an ExchangeRefusal. */
export async function answer(
  config: ExchangeApiConfig,
  request: ExchangeRequest,
  ports: ExchangePorts,
): Promise<unknown> {
  const resource = request.resource.replace(/\/$/, '');
  const routes: Record<string, string> = {
    '/api/exchange/health': 'GET',
    '/api/exchange/dead-letters': 'GET',
    '/api/exchange/dead-letters/redrive': 'POST',
    '/api/exchange/breaches': 'GET',
  };
  const method = routes[resource];
  if (!method)
    throw new ExchangeRefusal(
      404,
      'not-found',
      `no route ${request.method} ${resource}; routes: ${Object.keys(routes).join(', ')}`,
    );
  if (request.method !== method) throw new ExchangeRefusal(405, 'method-not-allowed', `${resource} takes ${method}`);
  const resolved = resolveCaller(config, request.callerArn);
  if (resource === '/api/exchange/breaches') {
    const { partitions, limit } = breachRequest(resolved.breaches, request.query);
    return listBreaches(ports.dynamo, config.breachesTable, { partitions, limit });
  }
  const may = mayInspectQueues(resolved.caller);
  if (may !== true) throw new ExchangeRefusal(403, 'forbidden', may);
  if (resource === '/api/exchange/health') return health(config, resolved.scope, ports);
  if (resource === '/api/exchange/dead-letters') return deadLetters(config, resolved.scope, ports);
  return redrive(config, resolved, request.query, ports);
}
