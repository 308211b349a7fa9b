import type { EventDefinition } from './define.ts';
import * as z from './zod.ts';

/**
 * JSON Schema (draft 2020-12) of a whole EventBridge event for one definition,
 * for agencies that do not use TypeScript and for the schema registry.
 */
export function eventJsonSchema(definition: EventDefinition): Record<string, unknown> {
  const detail = z.toJSONSchema(definition.detail, { io: 'input', unrepresentable: 'any' });
  const { $schema, ...detailSchema } = detail as Record<string, unknown>;
  return {
    $schema,
    $id: `urn:migration-exchange:${definition.source}:${definition.detailType}:v${definition.schemaVersion}`,
    title: definition.detailType,
    description: definition.description,
    type: 'object',
    required: ['source', 'detail-type', 'detail'],
    properties: {
      source: { const: definition.source },
      'detail-type': { const: definition.detailType },
      detail: detailSchema,
    },
    examples: [
      { source: definition.source, 'detail-type': definition.detailType, detail: { data: definition.example } },
    ],
  };
}

export function jsonSchemaFileName(definition: EventDefinition): string {
  return `${definition.source}.${definition.detailType}.v${definition.schemaVersion}.schema.json`;
}
