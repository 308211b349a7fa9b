/**
 * Versioned example fixtures: what a published schema version accepted,
 * frozen under test/fixtures/events/<detail-type>/v<n>/ when the version is
 * published (`mx schemas fixtures`), so a later change that refuses them, or
 * that stops giving consumers what they read, fails the compatibility tests.
 * Per version: the definition's example, the example with only its required
 * fields, the person identified by IIN instead of passport, and one fixture
 * per other value of each small enum and boolean (a crossing's exit, an
 * individual's permit), each kept only if the version accepts it.
 */

import { deterministicUuid } from '../../functions/lib/ids.ts';
import type { EventDefinition } from '../../schemas/define.ts';
import { type JsonSchema, zodJsonSchema } from './json-schemas.ts';

/** An event as a fixture holds it: what a producer sends in a PutEvents entry. */
export interface FixtureEvent {
  readonly source: string;
  readonly 'detail-type': string;
  readonly detail: { readonly meta: Record<string, unknown>; readonly data: unknown };
}

export interface Fixture {
  readonly detailType: string;
  readonly version: number;
  /** File name without `.json`. */
  readonly name: string;
  readonly event: FixtureEvent;
}

/** The file that freezes a version's data schema as it was published. */
export const PUBLISHED_SCHEMA_FILE = 'published-schema.json';
export const fixtureDir = (detailType: string, version: number) => `${detailType}/v${version}`;

/** Enums longer than this (regions, countries) are not spelled out one fixture per value. */
const MAX_ENUM_FIXTURES = 8;
/** A citizen's IIN with a valid check digit (the contract's own example IIN). */
const EXAMPLE_IIN = '900101300017';

/**
 * The example without its optional top-level fields (nested objects stay whole: a person
 * needs one of their optional ids).
 */
function withoutOptional(value: Record<string, unknown>, schema: JsonSchema): Record<string, unknown> {
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.fromEntries(Object.entries(value).filter(([field]) => required.has(field)));
}

function candidates(definition: EventDefinition): [string, unknown][] {
  const example = definition.example as Record<string, unknown>;
  const schema = zodJsonSchema(definition.data, 'draft-07');
  const out: [string, unknown][] = [
    ['example', example],
    ['required-only', withoutOptional(example, schema)],
  ];
  if (definition.aboutPerson) out.push(['person-by-iin', { ...example, person: { iin: EXAMPLE_IIN } }]);
  for (const [field, property] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
    const values =
      Array.isArray(property.enum) && property.enum.length <= MAX_ENUM_FIXTURES
        ? (property.enum as unknown[])
        : property.type === 'boolean'
          ? [true, false]
          : [];
    for (const value of values)
      if (value !== example[field]) out.push([`${field}-${String(value)}`, { ...example, [field]: value }]);
  }
  return out;
}

/** The fixtures of one definition: distinct, accepted by it, named for what they vary. */
export function fixturesFor(definition: EventDefinition): Fixture[] {
  const seen = new Set<string>();
  return candidates(definition).flatMap(([name, data]): Fixture[] => {
    const key = JSON.stringify(data);
    if (seen.has(key)) return [];
    seen.add(key);
    const eventId = deterministicUuid(`fixture:${definition.detailType}:v${definition.schemaVersion}:${name}`);
    const detail = {
      meta: {
        eventId,
        schemaVersion: definition.schemaVersion,
        occurredAt: '2021-06-01T09:00:00Z',
        correlationId: eventId,
      },
      data,
    };
    if (!definition.detail.safeParse(detail).success) return [];
    return [
      {
        detailType: definition.detailType,
        version: definition.schemaVersion,
        name,
        event: { source: definition.source, 'detail-type': definition.detailType, detail },
      },
    ];
  });
}
