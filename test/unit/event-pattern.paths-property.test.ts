/**
 * The matcher walks the event once along a trie of the pattern's paths and
 * decides `$or`s on a stack of its own. This compares it with the plain
 * recursive reading of EventBridge's rules (the matcher's design before issue 9),
 * on random small patterns and events: keys with dots on either side, arrays at
 * any depth, nested `$or`s, `exists` both ways.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompiledPattern, compilePattern, InvalidEventPatternError } from '../../infra/local/event-pattern.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Leaves at a path: arrays stand for their elements; an event key "a.b" stands for a → b. */
function referenceLeaves(value: unknown, segments: readonly string[], index: number): unknown[] {
  if (Array.isArray(value)) return value.flatMap((element) => referenceLeaves(element, segments, index));
  if (index === segments.length) return isObject(value) ? [] : [value];
  if (!isObject(value)) return [];
  const found: unknown[] = [];
  for (let end = index + 1; end <= segments.length; end++) {
    const key = segments.slice(index, end).join('.');
    if (Object.hasOwn(value, key)) found.push(...referenceLeaves(value[key], segments, end));
  }
  return found;
}

function referenceMatches(pattern: Record<string, unknown>, event: unknown, prefix: readonly string[] = []): boolean {
  return Object.entries(pattern).every(([key, value]) => {
    if (key === '$or')
      return (value as Record<string, unknown>[]).some((branch) => referenceMatches(branch, event, prefix));
    const segments = [...prefix, ...key.split('.')];
    if (!Array.isArray(value)) return referenceMatches(value as Record<string, unknown>, event, segments);
    const leaves = referenceLeaves(event, segments, 0);
    return value.some((alternative) =>
      isObject(alternative) ? alternative.exists === leaves.length > 0 : leaves.includes(alternative),
    );
  });
}

const KEYS = ['a', 'b', 'a.b', 'b.a', 'a.a'];
const LITERALS = [1, 2, 'x', null, true];

const { event } = fc.letrec<{ event: Json }>((tie) => ({
  event: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...LITERALS),
    fc.array(tie('event'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('event'), { maxKeys: 3 }),
  ),
}));

const { node } = fc.letrec<{ node: Record<string, unknown>; field: unknown }>((tie) => ({
  field: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.array(fc.oneof(fc.constantFrom(...LITERALS), fc.constantFrom({ exists: true }, { exists: false })), {
      minLength: 1,
      maxLength: 3,
    }),
    tie('node'),
  ),
  node: fc
    .tuple(
      fc.dictionary(fc.constantFrom(...KEYS), tie('field'), { maxKeys: 3 }),
      fc.option(fc.array(tie('node'), { minLength: 2, maxLength: 3 }), { freq: 3, depthSize: 'small' }),
    )
    .map(([fields, or]) => (or ? { ...fields, $or: or } : fields)),
}));

describe('pattern paths agree with the recursive reading of the rules', () => {
  it('on random patterns and events', () => {
    fc.assert(
      fc.property(node, fc.array(event, { minLength: 1, maxLength: 4 }), (pattern, events) => {
        let compiled: CompiledPattern;
        try {
          compiled = compilePattern(pattern);
        } catch (error) {
          // Only a pattern with nothing to test at its root is refused here.
          expect(error).toEqual(new InvalidEventPatternError('Empty objects are not allowed'));
          return;
        }
        for (const e of events) expect(compiled.matches(e)).toBe(referenceMatches(pattern, e));
      }),
      { numRuns: 3_000 },
    );
  }, 30_000); // CPU-bound: about 2 s alone, several times that beside other suites on two cores
});
