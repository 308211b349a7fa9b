/**
 * Topologies the chaos scenarios run the local cloud with: the platform's
 * own, changed only where a scenario says why.
 */
import { DEFAULT_DELIVERY, TOPOLOGY, type Topology } from '../../infra/topology.ts';

/**
 * The platform without the systems' reactions (a deportation revoking
 * permits, a qandas status registering residence). A reaction depends on
 * what its registry held when the cause arrived — a deportation delivered
 * before the permit it should end finds nothing to revoke — so arrival order
 * legitimately changes which reaction events exist. R2 measures delivery
 * (duplicates, order), not that domain rule: it publishes the reactions an
 * ordered run of the systems produced as events of their own, and every
 * projection (registries and views) still folds everything it receives.
 */
export const WITHOUT_REACTIONS: Topology = {
  ...TOPOLOGY,
  subscriptions: TOPOLOGY.subscriptions.map((sub) => {
    if (!sub.environment?.REACTIONS) return sub;
    const { REACTIONS: _reactions, ...environment } = sub.environment;
    return { ...sub, environment };
  }),
};

export const PROBE_SUBSCRIPTION = 'chaos-probe';
export const PROBE_TABLE = 'ChaosProbe';
/** Receives before the probe's poison is parked: few, so a burst's poison is parked quickly. */
export const PROBE_MAX_RECEIVES = 3;

/**
 * The platform plus a probe subscription (test/fixtures/poison-probe-handler.ts)
 * receiving every event the chaos generator publishes. It fails exactly the
 * events it is told are poison, each with its own reason, and stores the
 * rest: a schema-valid event that a handler cannot apply, which is what
 * dead-lettering, per-message attribution and redrive are for.
 */
export const WITH_PROBE: Topology = {
  ...TOPOLOGY,
  tables: [
    ...TOPOLOGY.tables,
    { id: PROBE_TABLE, description: 'chaos bench: events the probe applied', partitionKey: { name: 'id', type: 'S' } },
  ],
  subscriptions: [
    ...TOPOLOGY.subscriptions,
    {
      name: PROBE_SUBSCRIPTION,
      description: 'Chaos bench: applies every event it receives, except those it is told are poison.',
      pattern: {
        source: [
          'kz.foreign-affairs.berkut',
          'kz.border-service.berkut',
          'kz.interior.berkut',
          'kz.labour.foreign-labour',
        ],
      },
      handler: 'test/fixtures/poison-probe-handler.ts',
      table: PROBE_TABLE,
      legalBasis: { act: 'none: a test subscription', article: 'none' },
      purpose: 'Measure how poison messages are parked and redriven.',
      delivery: { ...DEFAULT_DELIVERY, batchSize: 10, maxReceiveCount: PROBE_MAX_RECEIVES },
    },
  ],
};
