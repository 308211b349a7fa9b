/**
 * GET /api/whoami: who the signed caller is — a ministry's operator, an
 * agency, or neither — so the console lets the keys decide the ministry
 * instead of asking for one. A pure function of the caller's IAM ARN (what
 * API Gateway's IAM authorisation puts in `requestContext.identity.userArn`)
 * and the role names the deployment gave each operator and agency role, so
 * the local cloud's built-in route and a Lambda on AWS (whoami-handler.ts)
 * answer the same. It tells callers only about themselves.
 */
import type { Ministry } from '../domain/ministries.ts';
import { roleEntry, roleNameOf } from '../lib/role-name.ts';

/**
 * IAM role name → ministry, per kind of role (on AWS the names CDK generated; locally mx-operator-<m>, mx-agency-<a>).
 */
export interface RoleDirectory {
  readonly operators: Readonly<Record<string, Ministry>>;
  readonly agencies: Readonly<Record<string, Ministry>>;
}

export type Caller =
  | { readonly kind: 'operator'; readonly ministry: Ministry; readonly arn: string }
  | { readonly kind: 'agency'; readonly ministry: Ministry; readonly arn: string }
  | { readonly kind: 'unknown'; readonly arn: string };

export { roleNameOf };

export function whoami(arn: string | null | undefined, roles: RoleDirectory): Caller {
  const caller = arn ?? '';
  const operator = roleEntry(caller, roles.operators);
  if (operator) return { kind: 'operator', ministry: operator, arn: caller };
  const agency = roleEntry(caller, roles.agencies);
  if (agency) return { kind: 'agency', ministry: agency, arn: caller };
  return { kind: 'unknown', arn: caller };
}
