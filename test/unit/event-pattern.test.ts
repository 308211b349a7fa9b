/**
 * The matcher beyond the AWS-recorded cases: nesting as deep as a caller cares
 * to send (issue 9, item 5: matching must not recurse without bound), dotted
 * keys across `$or` branches, and wildcard escapes as AWS's engine defines them.
 */
import { describe, expect, it } from 'vitest';
import { compilePattern, InvalidEventPatternError } from '../../infra/local/event-pattern.ts';

const DEPTH = 100_000;

/** `inner` wrapped `depth` times, built with a loop: JSON.stringify and friends would overflow themselves. */
function nest(depth: number, inner: unknown, wrap: (value: unknown) => unknown): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}

describe('event patterns: nesting without recursion', () => {
  it('finds a leaf under 100,000 nested arrays', () => {
    const pattern = compilePattern({ detail: { x: ['deep'] } });
    expect(pattern.matches({ detail: { x: nest(DEPTH, 'deep', (v) => [v]) } })).toBe(true);
    expect(pattern.matches({ detail: { x: nest(DEPTH, 'shallow', (v) => [v]) } })).toBe(false);
  });

  it('compiles and matches a pattern whose keys nest 100,000 deep, against an event as deep', () => {
    const pattern = compilePattern(nest(DEPTH, [1], (v) => ({ a: v })));
    expect(pattern.matches(nest(DEPTH, 1, (v) => ({ a: v })))).toBe(true);
    expect(pattern.matches(nest(DEPTH, 2, (v) => ({ a: v })))).toBe(false);
    expect(pattern.matches(nest(DEPTH - 1, 1, (v) => ({ a: v })))).toBe(false);
  });

  it('compiles and decides `$or`s nested 20,000 deep', () => {
    // { $or: [ { $or: [ … { n: [0] } … ] }, { n: [depth] } ] }: the event's n picks the branch that holds.
    const depth = 20_000;
    let pattern: Record<string, unknown> = { n: [0] };
    for (let i = 1; i <= depth; i++) pattern = { $or: [pattern, { n: [i] }] };
    const compiled = compilePattern(pattern);
    expect([0, 1, depth / 2, depth].map((n) => compiled.matches({ n }))).toEqual([true, true, true, true]);
    expect(compiled.matches({ n: depth + 1 })).toBe(false);
  });

  it('still reports the first invalid part in document order', () => {
    expect(() => compilePattern({ a: { b: [] }, c: [{ nope: 1 }] })).toThrow(
      new InvalidEventPatternError('Empty arrays are not allowed'),
    );
    expect(() => compilePattern({ $or: [{ a: [{ nope: 1 }] }, 'x'] })).toThrow(
      new InvalidEventPatternError('Unrecognized match type nope'),
    );
    expect(() => compilePattern({ $or: [{ a: [1] }, 'x'], b: [] })).toThrow(
      new InvalidEventPatternError('$or must contain objects'),
    );
  });
});

describe('event patterns: keys with dots', () => {
  it.each([
    ['a → b → c', { a: { b: { c: 1 } } }],
    ['"a.b" → c', { 'a.b': { c: 1 } }],
    ['a → "b.c"', { a: { 'b.c': 1 } }],
    ['"a.b.c"', { 'a.b.c': 1 }],
    ['an array on the way', { a: [{ x: 1 }, { 'b.c': [2, 1] }] }],
  ])('a field inside an `$or` branch finds %s', (_, event) => {
    const pattern = compilePattern({ a: { $or: [{ 'b.c': [1] }, { z: [9] }] } });
    expect(pattern.matches(event)).toBe(true);
  });

  it('a field inside an `$or` branch finds nothing under another path', () => {
    const pattern = compilePattern({ a: { $or: [{ 'b.c': [1] }, { z: [9] }] } });
    expect(
      [{ b: { c: 1 } }, { a: { b: { c: 2 } } }, { a: { 'b.c.d': 1 } }, { 'a.b': 1 }].map((e) => pattern.matches(e)),
    ).toEqual([false, false, false, false]);
  });

  it('needs every field, wherever its path was spelled', () => {
    const pattern = compilePattern({ 'a.b': [1], a: { c: [2] } });
    expect(pattern.matches({ a: { b: 1, c: 2 } })).toBe(true);
    expect(pattern.matches({ 'a.b': 1, a: { c: 2 } })).toBe(true);
    expect(pattern.matches({ a: { b: 1 } })).toBe(false);
  });
});

describe('event patterns: wildcard escapes', () => {
  // aws/event-ruler README, "Wildcard matching": "\*" is a literal star, "\\" a literal backslash.
  const matches = (wildcard: string, value: string) => compilePattern({ v: [{ wildcard }] }).matches({ v: value });

  it('takes \\* as a star and \\\\ as one backslash', () => {
    expect(matches('a\\*b', 'a*b')).toBe(true);
    expect(matches('a\\*b', 'axxb')).toBe(false);
    expect(matches('a\\\\b', 'a\\b')).toBe(true);
    expect(matches('a\\\\b', 'a\\\\b')).toBe(false);
    expect(matches('dir\\\\*', 'dir\\file')).toBe(true);
  });

  it('keeps a backslash before any other character', () => {
    expect(matches('a\\b*', 'a\\bc')).toBe(true);
    expect(matches('a\\', 'a\\')).toBe(true);
  });

  it('matches characters outside the BMP whole', () => {
    expect(matches('*😀*', 'x😀y')).toBe(true);
    expect(matches('😀*', '😀')).toBe(true);
    expect(matches('*😀', '😀😀')).toBe(true);
    expect(matches('*😀*😀', '😀')).toBe(false);
  });
});
