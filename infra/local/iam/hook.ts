/**
 * The local cloud's side of the hook: its principals (who signed, or which in-process client asked) as IAM
 * callers, and one check per request that either returns (with any PutEvents entries refused) or throws the
 * refusal as an {@link AwsError} the dispatch path already knows how to send.
 *
 * Wiring (once the cloud materialises the template and gives each function its role's keys):
 * - `dispatch`: after authentication and the body-depth check, `iam.checkTarget(principal, target, body, how)`;
 *   a request's permissions grow with its entries and items, so the service's own limits (10 PutEvents entries,
 *   25 batch writes, 100 transaction items) are best checked first, as AWS also validates before authorizing;
 *   for PutEvents, pass the returned `refusedEntries` to EventBridge so those entries fail alone;
 * - `rest-api.ts`: before a route's handler, `iam.checkInvoke(principal, apiId, stage, method, path)`;
 * - `sqs-query-server.ts`: `iam.check(principal, { service: 'sqs', operation: Action, body: params }, how)`.
 */
import type { Principal } from '../credentials.ts';
import type { Caller, EntryRefusal, ServiceCall, StackAuthorizer } from './authorize.ts';
import { secureTransport } from './authorize.ts';
import { refusalError, serviceCallOf } from './wire.ts';

/** A principal of the local cloud, or a function's role session (what the per-function keys will map to). */
export type CloudPrincipal = Principal | { readonly kind: 'role'; readonly role: string; readonly session: string };

export interface Transport {
  readonly inProcess: boolean;
  readonly tls?: boolean;
  readonly remoteAddress?: string;
}

export class LocalIam {
  constructor(readonly authorizer: StackAuthorizer) {}

  /**
   * Agencies act as their publisher roles and operators as their operator roles, as the template pairs them
   * (`AGENCY_ROLES` / `OPERATOR_ROLES`); a ministry the template gives no role is a role with no policies, refused
   * everything. The platform's admin key is the account administrator.
   */
  callerOf(principal: CloudPrincipal): Caller {
    switch (principal.kind) {
      case 'platform':
        return { kind: 'account-admin' };
      case 'role':
        return principal;
      case 'agency':
        return {
          kind: 'role',
          role: this.authorizer.agencyRole(principal.id) ?? `agency-${principal.id}`,
          session: principal.id,
        };
      case 'operator': {
        const role = this.authorizer.operatorRole(principal.ministry) ?? `operator-${principal.ministry}`;
        return { kind: 'role', role, session: principal.ministry };
      }
    }
  }

  /** Authorizes a call; throws the refusal. Returns the PutEvents entries refused on their own. */
  check(principal: CloudPrincipal, call: ServiceCall, how: Transport): readonly EntryRefusal[] {
    const verdict = this.authorizer.authorize(this.callerOf(principal), call, secureTransport(how));
    if (!verdict.allowed) throw refusalError(verdict.refusal);
    return verdict.refusedEntries;
  }

  /** For an `X-Amz-Target` JSON request; a target no service answers is left to the dispatch's own refusal. */
  checkTarget(principal: CloudPrincipal, target: string, body: Buffer, how: Transport): readonly EntryRefusal[] {
    const call = serviceCallOf(target, body);
    return call ? this.check(principal, call, how) : [];
  }

  /** `execute-api:Invoke` for a REST API request; `url` may carry a query string, which the ARN leaves out. */
  checkInvoke(
    principal: CloudPrincipal,
    api: { apiId: string; stage: string },
    method: string,
    url: string,
    how: Transport,
  ): void {
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    this.check(principal, { service: 'execute-api', ...api, method, path }, how);
  }
}
