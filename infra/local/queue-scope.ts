/**
 * Which subscriptions' queues (and dead letters) a caller may see and act on.
 * Derived from the topology, never listed by hand:
 * - a ministry's operator: the subscription that owns its view's table, and
 *   the subscriptions that own the registries of the systems its agency runs
 *   (a command API's table, `commandApis[].agencies`). Labour runs the foreign
 *   labour and qandas systems; Interior, Foreign Affairs and the Border
 *   Service run Berkut together, so each of them sees and may redrive
 *   Berkut's queue. One queue cannot be split by agency, and a redrive only
 *   retries deliveries the idempotent projector would have made anyway;
 * - the platform: every subscription, the exchange log's included (it is the
 *   platform's own, so no ministry sees it);
 * - an agency's publishing key: none (agencies publish; operators inspect).
 */
import type { Principal } from './credentials.ts';
import type { Ministry, Topology } from '../topology.ts';

export interface QueueScope {
  /** Whether the subscription is in scope. */
  has(subscription: string): boolean;
  /** The subscriptions in scope, in topology order. */
  readonly subscriptions: readonly string[];
}

export function ministrySubscriptions(topology: Topology, ministry: Ministry): string[] {
  const tables = new Set([
    ...topology.queryApis.filter((q) => q.ministry === ministry).map((q) => q.table),
    ...topology.commandApis.filter((c) => c.agencies.includes(ministry)).map((c) => c.table),
  ]);
  return topology.subscriptions.filter((s) => tables.has(s.table)).map((s) => s.name);
}

export function queueScope(topology: Topology, principal: Principal): QueueScope {
  const subscriptions =
    principal.kind === 'platform' ? topology.subscriptions.map((s) => s.name) : principal.kind === 'operator' ? ministrySubscriptions(topology, principal.ministry) : [];
  const set = new Set(subscriptions);
  return { subscriptions, has: (name) => set.has(name) };
}
