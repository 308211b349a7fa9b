/**
 * The contract's compatibility rules, checked against what was published:
 * - every served version has frozen fixtures and its published schema;
 * - every frozen fixture is still accepted, by a version still served (a
 *   breaking change needs a new schemaVersion, and the old one stays);
 * - a published version's schema never changes in a way that breaks its
 *   producers or its consumers (`schema-diff.ts` names the change);
 * - every consumer's logic (each registry's and view's projection) still runs
 *   on every fixture, and a newer version's fixtures still give consumers
 *   every field the previous version's gave them.
 * Pure: the test reads the files and hands them in.
 */
import { type EventData, fragmentOf, projectionOf } from '../../functions/domain/projections.ts';
import { MINISTRY_VIEWS, REGISTRIES, type TableView } from '../../functions/domain/views.ts';
import { planWrites, touches } from '../../functions/projector/plan.ts';
import type { EventDefinition } from '../../schemas/define.ts';
import { exampleBusEvent } from './event-catalog.ts';
import type { Fixture } from './fixtures.ts';
import { type JsonSchema, zodJsonSchema } from './json-schemas.ts';
import { diffSchemas, isBreaking } from './schema-diff.ts';

export interface PublishedSchema {
  readonly detailType: string;
  readonly version: number;
  /** The version's `data` schema (draft-07) as it was published. */
  readonly schema: JsonSchema;
}

export interface CompatibilityInput {
  readonly definitions: readonly EventDefinition[];
  readonly fixtures: readonly Fixture[];
  readonly published: readonly PublishedSchema[];
}

const TABLES: readonly TableView[] = [...Object.values(REGISTRIES), ...Object.values(MINISTRY_VIEWS)];
const label = (detailType: string, version: number) => `${detailType} v${version}`;

/** The state fields consumers take from an event's data (what the projections read), as `kind.field`. */
export function consumedFields(detailType: string, data: EventData): Set<string> {
  const projection = projectionOf(detailType);
  const fields = new Set<string>();
  for (const touch of projection?.touches ?? []) {
    for (const field of Object.keys(fragmentOf(touch, data)))
      if (!(field in (touch.set ?? {}))) fields.add(`${touch.kind}.${field}`);
  }
  return fields;
}

export function compatibilityProblems({ definitions, fixtures, published }: CompatibilityInput): string[] {
  const problems: string[] = [];
  const served = (detailType: string, version: number) =>
    definitions.find((d) => d.detailType === detailType && d.schemaVersion === version);

  for (const definition of definitions) {
    const name = label(definition.detailType, definition.schemaVersion);
    if (!fixtures.some((f) => f.detailType === definition.detailType && f.version === definition.schemaVersion)) {
      problems.push(
        `${name} has no frozen fixtures: freeze them with \`npx mx schemas fixtures --out test/fixtures/events\``,
      );
    }
    const frozen = published.find(
      (p) => p.detailType === definition.detailType && p.version === definition.schemaVersion,
    );
    if (!frozen) {
      problems.push(
        `${name} has no published schema: freeze it with \`npx mx schemas fixtures --out test/fixtures/events\``,
      );
      continue;
    }
    for (const change of diffSchemas(frozen.schema, zodJsonSchema(definition.data, 'draft-07')).filter(isBreaking)) {
      problems.push(
        `${name} changed since it was published: ${change.path} ${change.change} (breaks ` +
          `${change.breaks.join(' and ')}); publish the change as v${definition.schemaVersion + 1} and keep v` +
          `${definition.schemaVersion}`,
      );
    }
  }

  for (const fixture of fixtures) {
    const name = `${label(fixture.detailType, fixture.version)} fixture ${fixture.name}`;
    const definition = served(fixture.detailType, fixture.version);
    if (!definition) {
      problems.push(`${name}: version ${fixture.version} is no longer served; a published version must stay accepted`);
      continue;
    }
    if (fixture.event.source !== definition.source)
      problems.push(`${name}: published under ${fixture.event.source}, now expected from ${definition.source}`);
    const parsed = definition.detail.safeParse(fixture.event.detail);
    if (!parsed.success) {
      problems.push(
        `${name} is refused: ${parsed.error.issues.map((i) => `detail.${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
      continue;
    }
    const event = exampleBusEvent(definition, (parsed.data as { data: unknown }).data);
    const written = TABLES.flatMap((view) => planWrites(view, touches(view, [event], 'compatibility'), new Map()));
    if (written.length === 0) problems.push(`${name}: no registry or view records anything of it`);
  }

  // A newer version must still give consumers what they read from the one before.
  for (const definition of definitions) {
    const previous = served(definition.detailType, definition.schemaVersion - 1);
    if (!previous) continue;
    const fieldsOf = (version: number) => {
      const all = new Set<string>();
      for (const f of fixtures.filter((x) => x.detailType === definition.detailType && x.version === version)) {
        for (const field of consumedFields(definition.detailType, f.event.detail.data as EventData)) all.add(field);
      }
      return all;
    };
    const now = fieldsOf(definition.schemaVersion);
    if (now.size === 0) continue; // no fixtures yet: reported above
    const missing = [...fieldsOf(previous.schemaVersion)].filter((f) => !now.has(f));
    if (missing.length) {
      problems.push(
        `${label(definition.detailType, definition.schemaVersion)} no longer gives consumers ` +
          `${missing.join(', ')}, which they read from v${previous.schemaVersion}`,
      );
    }
  }
  return problems;
}
