/**
 * IAM's wildcard matching of actions, resources and `*Like` / `Arn*` condition values, without RegExp.
 *
 * IAM knows two metacharacters, `*` (any run, possibly empty) and `?` (exactly one character), and no escapes
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html, "Including wildcard
 * characters"). Patterns without `?` — every pattern this stack writes — go through EventBridge's linear-time
 * matcher (`../wildcard.ts`, KMP per piece) with their backslashes escaped, since that matcher reads `\*` as a
 * literal star and IAM does not. A pattern with `?` splits at its stars the same way; each piece (a fixed-length
 * template) is then found at its leftmost place by a scan costing at most |value| × |piece| comparisons. That is
 * not linear, but both sides are bounded by AWS's own limits (an ARN ≤ 2048 characters; an inline role policy ≤
 * 10,240), and the leftmost-place argument of `../wildcard.ts` holds unchanged for fixed-length pieces.
 */
import { compileWildcard, type Wildcard } from '../wildcard.ts';

function pieceAt(value: string, at: number, piece: string): boolean {
  if (at + piece.length > value.length) return false;
  for (let i = 0; i < piece.length; i++) {
    const c = piece.charCodeAt(i);
    if (c !== 63 /* ? */ && c !== value.charCodeAt(at + i)) return false;
  }
  return true;
}

function questionMarkGlob(pattern: string): Wildcard {
  const pieces = pattern.split('*');
  const head = pieces[0]!;
  if (pieces.length === 1) return { matches: (value) => value.length === head.length && pieceAt(value, 0, head) };
  const tail = pieces[pieces.length - 1]!;
  const middle = pieces.slice(1, -1);
  return {
    matches(value) {
      const end = value.length - tail.length;
      if (end < head.length || !pieceAt(value, 0, head) || !pieceAt(value, end, tail)) return false;
      let from = head.length;
      for (const piece of middle) {
        let at = from;
        while (at + piece.length <= end && !pieceAt(value, at, piece)) at++;
        if (at + piece.length > end) return false;
        from = at + piece.length;
      }
      return true;
    },
  };
}

const cache = new Map<string, Wildcard>();
const CACHE_LIMIT = 10_000;

/** A compiled IAM pattern; `ignoreCase` lower-cases the pattern (callers lower-case the value). */
export function iamPattern(pattern: string, ignoreCase = false): Wildcard {
  const text = ignoreCase ? pattern.toLowerCase() : pattern;
  const key = `${ignoreCase ? 'i' : 's'}${text}`;
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = text.includes('?') ? questionMarkGlob(text) : compileWildcard(text.replaceAll('\\', '\\\\'));
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, compiled);
  }
  return compiled;
}

/** `dynamodb:Get*` against `dynamodb:GetItem`: action names compare case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
  return iamPattern(pattern, true).matches(action.toLowerCase());
}

/**
 * An ARN pattern against an ARN. Each of the six colon-separated parts is matched on its own, the last one
 * keeping any further colons
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/
 * reference_policies_elements_condition_operators.html#Conditions_ARN:
 * "Each of the six colon-delimited components of the ARN is checked separately"). A lone `*` matches anything,
 * including values that are not ARNs.
 */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const want = arnParts(pattern);
  const have = arnParts(arn);
  if (!want || !have) return pattern === arn;
  for (let i = 0; i < 6; i++) if (!iamPattern(want[i]!).matches(have[i]!)) return false;
  return true;
}

function arnParts(arn: string): string[] | undefined {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(':', from);
    if (colon < 0) return undefined;
    parts.push(arn.slice(from, colon));
    from = colon + 1;
  }
  parts.push(arn.slice(from));
  return parts;
}

/** An ARN split once into its six parts, for matching against many compiled patterns. */
export interface SplitArn {
  readonly text: string;
  readonly parts: readonly string[] | undefined;
}

export const splitArn = (arn: string): SplitArn => ({ text: arn, parts: arnParts(arn) });

/** {@link arnMatches} with the pattern compiled once (statements are compiled when first evaluated). */
export function compileArnPattern(pattern: string): (arn: SplitArn) => boolean {
  if (pattern === '*') return () => true;
  const parts = arnParts(pattern);
  if (!parts) return (arn) => arn.text === pattern;
  const compiled = parts.map((part) => iamPattern(part));
  return (arn) => {
    if (!arn.parts) return false;
    for (let i = 0; i < 6; i++) if (!compiled[i]!.matches(arn.parts[i]!)) return false;
    return true;
  };
}

/** {@link actionMatches} compiled once; the caller lower-cases the action. */
export function compileActionPattern(pattern: string): (lowerCaseAction: string) => boolean {
  const compiled = iamPattern(pattern, true);
  return (action) => compiled.matches(action);
}
