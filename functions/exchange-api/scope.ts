/**
 * Who may see and act on which part of the exchange: the subscriptions'
 * queues and dead letters, and the contract breaches of which sources. One
 * implementation for both clouds: the local cloud calls it for each signed
 * request; the CDK app calls it at synth for each operator, agency and
 * platform role and hands the answers to the exchange API function.
 *
 * Queues are derived from the topology, never listed by hand:
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
 *
 * Breaches: an agency its own sources, an operator its ministry's agency's
 * sources, the platform every partition (`other` included).
 */
import type { Ministry } from '../domain/ministries.ts';
import { BREACH_PARTITIONS } from '../exchange-log/breaches.ts';

/** A signed caller, as the local cloud's keyring or the CDK app's roles name it. */
export type Caller =
  | { readonly kind: 'agency'; readonly id: Ministry; readonly sources: readonly string[] }
  | { readonly kind: 'operator'; readonly ministry: Ministry }
  | { readonly kind: 'platform' };

/** The parts of the topology scoping reads (the whole Topology fits it). */
export interface ScopeTopology {
  readonly agencies: readonly { readonly id: Ministry; readonly sources: readonly string[] }[];
  readonly subscriptions: readonly { readonly name: string; readonly table: string }[];
  readonly queryApis: readonly { readonly ministry: Ministry; readonly table: string }[];
  readonly commandApis: readonly { readonly agencies: readonly Ministry[]; readonly table: string }[];
}

export interface QueueScope {
  /** Whether the subscription is in scope. */
  has(subscription: string): boolean;
  /** The subscriptions in scope, in topology order. */
  readonly subscriptions: readonly string[];
}

/** A refusal of an exchange route, with its HTTP status; the message names the parameter or the rule. */
export class ExchangeRefusal extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 405 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ExchangeRefusal';
  }
}

export function ministrySubscriptions(topology: ScopeTopology, ministry: Ministry): string[] {
  const tables = new Set([
    ...topology.queryApis.filter((q) => q.ministry === ministry).map((q) => q.table),
    ...topology.commandApis.filter((c) => c.agencies.includes(ministry)).map((c) => c.table),
  ]);
  return topology.subscriptions.filter((s) => tables.has(s.table)).map((s) => s.name);
}

export function queueScope(topology: ScopeTopology, caller: Caller): QueueScope {
  const subscriptions =
    caller.kind === 'platform'
      ? topology.subscriptions.map((s) => s.name)
      : caller.kind === 'operator'
        ? ministrySubscriptions(topology, caller.ministry)
        : [];
  return scopeOf(subscriptions);
}

/**
 * A scope over a list of subscriptions already decided (the CDK app's, read back from the function's configuration).
 */
export function scopeOf(subscriptions: readonly string[]): QueueScope {
  const set = new Set(subscriptions);
  return { subscriptions: [...subscriptions], has: (name) => set.has(name) };
}

/**
 * The breaches partitions a caller may read: an agency's own sources, an operator its
 * ministry's agency's, the platform all.
 */
export function breachPartitionsFor(topology: ScopeTopology, caller: Caller): string[] {
  if (caller.kind === 'platform') return [...BREACH_PARTITIONS];
  if (caller.kind === 'agency') return [...caller.sources];
  return [...(topology.agencies.find((a) => a.id === caller.ministry)?.sources ?? [])];
}

/** Who may call the health and dead-letter routes: operators (their ministry's queues) and the platform. */
export function mayInspectQueues(caller: Caller): true | string {
  return caller.kind === 'operator' || caller.kind === 'platform' ? true : 'only operators may inspect the exchange';
}

/**
 * The dead-letter queue name callers use for a subscription, on every cloud
 * (`mx-<subscription>-dlq`, as `mx dlq` prints it).
 */
export const deadLetterQueueName = (subscription: string) => `mx-${subscription}-dlq`;

function describe(caller: Caller): string {
  return caller.kind === 'operator'
    ? `the ${caller.ministry} operator`
    : caller.kind === 'agency'
      ? `the ${caller.id} agency`
      : 'the platform';
}

/**
 * The subscription whose dead letters a redrive request names, if the caller
 * may redrive them. `queue` is the caller's `?queue=` (`mx-<subscription>-dlq`).
 */
export function redriveTarget(
  topology: { readonly subscriptions: readonly { readonly name: string }[] },
  scope: QueueScope,
  caller: Caller,
  queue: string | undefined | null,
  nameOf: (subscription: string) => string = deadLetterQueueName,
): string {
  const subscription = topology.subscriptions.find((s) => nameOf(s.name) === queue)?.name;
  if (!queue || !subscription)
    throw new ExchangeRefusal(
      400,
      'bad-parameter',
      `queue must name a dead-letter queue (mx-<subscription>-dlq), got ${JSON.stringify(queue ?? null)}`,
    );
  if (!scope.has(subscription)) {
    const own = scope.subscriptions.map(nameOf).join(', ') || 'none';
    throw new ExchangeRefusal(
      403,
      'forbidden',
      `${describe(caller)} may not redrive ${queue}; its dead-letter queues: ${own}`,
    );
  }
  return subscription;
}

export const DEFAULT_BREACH_LIMIT = 50;
export const MAX_BREACH_LIMIT = 1000;

/**
 * What a breaches request may read: `?source=` (one of the caller's partitions, default all of them) and
 * `?limit=` (1-1000, default 50).
 */
export function breachRequest(
  allowed: readonly string[],
  query: Readonly<Record<string, string | undefined>> | null | undefined,
): { partitions: string[]; limit: number } {
  const asked = query?.source;
  if (asked !== undefined && !allowed.includes(asked)) {
    throw new ExchangeRefusal(
      403,
      'forbidden',
      `this caller may read the breaches of ${allowed.join(', ') || 'no source'}, not ${JSON.stringify(asked)}`,
    );
  }
  const limitText = query?.limit ?? String(DEFAULT_BREACH_LIMIT);
  const limit = Number(limitText);
  if (!/^\d{1,5}$/.test(limitText) || limit < 1 || limit > MAX_BREACH_LIMIT) {
    throw new ExchangeRefusal(
      400,
      'bad-parameter',
      `limit must be a whole number from 1 to ${MAX_BREACH_LIMIT}, got ${JSON.stringify(limitText)}`,
    );
  }
  return { partitions: asked ? [asked] : [...allowed], limit };
}
