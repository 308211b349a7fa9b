/**
 * The exchange API function's configuration (one environment variable,
 * EXCHANGE_API_CONFIG): which queues each subscription has, which IAM role is
 * which caller, and what each caller may see. The CDK app writes it from the
 * topology with the scoping rules of ./scope.ts; the function only reads it.
 * Lambda allows 4 KB of environment in all, so it is kept compact: queue
 * names (not URLs) under one URL prefix, scopes decided once per caller.
 */
import * as z from '../../schemas/zod.ts';
import { MINISTRIES, type Ministry } from '../domain/ministries.ts';
import { breachPartitionsFor, type Caller, queueScope, type ScopeTopology } from './scope.ts';

export const CONFIG_ENV = 'EXCHANGE_API_CONFIG';

/** `platform`, `operator:<ministry>` or `agency:<ministry>`: how the configuration names a caller. */
export type CallerKey = 'platform' | `operator:${Ministry}` | `agency:${Ministry}`;

const ministry = z.enum(MINISTRIES as [Ministry, ...Ministry[]]);
const callerKey = z.union([
  z.literal('platform'),
  z.templateLiteral(['operator:', ministry]),
  z.templateLiteral(['agency:', ministry]),
]);
const name = z.string().check(z.minLength(1), z.maxLength(256));

export const ExchangeApiConfig = z.object({
  /** `https://sqs.<region>.<suffix>/<account>/`: a queue's URL is this and its name. */
  queueUrlPrefix: z.string().check(z.minLength(1)),
  /** Per subscription, in topology order: [queue name, dead-letter queue name]. */
  queues: z.record(name, z.tuple([name, name])),
  /**
   * The subscription every accepted event reaches (the exchange log's): its queue's arrivals are the exchange's events.
   */
  logSubscription: name,
  /** The exchange log table, whose sparse `breaches` index lists contract breaches. */
  breachesTable: name,
  /** IAM role name → the caller it is. */
  roles: z.record(name, callerKey),
  /** What each caller may see: its subscriptions' queues and its breaches partitions. */
  scopes: z.partialRecord(callerKey, z.object({ subscriptions: z.array(name), breaches: z.array(name) })),
});
export type ExchangeApiConfig = z.infer<typeof ExchangeApiConfig>;

export function parseConfig(text: string | undefined): ExchangeApiConfig {
  if (!text) throw new Error(`missing required environment variable ${CONFIG_ENV}`);
  const parsed = ExchangeApiConfig.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(
      `${CONFIG_ENV} is not a valid configuration: ` +
        `${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  for (const subscription of [
    parsed.data.logSubscription,
    ...Object.values(parsed.data.scopes).flatMap((s) => s.subscriptions),
  ]) {
    if (!parsed.data.queues[subscription])
      throw new Error(`${CONFIG_ENV} names subscription ${subscription}, which has no queues`);
  }
  return parsed.data;
}

export function callerKeyOf(caller: Caller): CallerKey {
  return caller.kind === 'platform'
    ? 'platform'
    : caller.kind === 'operator'
      ? `operator:${caller.ministry}`
      : `agency:${caller.id}`;
}

/** The caller a configured key names; an agency's sources are its breaches partitions. */
export function callerOfKey(key: CallerKey, config: Pick<ExchangeApiConfig, 'scopes'>): Caller {
  if (key === 'platform') return { kind: 'platform' };
  const [kind, id] = key.split(':') as ['operator' | 'agency', Ministry];
  return kind === 'operator' ? { kind, ministry: id } : { kind, id, sources: config.scopes[key]?.breaches ?? [] };
}

/** Each caller's scope, decided by the same rules the local cloud applies per request. */
export function scopesFor(topology: ScopeTopology, callers: readonly Caller[]): ExchangeApiConfig['scopes'] {
  return Object.fromEntries(
    callers.map((caller) => [
      callerKeyOf(caller),
      {
        subscriptions: [...queueScope(topology, caller).subscriptions],
        breaches: breachPartitionsFor(topology, caller),
      },
    ]),
  );
}

export { roleNameOf } from '../lib/role-name.ts';
