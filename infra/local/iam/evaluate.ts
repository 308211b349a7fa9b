/**
 * AWS's policy evaluation for a request within one account, identity-based and resource-based policies only
 * (no SCPs, permission boundaries or session policies: the stack has none).
 *
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html:
 * an explicit Deny in any applicable policy wins; otherwise an Allow in either the identity-based or the
 * resource-based policy allows (same account: "If either the identity-based policy or the resource-based policy
 * within the same account allows the request and the other doesn't, the request is still allowed",
 * reference_policies_evaluation-logic_policy-eval-basics.html); otherwise the request is implicitly denied.
 */
import { type ConditionContext, conditionHolds } from './conditions.ts';
import { compileActionPattern, compileArnPattern, type SplitArn, splitArn } from './matching.ts';
import type { Policy, PrincipalSpec, Statement } from './policy.ts';

/** Who asks, as a resource policy's `Principal` sees them. */
export type RequestPrincipal =
  /** An IAM role's session: `arn` is the assumed-role ARN, `roleArn` the role's own. */
  | { readonly kind: 'role'; readonly arn: string; readonly roleArn: string; readonly account: string }
  | { readonly kind: 'service'; readonly service: string };

export interface AuthorizationRequest {
  /** `service:Operation`, e.g. `dynamodb:PutItem`. */
  readonly action: string;
  readonly resource: string;
  /** Condition keys, lower-cased; `aws:SecureTransport` etc. are added by the caller. */
  readonly context: ConditionContext;
}

export type Decision =
  | { readonly effect: 'allow'; readonly by: 'identity' | 'resource' }
  | {
      readonly effect: 'explicit-deny';
      readonly by: 'identity' | 'resource';
      readonly policy: string;
      readonly sid?: string;
      readonly unsupported?: string;
    }
  | { readonly effect: 'implicit-deny'; readonly unsupported?: readonly string[] };

/** A statement's patterns, compiled the first time it is evaluated (policies are immutable once read). */
interface Compiled {
  readonly action?: readonly ((action: string) => boolean)[];
  readonly notAction?: readonly ((action: string) => boolean)[];
  readonly resource?: readonly ((arn: SplitArn) => boolean)[];
  readonly notResource?: readonly ((arn: SplitArn) => boolean)[];
}

const compiledStatements = new WeakMap<Statement, Compiled>();

function compiled(statement: Statement): Compiled {
  let c = compiledStatements.get(statement);
  if (!c) {
    c = {
      ...(statement.action ? { action: statement.action.map(compileActionPattern) } : {}),
      ...(statement.notAction ? { notAction: statement.notAction.map(compileActionPattern) } : {}),
      ...(statement.resource ? { resource: statement.resource.map(compileArnPattern) } : {}),
      ...(statement.notResource ? { notResource: statement.notResource.map(compileArnPattern) } : {}),
    };
    compiledStatements.set(statement, c);
  }
  return c;
}

/** The request with its action lower-cased and its resource split, once for all statements. */
interface Prepared {
  readonly action: string;
  readonly resource: SplitArn;
}

/** Does a resource policy's `Principal` name this caller? An account root or `*` names every principal of it. */
function principalNamed(spec: PrincipalSpec, who: RequestPrincipal): boolean {
  // `"AWS": "*"` names every principal, as `"*"` does (the queue policies' TLS Deny is written that way).
  if (spec === '*' || (spec.AWS ?? []).includes('*')) return true;
  if (who.kind === 'service') return (spec.Service ?? []).includes(who.service);
  return (spec.AWS ?? []).some(
    (id) =>
      id === '*' ||
      id === who.arn ||
      id === who.roleArn ||
      id === who.account ||
      id.endsWith(`:iam::${who.account}:root`),
  );
}

/**
 * Whether a statement applies to the request. Resource policies name principals; a principal named as the whole
 * account (`…:root`) delegates to the account's identity policies rather than granting, so for an Allow only a
 * principal named directly counts.
 */
function applies(
  statement: Statement,
  request: AuthorizationRequest,
  prepared: Prepared,
  who: RequestPrincipal | undefined,
): { applies: boolean; unsupported?: string } {
  const c = compiled(statement);
  if (c.action && !c.action.some((m) => m(prepared.action))) return { applies: false };
  if (c.notAction?.some((m) => m(prepared.action))) return { applies: false };
  if (c.resource && !c.resource.some((m) => m(prepared.resource))) return { applies: false };
  if (c.notResource?.some((m) => m(prepared.resource))) return { applies: false };
  if (who) {
    if (statement.principal) {
      if (!principalNamed(statement.principal, who)) return { applies: false };
      const delegatesOnly =
        statement.effect === 'Allow' &&
        who.kind === 'role' &&
        statement.principal !== '*' &&
        !(statement.principal.AWS ?? []).some((id) => id === '*' || id === who.arn || id === who.roleArn);
      if (delegatesOnly) return { applies: false };
    }
    if (statement.notPrincipal && principalNamed(statement.notPrincipal, who)) return { applies: false };
    if (!statement.principal && !statement.notPrincipal) return { applies: false };
  }
  const outcome = conditionHolds(statement.condition, request.context);
  if (outcome.holds) return { applies: true };
  // An operator we cannot evaluate fails closed: an Allow does not apply, a Deny does.
  if (outcome.unsupported) return { applies: statement.effect === 'Deny', unsupported: outcome.unsupported };
  return { applies: false };
}

/**
 * Evaluates a request against the caller's identity policies and the target's resource policies. `who` is needed
 * only when `resourcePolicies` is non-empty.
 */
export function evaluate(
  request: AuthorizationRequest,
  identityPolicies: readonly Policy[],
  resourcePolicies: readonly Policy[] = [],
  who?: RequestPrincipal,
): Decision {
  let allowedBy: 'identity' | 'resource' | undefined;
  const unsupported: string[] = [];
  const prepared: Prepared = { action: request.action.toLowerCase(), resource: splitArn(request.resource) };
  const sources: [readonly Policy[], 'identity' | 'resource'][] = [
    [identityPolicies, 'identity'],
    [resourcePolicies, 'resource'],
  ];
  for (const [policies, by] of sources) {
    if (by === 'resource' && policies.length > 0 && !who) throw new Error('a resource policy needs the caller');
    for (const policy of policies) {
      for (const statement of policy.statements) {
        const result = applies(statement, request, prepared, by === 'resource' ? who : undefined);
        if (result.unsupported) unsupported.push(result.unsupported);
        if (!result.applies) continue;
        if (statement.effect === 'Deny') {
          return {
            effect: 'explicit-deny',
            by,
            policy: policy.name,
            ...(statement.sid ? { sid: statement.sid } : {}),
            ...(result.unsupported ? { unsupported: result.unsupported } : {}),
          };
        }
        allowedBy ??= by;
      }
    }
  }
  if (allowedBy) return { effect: 'allow', by: allowedBy };
  return { effect: 'implicit-deny', ...(unsupported.length ? { unsupported } : {}) };
}
