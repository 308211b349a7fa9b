/**
 * Which callers may invoke which of the REST API's methods, until the IAM
 * evaluator (infra/local/iam, another change) decides from the roles'
 * `execute-api:Invoke` grants in the template. Keyed by the template's
 * resource paths; a method the template gains and this does not know is
 * refused to everybody, naming the path, rather than opened.
 */
import { mayInspectQueues } from '../../functions/exchange-api/scope.ts';
import type { Topology } from '../topology.ts';
import type { Caller } from './authorize.ts';

export type Access = (caller: Caller) => true | string;

export function accessFor(topology: Topology, method: string, resource: string): Access {
  const command = /^\/commands\/([^/]+)$/.exec(resource);
  if (command) {
    const spec = topology.commandApis.find((c) => c.system === command[1]);
    if (spec) {
      return (p) =>
        p.kind === 'agency' && spec.agencies.includes(p.id)
          ? true
          : `${p.kind === 'agency' ? p.id : 'this caller'} may not issue ${spec.system} commands; ` +
            `${spec.system} serves ${spec.agencies.join(', ')}`;
    }
  }
  const view = /^\/api\/views\/([^/]+)\/\{resource\}$/.exec(resource);
  if (view) {
    const spec = topology.queryApis.find((q) => q.ministry === view[1]);
    if (spec)
      return (p) =>
        p.kind === 'operator' && p.ministry === spec.ministry
          ? true
          : `only ${spec.ministry} operators may read the ${spec.ministry} view`;
  }
  // Operators see and act on their own ministry's queues only; the platform on all (functions/exchange-api/scope.ts).
  if (['/api/exchange/health', '/api/exchange/dead-letters', '/api/exchange/dead-letters/redrive'].includes(resource))
    return mayInspectQueues;
  // The agency that sent them sees its own breaches; a ministry's operator those of its agency's sources;
  // the platform all.
  if (resource === '/api/exchange/breaches' || resource === '/api/whoami') return () => true;
  return () => `${method} ${resource} is granted to no local caller (infra/local/api-access.ts)`;
}
