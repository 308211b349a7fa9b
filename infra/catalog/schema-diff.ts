/**
 * What changed between two versions of an event's data schema, and for whom
 * it breaks. Two directions, as schema registries name them:
 * - `producers` (backward): an event valid under the old version is refused
 *   by the new one (a producer still on the old version, a replay of the log);
 * - `consumers` (forward): the new version admits what a consumer written for
 *   the old one does not expect (a missing field, an unknown enum value, a
 *   longer string, a number that is no longer an integer).
 * Works on the JSON Schema (draft-07) zod generates: object properties,
 * required lists, enums, consts, types, string and number bounds, patterns,
 * formats, array items. Anything else that differs is reported as breaking
 * both ways rather than guessed about.
 */
import type { JsonSchema } from './json-schemas.ts';

export type Breaks = 'producers' | 'consumers';

export interface SchemaChange {
  /** Dotted path from the event's `data` (`data.person.iin`). */
  readonly path: string;
  readonly change: string;
  /** Who it breaks; empty for a compatible change. */
  readonly breaks: readonly Breaks[];
}

const obj = (value: unknown): JsonSchema =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : {};
const show = (value: unknown) => JSON.stringify(value);
const BOTH: readonly Breaks[] = ['producers', 'consumers'];

type Bound = { readonly value: number; readonly exclusive: boolean } | undefined;

/** A lower bound in draft-07 (numeric exclusiveMinimum) or draft-04 (boolean exclusiveMinimum) form. */
function lower(schema: JsonSchema): Bound {
  if (typeof schema.exclusiveMinimum === 'number') return { value: schema.exclusiveMinimum, exclusive: true };
  if (typeof schema.minimum === 'number') return { value: schema.minimum, exclusive: schema.exclusiveMinimum === true };
  return undefined;
}
function upper(schema: JsonSchema): Bound {
  if (typeof schema.exclusiveMaximum === 'number') return { value: schema.exclusiveMaximum, exclusive: true };
  if (typeof schema.maximum === 'number') return { value: schema.maximum, exclusive: schema.exclusiveMaximum === true };
  return undefined;
}
const boundText = (bound: Bound, side: 'min' | 'max') =>
  bound === undefined
    ? 'none'
    : `${side === 'min' ? (bound.exclusive ? '>' : '>=') : bound.exclusive ? '<' : '<='} ${bound.value}`;

/**
 * Whether bound `b` admits everything `a` admits (is at least as loose), for a lower (`min`) or upper (`max`) bound.
 */
function looser(a: Bound, b: Bound, side: 'min' | 'max'): boolean {
  if (b === undefined) return true;
  if (a === undefined) return false;
  if (a.value === b.value) return !b.exclusive || a.exclusive;
  return side === 'min' ? b.value < a.value : b.value > a.value;
}

function compareBound(path: string, name: string, a: Bound, b: Bound, side: 'min' | 'max', out: SchemaChange[]): void {
  if (a?.value === b?.value && a?.exclusive === b?.exclusive) return;
  const breaks: Breaks[] = [];
  if (!looser(a, b, side)) breaks.push('producers');
  if (!looser(b, a, side)) breaks.push('consumers');
  out.push({ path, change: `${name} ${boundText(a, side)} \u2192 ${boundText(b, side)}`, breaks });
}

function compareLength(
  path: string,
  name: 'minLength' | 'maxLength',
  a: unknown,
  b: unknown,
  out: SchemaChange[],
): void {
  if (a === b) return;
  const toBound = (v: unknown): Bound => (typeof v === 'number' ? { value: v, exclusive: false } : undefined);
  const side = name === 'minLength' ? 'min' : 'max';
  const breaks: Breaks[] = [];
  if (!looser(toBound(a), toBound(b), side)) breaks.push('producers');
  if (!looser(toBound(b), toBound(a), side)) breaks.push('consumers');
  out.push({ path, change: `${name} ${a ?? 'none'} \u2192 ${b ?? 'none'}`, breaks });
}

function typesOf(schema: JsonSchema): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type as string[];
  return [];
}

function compareTypes(path: string, a: JsonSchema, b: JsonSchema, out: SchemaChange[]): boolean {
  const ta = typesOf(a);
  const tb = typesOf(b);
  if (ta.join() === tb.join()) return true;
  // integer ⊂ number: widening keeps old events valid, narrowing refuses some.
  if (ta.join() === 'integer' && tb.join() === 'number') {
    out.push({ path, change: 'type integer \u2192 number', breaks: ['consumers'] });
    return true;
  }
  if (ta.join() === 'number' && tb.join() === 'integer') {
    out.push({ path, change: 'type number \u2192 integer', breaks: ['producers'] });
    return true;
  }
  out.push({ path, change: `type ${ta.join(' | ') || 'any'} \u2192 ${tb.join(' | ') || 'any'}`, breaks: BOTH });
  return false;
}

function compareEnum(path: string, a: JsonSchema, b: JsonSchema, out: SchemaChange[]): void {
  const ea = Array.isArray(a.enum) ? (a.enum as unknown[]).map(show) : undefined;
  const eb = Array.isArray(b.enum) ? (b.enum as unknown[]).map(show) : undefined;
  if (ea === undefined && eb === undefined) return;
  if (ea === undefined)
    return void out.push({ path, change: `now limited to ${eb!.join(', ')}`, breaks: ['producers'] });
  if (eb === undefined)
    return void out.push({ path, change: `no longer limited to ${ea.join(', ')}`, breaks: ['consumers'] });
  const removed = ea.filter((v) => !eb.includes(v));
  const added = eb.filter((v) => !ea.includes(v));
  if (removed.length) out.push({ path, change: `no longer allows ${removed.join(', ')}`, breaks: ['producers'] });
  if (added.length) out.push({ path, change: `also allows ${added.join(', ')}`, breaks: ['consumers'] });
}

function compareKeyword(path: string, name: string, a: unknown, b: unknown, out: SchemaChange[]): void {
  if (show(a) === show(b)) return;
  if (a === undefined) out.push({ path, change: `${name} added: ${show(b)}`, breaks: ['producers'] });
  else if (b === undefined) out.push({ path, change: `${name} removed (was ${show(a)})`, breaks: ['consumers'] });
  else out.push({ path, change: `${name} ${show(a)} \u2192 ${show(b)}`, breaks: BOTH });
}

const ANALYSED = new Set([
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'description',
  'title',
  'examples',
  'default',
  '$schema',
  '$id',
  'id',
]);

function compareSchemas(path: string, a: JsonSchema, b: JsonSchema, out: SchemaChange[]): void {
  if (!compareTypes(path, a, b, out)) return;
  compareEnum(path, a, b, out);
  compareKeyword(path, 'const', a.const, b.const, out);
  compareKeyword(path, 'pattern', a.pattern, b.pattern, out);
  compareKeyword(path, 'format', a.format, b.format, out);
  compareLength(path, 'minLength', a.minLength, b.minLength, out);
  compareLength(path, 'maxLength', a.maxLength, b.maxLength, out);
  compareBound(path, 'minimum', lower(a), lower(b), 'min', out);
  compareBound(path, 'maximum', upper(a), upper(b), 'max', out);
  if (a.items !== undefined || b.items !== undefined) compareSchemas(`${path}[]`, obj(a.items), obj(b.items), out);
  if (a.properties !== undefined || b.properties !== undefined) compareObjects(path, a, b, out);
  const other = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => !ANALYSED.has(k) && !k.startsWith('x-')));
  for (const keyword of other) {
    if (show(a[keyword]) !== show(b[keyword]))
      out.push({ path, change: `${keyword} changed (not analysed: treated as breaking)`, breaks: BOTH });
  }
}

function compareObjects(path: string, a: JsonSchema, b: JsonSchema, out: SchemaChange[]): void {
  const pa = obj(a.properties);
  const pb = obj(b.properties);
  const ra = new Set(Array.isArray(a.required) ? (a.required as string[]) : []);
  const rb = new Set(Array.isArray(b.required) ? (b.required as string[]) : []);
  const closedB = b.additionalProperties === false;
  for (const name of Object.keys(pa)) {
    const at = `${path}.${name}`;
    if (!(name in pb)) {
      // A closed object refuses old events that still carry it; consumers that read it lose it either way.
      out.push({
        path: at,
        change: `removed (was ${ra.has(name) ? 'required' : 'optional'})`,
        breaks: closedB ? BOTH : ['consumers'],
      });
      continue;
    }
    if (ra.has(name) && !rb.has(name))
      out.push({ path: at, change: 'required \u2192 optional', breaks: ['consumers'] });
    if (!ra.has(name) && rb.has(name))
      out.push({ path: at, change: 'optional \u2192 required', breaks: ['producers'] });
    compareSchemas(at, obj(pa[name]), obj(pb[name]), out);
  }
  for (const name of Object.keys(pb)) {
    if (name in pa) continue;
    const at = `${path}.${name}`;
    if (rb.has(name)) out.push({ path: at, change: 'added, required', breaks: ['producers'] });
    // Old events never carry it and old consumers ignore what they do not read.
    else out.push({ path: at, change: 'added, optional', breaks: [] });
  }
  if ((a.additionalProperties === false) !== closedB) {
    out.push({
      path,
      change: closedB ? 'no longer allows other fields' : 'now allows other fields',
      breaks: closedB ? ['producers'] : ['consumers'],
    });
  }
}

/** The changes from `before` to `after`, both JSON Schemas of an event's `data`. */
export function diffSchemas(before: JsonSchema, after: JsonSchema, root = 'data'): SchemaChange[] {
  const out: SchemaChange[] = [];
  compareSchemas(root, before, after, out);
  return out;
}

export const isBreaking = (change: SchemaChange) => change.breaks.length > 0;

/**
 * The `data` schema inside whatever JSON Schema a file holds: a whole event
 * as `mx schemas export` writes it (properties.detail.properties.data), a
 * `detail` (properties.data beside properties.meta), or `data` itself.
 */
export function dataSchemaOf(schema: JsonSchema): JsonSchema {
  const detail = obj(obj(schema.properties).detail);
  const fromEvent = obj(obj(detail.properties).data);
  if (Object.keys(fromEvent).length) return fromEvent;
  const properties = obj(schema.properties);
  if (properties.meta !== undefined && properties.data !== undefined) return obj(properties.data);
  return schema;
}
