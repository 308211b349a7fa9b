/**
 * What the local cloud reports about itself: queue depths, deliveries and
 * tables for `GET /_mx/health` (the simulator and tests wait for `pending` to
 * reach 0; `mx` finds the tables there), and the console's exchange page.
 */
import type { Topology } from '../topology.ts';
import type { DeliveryStats } from './delivery.ts';
import type { LocalDynamo } from './dynamodb.ts';
import type { Queues } from './queues.ts';
import type { QueueScope } from './queue-scope.ts';

export interface HealthSources {
  readonly topology: Topology;
  readonly queues: Queues;
  readonly dynamo: Pick<LocalDynamo, 'backend' | 'description'>;
  /** Each table id and the physical table serving it. */
  readonly tables: () => readonly [id: string, physical: string][];
  readonly deliveries: () => readonly {
    subscription: string;
    queue: string;
    deadLetterQueue: string;
    stats: DeliveryStats;
  }[];
  readonly transparency?: () => unknown;
  /** Receipt times of accepted events in the last minute. */
  readonly acceptedTimes: () => readonly number[];
}

export function cloudHealth(sources: HealthSources, scope: QueueScope) {
  const deliveries = sources.deliveries().filter((d) => scope.has(d.subscription));
  const names = new Set(deliveries.flatMap((d) => [d.queue, d.deadLetterQueue]));
  const deadLetterQueues = new Set(deliveries.map((d) => d.deadLetterQueue));
  const queues = sources.queues.stats().filter((q) => names.has(q.name));
  const owned = new Set(sources.topology.subscriptions.filter((s) => scope.has(s.name)).map((s) => s.table));
  const everything = scope.subscriptions.length === sources.topology.subscriptions.length;
  const transparency = everything ? sources.transparency?.() : undefined;
  return {
    status: 'running',
    services: { events: 'running', dynamodb: 'running', sqs: 'running' },
    dynamodb: { backend: sources.dynamo.backend, detail: sources.dynamo.description },
    pending: queues.filter((q) => !deadLetterQueues.has(q.name)).reduce((n, q) => n + q.visible + q.inFlight, 0),
    deadLetters: queues.filter((q) => deadLetterQueues.has(q.name)).reduce((n, q) => n + q.visible + q.inFlight, 0),
    queues,
    deliveries: deliveries.map((d) => ({ subscription: d.subscription, ...d.stats })),
    tables: Object.fromEntries(sources.tables().filter(([id]) => everything || owned.has(id))),
    ...(transparency ? { transparency } : {}),
  };
}

/** The console's exchange page for the subscriptions in scope: depths, dead letters, throughput and lag. */
export function exchangeHealth(sources: HealthSources, scope: QueueScope) {
  const health = cloudHealth(sources, scope);
  const now = Date.now();
  const deliveries = sources.deliveries().filter((d) => scope.has(d.subscription));
  const oldest = deliveries
    .map((d) => sources.queues.oldestSentAt(d.queue))
    .filter((t): t is number => t !== undefined);
  return {
    pending: health.pending,
    deadLetters: health.deadLetters,
    // The exchange's throughput as a whole: a count, naming no subscription.
    eventsPerMinute: sources.acceptedTimes().filter((t) => t > now - 60_000).length,
    lagSeconds: oldest.length ? Math.round((now - Math.min(...oldest)) / 100) / 10 : 0,
    subscriptions: deliveries.map((d) => {
      const queue = health.queues.find((q) => q.name === d.queue)!;
      const dlq = health.queues.find((q) => q.name === d.deadLetterQueue)!;
      return {
        subscription: d.subscription,
        visible: queue.visible,
        inFlight: queue.inFlight,
        deadLetters: dlq.visible + dlq.inFlight,
        delivered: d.stats.delivered,
        failed: d.stats.failed,
      };
    }),
  };
}
