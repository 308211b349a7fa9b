/**
 * Topologies the benches run the local cloud with, cut down from the platform's own. The stack still has to
 * synthesize from them: the exchange log keeps its owning subscription, and a command API goes with the
 * subscription that keeps its system's registry (checkTopology refuses one without the other).
 */
import { TOPOLOGY, type Topology } from '../infra/topology.ts';

/** The delivery pipeline alone: the exchange log's subscription, no registries, views or command APIs. */
export const EXCHANGE_LOG_ONLY: Topology = {
  ...TOPOLOGY,
  subscriptions: TOPOLOGY.subscriptions.filter((s) => s.name === 'exchange-log'),
  commandApis: [],
};
