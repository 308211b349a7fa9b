/**
 * GET /api/whoami: who the signed caller is — a ministry's operator, an
 * agency, or neither — so the console lets the keys decide the ministry
 * instead of asking for one. A pure function of the caller's IAM ARN (what
 * API Gateway's IAM authorisation puts in `requestContext.identity.userArn`)
 * and the role names the deployment gave each operator and agency role, so
 * the local cloud's built-in route and a Lambda on AWS (whoami-handler.ts)
 * answer the same. It tells callers only about themselves.
 */
import type { Ministry } from '../../infra/topology.ts';

/** IAM role name → ministry, per kind of role (on AWS the names CDK generated; locally mx-operator-<m>, mx-agency-<a>). */
export interface RoleDirectory {
  readonly operators: Readonly<Record<string, Ministry>>;
  readonly agencies: Readonly<Record<string, Ministry>>;
}

export type Caller =
  | { readonly kind: 'operator'; readonly ministry: Ministry; readonly arn: string }
  | { readonly kind: 'agency'; readonly ministry: Ministry; readonly arn: string }
  | { readonly kind: 'unknown'; readonly arn: string };

/**
 * The role an ARN acts as: `arn:aws:sts::<account>:assumed-role/<role>/<session>`
 * (temporary credentials, the usual case) or `arn:aws:iam::<account>:role/<path/><role>`.
 */
export function roleNameOf(arn: string): string | undefined {
  const assumed = /^arn:aws[a-z-]*:sts::\d*:assumed-role\/([^/]+)\/[^/]*$/.exec(arn);
  if (assumed) return assumed[1];
  const role = /^arn:aws[a-z-]*:iam::\d*:role\/(?:[^/]+\/)*([^/]+)$/.exec(arn);
  return role?.[1];
}

export function whoami(arn: string | null | undefined, roles: RoleDirectory): Caller {
  const caller = arn ?? '';
  const role = roleNameOf(caller);
  // Own-property lookups only: a role named "constructor" must not find Object.prototype's.
  if (role !== undefined && Object.hasOwn(roles.operators, role)) return { kind: 'operator', ministry: roles.operators[role]!, arn: caller };
  if (role !== undefined && Object.hasOwn(roles.agencies, role)) return { kind: 'agency', ministry: roles.agencies[role]!, arn: caller };
  return { kind: 'unknown', arn: caller };
}
