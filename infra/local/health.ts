/**
 * What the local cloud reports about itself: queue depths, deliveries and
 * tables for `GET /_mx/health` (the simulator and tests wait for `pending` to
 * reach 0; `mx` finds the tables there). The console's exchange page reads
 * the ExchangeRoutes function instead, as on AWS.
 */
import type { Topology } from '../topology.ts';
import type { DeliveryStats } from './delivery.ts';
import type { LocalDynamo } from './dynamodb.ts';
import type { QueueScope } from './queue-scope.ts';
import type { Queues } from './queues.ts';

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
