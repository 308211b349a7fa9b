import canonicalizeModule from 'canonicalize';

/*
 * canonicalize ships CommonJS (`module.exports = fn`) with an ES-default type
 * declaration; under Node's ESM interop the function is the default import at
 * run time but TypeScript (NodeNext) sees the module namespace. One place
 * settles that.
 */
const serialize = ((canonicalizeModule as unknown as { default?: unknown }).default ?? canonicalizeModule) as (
  input: unknown,
) => string | undefined;

/** RFC 8785 canonical JSON: the same value always gives the same text, whatever order its keys came in. */
export function canonicalJson(value: unknown): string {
  const text = serialize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}
