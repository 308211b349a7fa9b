import { describe, expect, it } from 'vitest';
import { depthProblem, jsonDepth, MAX_JSON_DEPTH, parseBoundedJson } from '../../infra/local/json-limits.ts';

describe('jsonDepth', () => {
  it('counts the deepest nesting of arrays and objects', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{}')).toBe(1);
    expect(jsonDepth('{"a":[1,{"b":[]}],"c":{}}')).toBe(4);
    expect(jsonDepth(`${'['.repeat(5000)}${']'.repeat(5000)}`)).toBe(5000);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepth('{"a":"[[[{{{"}')).toBe(1);
    expect(jsonDepth('{"a":"\\"[[[","b":["\\\\"]}')).toBe(2);
  });

  it('scans UTF-8 bytes the same as the text', () => {
    const text = '{"ключ":["қазақ [{", {"b":[]}]}';
    expect(jsonDepth(Buffer.from(text))).toBe(jsonDepth(text));
    expect(jsonDepth(Buffer.from(text))).toBe(4);
  });

  it('stops scanning once past the bound', () => {
    expect(jsonDepth(`${'['.repeat(100)}`, 3)).toBe(4);
  });
});

describe('depthProblem and parseBoundedJson', () => {
  it('accepts AWS’s 1000 levels and refuses one more, naming the bound', () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    expect(depthProblem(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(depthProblem(nested(MAX_JSON_DEPTH + 1))).toBe('nested more than 1000 levels deep');
    expect(parseBoundedJson(nested(10_000))).toEqual({
      ok: false,
      reason: 'too-deep',
      problem: 'nested more than 1000 levels deep',
    });
    expect(parseBoundedJson(nested(3))).toEqual({ ok: true, value: { a: { a: { a: 1 } } } });
  });

  it('reports malformed JSON as such', () => {
    expect(parseBoundedJson('{"a":')).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
