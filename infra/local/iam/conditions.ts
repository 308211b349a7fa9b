/**
 * The condition operators a policy in this stack may use, evaluated as IAM documents them
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html and
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/
 *   reference_policies_condition-single-vs-multi-valued-context-keys.html
 * ):
 *
 * - several values for one key are OR-ed; several keys, and several operators, are AND-ed;
 * - a key absent from the request makes a positive operator false and a negated one (`StringNotEquals`, …) true;
 *   `…IfExists` makes an absent key true;
 * - `ForAllValues:` is true when every request value matches some policy value — vacuously so when the key is
 *   absent or empty; `ForAnyValue:` when at least one does (false when absent);
 * - an operator this module does not know makes the condition fail closed and is reported by name.
 */
import { arnMatches, iamPattern } from './matching.ts';

/** Request context: lower-cased key → one value or a set of values. */
export type ConditionContext = Readonly<Record<string, string | readonly string[]>>;

export type ConditionOutcome = { readonly holds: true } | { readonly holds: false; readonly unsupported?: string };

type Compare = (policyValue: string, requestValue: string) => boolean;

const BASE: Readonly<Record<string, { compare: Compare; negated: boolean }>> = {
  StringEquals: { compare: (p, r) => p === r, negated: false },
  StringNotEquals: { compare: (p, r) => p === r, negated: true },
  StringEqualsIgnoreCase: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: true },
  StringLike: { compare: (p, r) => iamPattern(p).matches(r), negated: false },
  StringNotLike: { compare: (p, r) => iamPattern(p).matches(r), negated: true },
  // ArnEquals accepts the same wildcards as ArnLike (the operators page lists them together).
  ArnEquals: { compare: arnMatches, negated: false },
  ArnLike: { compare: arnMatches, negated: false },
  ArnNotEquals: { compare: arnMatches, negated: true },
  ArnNotLike: { compare: arnMatches, negated: true },
  Bool: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
};

function parse(operator: string): { base: string; set?: 'ForAllValues' | 'ForAnyValue'; ifExists: boolean } {
  let rest = operator;
  let set: 'ForAllValues' | 'ForAnyValue' | undefined;
  for (const prefix of ['ForAllValues', 'ForAnyValue'] as const) {
    if (rest.startsWith(`${prefix}:`)) {
      set = prefix;
      rest = rest.slice(prefix.length + 1);
    }
  }
  const ifExists = rest.endsWith('IfExists');
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  return { base: rest, ...(set ? { set } : {}), ifExists };
}

/** Own properties only: a key named like an Object.prototype member is absent, not a function. */
const contextValue = (context: ConditionContext, key: string) =>
  Object.hasOwn(context, key) ? context[key] : undefined;

/** One operator block (`{ "StringEquals": { "events:source": [...] } }`'s value) against the request. */
function operatorHolds(operator: string, keys: Readonly<Record<string, readonly string[]>>, context: ConditionContext) {
  const { base, set, ifExists } = parse(operator);
  if (base === 'Null') {
    return Object.entries(keys).every(([key, values]) => {
      const value = contextValue(context, key);
      const absent = value === undefined || (Array.isArray(value) && value.length === 0);
      return values.some((v) => (v.toLowerCase() === 'true') === absent);
    });
  }
  const known = BASE[base];
  if (!known) return undefined;
  return Object.entries(keys).every(([key, policyValues]) => {
    const raw = contextValue(context, key);
    const requestValues = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
    const matchesSome = (r: string) => policyValues.some((p) => known.compare(p, r));
    if (set === 'ForAllValues') {
      return requestValues.every((r) => (known.negated ? !matchesSome(r) : matchesSome(r)));
    }
    if (set === 'ForAnyValue') {
      return requestValues.some((r) => (known.negated ? !matchesSome(r) : matchesSome(r)));
    }
    if (raw === undefined) return ifExists || known.negated;
    // A single-valued operator over a set-valued key: true when some request value satisfies it.
    return requestValues.some((r) => (known.negated ? !matchesSome(r) : matchesSome(r)));
  });
}

export function conditionHolds(
  condition: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> | undefined,
  context: ConditionContext,
): ConditionOutcome {
  if (!condition) return { holds: true };
  for (const [operator, keys] of Object.entries(condition)) {
    const holds = operatorHolds(operator, keys, context);
    if (holds === undefined) return { holds: false, unsupported: operator };
    if (!holds) return { holds: false };
  }
  return { holds: true };
}
