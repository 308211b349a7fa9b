import { CfnOutput } from 'aws-cdk-lib';
import { CfnRegistry, CfnSchema } from 'aws-cdk-lib/aws-eventschemas';
import { Construct } from 'constructs';
import type { EventDefinition } from '../../schemas/define.ts';
import { eventEnvelopeSchema, registrySchemaName } from '../catalog/json-schemas.ts';

export interface SchemaRegistryProps {
  /** Every (source, detail-type, schemaVersion) of the contract: one schema each. */
  readonly definitions: readonly EventDefinition[];
}

/** Limits of the schemas API (CreateSchema: Content 1-100,000 characters, Description at most 256). */
const MAX_CONTENT = 100_000;
const MAX_DESCRIPTION = 256;

/**
 * The deployed bus carries its own contract: an EventBridge schema registry
 * with one schema per event version, in JSON Schema draft-04 (the registry's
 * `JSONSchemaDraft4` type; https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-schema.html),
 * generated from the same zod definitions the platform validates with, so
 * agencies can browse it and download code bindings from the console.
 * The registry's name is generated (a second stack gets its own); schema
 * names inside it are `<source>@<DetailType>.v<n>`, stable for bindings.
 */
export class SchemaRegistry extends Construct {
  readonly registry: CfnRegistry;
  /** The schema of each event version, by its registry name. */
  readonly schemas: ReadonlyMap<string, CfnSchema>;

  constructor(scope: Construct, id: string, props: SchemaRegistryProps) {
    super(scope, id);
    this.registry = new CfnRegistry(this, 'Registry', {
      description: 'migration-exchange: the contract of every event on the exchange bus, one schema per event version',
    });
    const schemas = new Map<string, CfnSchema>();
    for (const definition of props.definitions) {
      const name = registrySchemaName(definition);
      const content = JSON.stringify(eventEnvelopeSchema(definition, 'draft-04'));
      if (content.length > MAX_CONTENT)
        throw new Error(
          `schema ${name} is ${content.length} characters; the schema registry takes at most ${MAX_CONTENT}`,
        );
      if (definition.description.length > MAX_DESCRIPTION)
        throw new Error(
          `the description of ${name} is ${definition.description.length} characters; the schema registry takes ` +
            `at most ${MAX_DESCRIPTION}`,
        );
      // Construct ids name the event and version, so adding an event never renames another's schema.
      schemas.set(
        name,
        new CfnSchema(this, `${definition.detailType}V${definition.schemaVersion}`, {
          registryName: this.registry.attrRegistryName,
          schemaName: name,
          type: 'JSONSchemaDraft4',
          content,
          description: definition.description,
        }),
      );
    }
    this.schemas = schemas;
    new CfnOutput(this, 'RegistryName', {
      value: this.registry.attrRegistryName,
      description: 'The EventBridge schema registry holding the contract (one schema per event version)',
    });
  }
}
