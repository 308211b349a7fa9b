/**
 * The linear wildcard matcher against a reference that is slow but obviously
 * right: dynamic programming over (pattern position, value position), on short
 * random patterns and values with escaped stars and backslashes, accents and
 * characters outside the BMP. Validation is checked on the same patterns: AWS's
 * messages for `**` and for more than five stars, exactly as before the rewrite.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, InvalidEventPatternError } from '../../infra/local/event-pattern.ts';

const STAR = Symbol('star');
type Token = string | typeof STAR;

/**
 * The pattern as code units and stars; `\*` and `\\` escape (aws/event-ruler README), any other backslash is itself.
 */
function referenceTokens(raw: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\' && (raw[i + 1] === '*' || raw[i + 1] === '\\')) tokens.push(raw[++i]!);
    else tokens.push(raw[i] === '*' ? STAR : raw[i]!);
  }
  return tokens;
}

/** reach[j]: the first i tokens can produce the first j code units of the value. */
function referenceMatches(raw: string, value: string): boolean {
  let reach = Array.from({ length: value.length + 1 }, (_, j) => j === 0);
  for (const token of referenceTokens(raw)) {
    const next = Array.from({ length: value.length + 1 }, () => false);
    for (let j = 0; j <= value.length; j++) {
      if (token === STAR) next[j] = reach[j]! || (j > 0 && next[j - 1]!);
      else next[j] = j > 0 && reach[j - 1]! && value[j - 1] === token;
    }
    reach = next;
  }
  return reach[value.length]!;
}

/** AWS's refusals, as the matcher has always given them (the raw text counts, escaped or not). */
function expectedRefusal(raw: string): string | undefined {
  if (raw.includes('**')) return `Consecutive wildcard characters at pos ${raw.indexOf('**') + 1}`;
  if (raw.split('*').length - 1 > 5)
    return (
      'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a ' +
      'wildcard character'
    );
  return undefined;
}

const PATTERN_PARTS = ['a', 'b', 'é', '😀', '.', '?', '*', '\\*', '\\\\', '\\'];
const VALUE_UNITS = ['a', 'b', 'é', '😀', '.', '?', '*', '\\'];
const rawPattern = fc.array(fc.constantFrom(...PATTERN_PARTS), { maxLength: 10 }).map((parts) => parts.join(''));
const value = fc.string({ unit: fc.constantFrom(...VALUE_UNITS), maxLength: 12 });
const RUNS = { numRuns: 3_000 };

const wildcard = (raw: string) => compilePattern({ detail: { v: [{ wildcard: raw }] } });
const anythingBut = (raw: string) => compilePattern({ detail: { v: [{ 'anything-but': { wildcard: raw } }] } });
const event = (v: unknown) => ({ detail: { v } });

describe('wildcard matching agrees with a dynamic-programming reference', () => {
  it('on random patterns and values, refusing the same patterns AWS refuses', () => {
    fc.assert(
      fc.property(rawPattern, value, (raw, v) => {
        const refusal = expectedRefusal(raw);
        if (refusal) {
          expect(() => wildcard(raw)).toThrow(new InvalidEventPatternError(refusal));
          return;
        }
        expect(wildcard(raw).matches(event(v))).toBe(referenceMatches(raw, v));
      }),
      RUNS,
    );
  });

  it('on values made from the pattern itself (so most of them match)', () => {
    // Literal parts only, so the escapes cannot run into each other; each star is filled with a random string.
    const part = fc.oneof(
      fc
        .constantFrom('a', 'b', 'é', '😀', '\\*', '\\\\')
        .map((raw) => ({ raw, fill: fc.constant(raw.startsWith('\\') ? raw.slice(1) : raw) })),
      fc.constant({ raw: '*', fill: value }),
    );
    const instance = fc
      .array(part, { maxLength: 9 })
      .filter((parts) => !expectedRefusal(parts.map((p) => p.raw).join('')))
      .chain((parts) =>
        fc.tuple(
          fc.constant(parts.map((p) => p.raw).join('')),
          fc.tuple(...parts.map((p) => p.fill)).map((fills) => fills.join('')),
        ),
      );
    fc.assert(
      fc.property(instance, value, ([raw, made], other) => {
        expect(referenceMatches(raw, made)).toBe(true);
        expect(wildcard(raw).matches(event(made))).toBe(true);
        expect(wildcard(raw).matches(event(other))).toBe(referenceMatches(raw, other));
      }),
      RUNS,
    );
  });

  it('anything-but is the exact complement on strings', () => {
    fc.assert(
      fc.property(
        rawPattern.filter((raw) => !expectedRefusal(raw)),
        value,
        (raw, v) => {
          expect(anythingBut(raw).matches(event(v))).toBe(!referenceMatches(raw, v));
        },
      ),
      RUNS,
    );
  });

  it('an array of values matches when any element does', () => {
    fc.assert(
      fc.property(
        rawPattern.filter((raw) => !expectedRefusal(raw)),
        fc.array(value, { maxLength: 4 }),
        (raw, values) => {
          expect(wildcard(raw).matches(event(values))).toBe(values.some((v) => referenceMatches(raw, v)));
        },
      ),
      RUNS,
    );
  });
});
