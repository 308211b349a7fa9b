/**
 * JSON Schemas of whole EventBridge events, generated from the zod contract
 * in the dialect each consumer of the catalog takes: draft-07 for the
 * AsyncAPI document (its default schema format is a superset of it), draft-04
 * for the EventBridge schema registry (`JSONSchemaDraft4`, the only JSON
 * Schema dialect it accepts:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-schema.html).
 */
import * as z from 'zod';
import type { EventDefinition } from '../../schemas/define.ts';

export type SchemaDialect = 'draft-04' | 'draft-07';
export type JsonSchema = Record<string, unknown>;

/** The zod schema of `detail.data` (or `detail`) as JSON Schema: what a producer must send. */
export function zodJsonSchema(schema: z.core.$ZodType, dialect: SchemaDialect): JsonSchema {
  // io 'input': what producers write (before zod's transforms); refinements JSON Schema cannot
  // say are listed as rules instead.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: dialect,
  }) as JsonSchema;
  return rest;
}

const DIALECT_URI: Readonly<Record<SchemaDialect, string>> = {
  'draft-04': 'http://json-schema.org/draft-04/schema#',
  'draft-07': 'http://json-schema.org/draft-07/schema#',
};

/** One fixed string: draft-04 has no `const` (draft-06 added it), a one-value enum says the same. */
const fixed = (value: string): JsonSchema => ({ type: 'string', enum: [value] });

/**
 * The EventBridge event as a target receives it, `detail` from the contract.
 * The envelope fields AWS sets (id, time, account, region) are described
 * but not required: a PutEvents entry carries only source, detail-type and detail.
 */
export function eventEnvelopeSchema(definition: EventDefinition, dialect: SchemaDialect): JsonSchema {
  return {
    $schema: DIALECT_URI[dialect],
    title: `${definition.detailType} v${definition.schemaVersion}`,
    description: definition.description,
    type: 'object',
    required: ['source', 'detail-type', 'detail'],
    properties: {
      version: { type: 'string' },
      id: {
        type: 'string',
        description: 'EventBridge\u2019s id for this delivery (consumers key on detail.meta.eventId instead)',
      },
      source: fixed(definition.source),
      'detail-type': fixed(definition.detailType),
      account: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      region: { type: 'string' },
      resources: { type: 'array', items: { type: 'string' } },
      detail: zodJsonSchema(definition.detail, dialect),
    },
    // The schema registry's own metadata for code bindings and search (as on the schemas AWS publishes).
    'x-amazon-events-source': definition.source,
    'x-amazon-events-detail-type': definition.detailType,
  };
}

/** The schema registry's name for one version of an event: `<source>@<DetailType>.v<n>`. */
export const registrySchemaName = (definition: Pick<EventDefinition, 'source' | 'detailType' | 'schemaVersion'>) =>
  `${definition.source}@${definition.detailType}.v${definition.schemaVersion}`;
