/**
 * IAM policy documents as the evaluator reads them: every element that may be a string or a list is a list,
 * intrinsics are already resolved, condition keys are lower-cased (AWS compares them case-insensitively:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
 */

export type Effect = 'Allow' | 'Deny';

/** `Principal` of a resource-based policy: `*`, or principals per kind (`AWS`, `Service`, `Federated`). */
export type PrincipalSpec = '*' | Readonly<Record<string, readonly string[]>>;

export interface Statement {
  readonly sid?: string;
  readonly effect: Effect;
  /** Exactly one of `action` / `notAction`. */
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  /** Identity policies name resources; a resource policy's statement may omit them (its resource is implied). */
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly principal?: PrincipalSpec;
  readonly notPrincipal?: PrincipalSpec;
  /** operator → lower-cased key → values (OR-ed); operators and keys AND-ed. */
  readonly condition?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export interface Policy {
  /** Where it came from, for refusals and tests: `<logical id>` or `<logical id>/<policy name>`. */
  readonly name: string;
  readonly statements: readonly Statement[];
}

export class PolicyFormatError extends Error {
  override readonly name = 'PolicyFormatError';
}

const list = (value: unknown, resolve: (v: unknown) => string): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(resolve);

function principalSpec(value: unknown, resolve: (v: unknown) => string): PrincipalSpec | undefined {
  if (value === undefined) return undefined;
  if (value === '*') return '*';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PolicyFormatError(`Principal must be "*" or an object, not ${JSON.stringify(value)}`);
  }
  return Object.fromEntries(Object.entries(value).map(([kind, ids]) => [kind, list(ids, resolve)]));
}

/** Reads one policy document (the template's `PolicyDocument`), resolving intrinsics with `resolve`. */
export function readPolicy(name: string, document: unknown, resolve: (v: unknown) => string): Policy {
  const raw = (document as { Statement?: unknown } | undefined)?.Statement;
  if (raw === undefined) throw new PolicyFormatError(`${name}: the policy document has no Statement`);
  return {
    name,
    statements: (Array.isArray(raw) ? raw : [raw]).map((s, i) => readStatement(`${name}[${i}]`, s, resolve)),
  };
}

/**
 * A value the resolver cannot resolve (an intrinsic or resource type it does not know) must not make a grant
 * broader: an Allow keeps it as text no request carries, so it grants nothing; a Deny is read as applying to every
 * resource and without conditions, so it refuses more rather than less. Either way the statement names the value.
 */
export const UNRESOLVED_PREFIX = 'unresolved:';

export function readStatement(where: string, raw: unknown, resolve: (v: unknown) => string): Statement {
  if (typeof raw !== 'object' || raw === null) throw new PolicyFormatError(`${where}: a statement must be an object`);
  const s = raw as Record<string, unknown>;
  let unresolved = false;
  const original = resolve;
  resolve = (value) => {
    try {
      return original(value);
    } catch {
      unresolved = true;
      return `${UNRESOLVED_PREFIX}${JSON.stringify(value)}`;
    }
  };
  const statement = readResolvedStatement(where, s, resolve);
  if (!unresolved || statement.effect === 'Allow') return statement;
  const { condition: _condition, resource: _resource, notResource: _notResource, ...rest } = statement;
  return { ...rest, resource: ['*'] };
}

function readResolvedStatement(where: string, s: Record<string, unknown>, resolve: (v: unknown) => string): Statement {
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny')
    throw new PolicyFormatError(`${where}: Effect must be Allow or Deny`);
  if ((s.Action === undefined) === (s.NotAction === undefined)) {
    throw new PolicyFormatError(`${where}: give exactly one of Action and NotAction`);
  }
  if (s.Resource !== undefined && s.NotResource !== undefined) {
    throw new PolicyFormatError(`${where}: give at most one of Resource and NotResource`);
  }
  const condition =
    s.Condition === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(s.Condition as Record<string, Record<string, unknown>>).map(([operator, keys]) => [
            operator,
            Object.fromEntries(Object.entries(keys).map(([key, values]) => [key.toLowerCase(), list(values, resolve)])),
          ]),
        );
  return {
    ...(typeof s.Sid === 'string' ? { sid: s.Sid } : {}),
    effect: s.Effect,
    ...(s.Action !== undefined ? { action: list(s.Action, resolve) } : { notAction: list(s.NotAction, resolve) }),
    ...(s.Resource !== undefined ? { resource: list(s.Resource, resolve) } : {}),
    ...(s.NotResource !== undefined ? { notResource: list(s.NotResource, resolve) } : {}),
    ...(s.Principal !== undefined ? { principal: principalSpec(s.Principal, resolve)! } : {}),
    ...(s.NotPrincipal !== undefined ? { notPrincipal: principalSpec(s.NotPrincipal, resolve)! } : {}),
    ...(condition ? { condition } : {}),
  };
}
