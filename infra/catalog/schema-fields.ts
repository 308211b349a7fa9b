/**
 * An event's data as a newcomer reads it: one row per field (dotted path,
 * type, required or not, its bounds, the example's value), read from the
 * JSON Schema zod generates, plus the rules JSON Schema cannot express
 * (refinements such as "validUntil must not be before validFrom" or an IIN's
 * check digit), read from the zod schema itself.
 */
import type * as z from 'zod';
import { type JsonSchema, zodJsonSchema } from './json-schemas.ts';
import type { FieldDoc, RuleDoc } from './model.ts';

const MAX_LISTED = 8;
const asSchema = (value: unknown): JsonSchema =>
  value !== null && typeof value === 'object' ? (value as JsonSchema) : {};

function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return 'enum';
  if (schema.const !== undefined) return 'const';
  if (typeof schema.type === 'string') return schema.format ? `${schema.type} (${String(schema.format)})` : schema.type;
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as unknown[]).map((s) => typeOf(asSchema(s))).join(' | ');
  return 'any';
}

/** The bounds a field's values must keep, in words a form designer would use. */
function constraintsOf(schema: JsonSchema): string[] {
  const out: string[] = [];
  if (Array.isArray(schema.enum)) {
    const values = (schema.enum as unknown[]).map((v) => JSON.stringify(v));
    // A long list (20 regions) reads better as its ends; `mx regions` and the JSON Schema have them all.
    out.push(
      values.length > MAX_LISTED
        ? `one of ${values.length} values: ${values.slice(0, 3).join(', ')} \u2026 ${values.at(-1)}`
        : `one of ${values.join(', ')}`,
    );
  }
  if (schema.const !== undefined) out.push(`always ${JSON.stringify(schema.const)}`);
  if (typeof schema.minLength === 'number') out.push(`at least ${schema.minLength} characters`);
  if (typeof schema.maxLength === 'number') out.push(`at most ${schema.maxLength} characters`);
  if (typeof schema.pattern === 'string' && schema.format === undefined) out.push(`matches /${schema.pattern}/`);
  if (typeof schema.exclusiveMinimum === 'number') out.push(`> ${schema.exclusiveMinimum}`);
  else if (typeof schema.minimum === 'number') out.push(`>= ${schema.minimum}`);
  if (typeof schema.exclusiveMaximum === 'number') out.push(`< ${schema.exclusiveMaximum}`);
  else if (typeof schema.maximum === 'number') out.push(`<= ${schema.maximum}`);
  if (schema.additionalProperties === false) out.push('no other fields');
  return out;
}

function valueAt(example: unknown, path: readonly string[]): unknown {
  let value = example;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Every field of an object schema, depth first, nested objects followed by their own fields. */
export function fieldsOfSchema(schema: JsonSchema, example: unknown, prefix: readonly string[] = []): FieldDoc[] {
  const properties = asSchema(schema.properties);
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(properties).flatMap(([name, raw]) => {
    const field = asSchema(raw);
    const path = [...prefix, name];
    const exampleValue = valueAt(example, path);
    const row: FieldDoc = {
      path: path.join('.'),
      type: typeOf(field),
      required: required.has(name),
      constraints: constraintsOf(field),
      ...(exampleValue !== undefined && (field.type !== 'object' || field.properties === undefined)
        ? { example: exampleValue }
        : {}),
    };
    return field.type === 'object' && field.properties ? [row, ...fieldsOfSchema(field, example, path)] : [row];
  });
}

/** The fields of an event's `data` (JSON Schema draft-07, as producers write it). */
export function dataFields(data: z.core.$ZodType, example: unknown): FieldDoc[] {
  return fieldsOfSchema(zodJsonSchema(data, 'draft-07'), example);
}

/**
 * zod 4 keeps a schema's checks on `_zod.def` (zod/v4/core: `$ZodType.def.checks`,
 * each check's own `def` with `check`, `path` and `error`). That is the only place
 * a refinement's message lives, so it is read structurally here, and only here.
 */
interface ZodInternals {
  readonly _zod: {
    readonly def: {
      readonly type: string;
      readonly shape?: Record<string, unknown>;
      readonly innerType?: unknown;
      readonly checks?: readonly {
        readonly _zod: {
          readonly def: { readonly check: string; readonly path?: readonly PropertyKey[]; readonly error?: unknown };
        };
      }[];
    };
  };
}

const internals = (schema: unknown): ZodInternals['_zod']['def'] | undefined =>
  (schema as Partial<ZodInternals> | null)?._zod?.def;

function messageOf(error: unknown): string | undefined {
  if (typeof error === 'string') return error;
  if (typeof error !== 'function') return undefined;
  try {
    const message: unknown = (error as (issue: { input: unknown; code: string }) => unknown)({
      input: '<value>',
      code: 'custom',
    });
    if (typeof message === 'string') return message;
    return typeof (message as { message?: unknown } | null)?.message === 'string'
      ? (message as { message: string }).message
      : undefined;
  } catch {
    return undefined;
  }
}

/** The refinements of a schema and of its fields (not JSON-Schema-expressible), with the field each one names. */
export function rulesOf(schema: unknown, prefix: readonly string[] = []): RuleDoc[] {
  const def = internals(schema);
  if (!def) return [];
  if (def.innerType !== undefined && (def.type === 'optional' || def.type === 'nullable' || def.type === 'default'))
    return rulesOf(def.innerType, prefix);
  const own = (def.checks ?? [])
    .map((check) => check._zod.def)
    .filter((check) => check.check === 'custom')
    .map((check): RuleDoc => {
      const path = [...prefix, ...(check.path ?? []).map(String)].join('.') || '(event data)';
      return {
        path,
        message:
          messageOf(check.error) ?? 'a further check in the contract\u2019s code (its message names the problem)',
      };
    });
  const nested =
    def.type === 'object' && def.shape
      ? Object.entries(def.shape).flatMap(([name, field]) => rulesOf(field, [...prefix, name]))
      : [];
  return [...own, ...nested];
}
