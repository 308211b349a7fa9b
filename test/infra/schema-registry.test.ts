/**
 * The deployed bus carries its own contract: the stack's EventBridge schema
 * registry holds one JSONSchemaDraft4 schema per event version, and each
 * schema accepts that version's events and refuses what the contract refuses.
 */
import AjvDraft04 from 'ajv-draft-04';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../schemas/catalog.ts';
import { logicalIdOf, templateOf } from './synth.ts';

let synthesized: ReturnType<typeof templateOf>;
beforeAll(() => {
  synthesized = templateOf();
});

const schemas = () => synthesized.ofType('AWS::EventSchemas::Schema');
const contentOf = (name: string) => {
  const found = schemas().find(([, r]) => r.Properties.SchemaName === name);
  if (!found) throw new Error(`no schema ${name}`);
  return JSON.parse(String(found[1].Properties.Content)) as Record<string, unknown>;
};

describe('the EventBridge schema registry', () => {
  it('is one registry, its name generated and given as an output, under a pinned logical id', () => {
    const registries = synthesized.ofType('AWS::EventSchemas::Registry');
    expect(registries).toHaveLength(1);
    const [logicalId, registry] = registries[0]!;
    expect(logicalId).toMatch(/^ContractRegistry[0-9A-F]{8}$/);
    expect(registry.Properties.RegistryName).toBeUndefined();
    const outputs = Object.values(synthesized.json.Outputs ?? {});
    expect(outputs.some((o) => logicalIdOf(o.Value) === logicalId)).toBe(true);
  });

  it('holds one JSONSchemaDraft4 schema per event version, named <source>@<DetailType>.v<n>, in that registry', () => {
    const [registryId] = synthesized.ofType('AWS::EventSchemas::Registry')[0]!;
    expect(schemas()).toHaveLength(CATALOG.length);
    for (const d of CATALOG) {
      synthesized.template.hasResourceProperties('AWS::EventSchemas::Schema', {
        SchemaName: `${d.source}@${d.detailType}.v${d.schemaVersion}`,
        Type: 'JSONSchemaDraft4',
        Description: d.description,
        RegistryName: { 'Fn::GetAtt': [registryId, 'RegistryName'] },
        Content: Match.stringLikeRegexp('"\\$schema":"http://json-schema.org/draft-04/schema#"'),
      });
    }
  });

  it('each schema accepts its version\u2019s example event and refuses what the contract refuses', () => {
    // A CommonJS module: its class is also its `default` export.
    const ajv = new AjvDraft04.default({ strict: false, validateFormats: false });
    for (const d of CATALOG) {
      const validate = ajv.compile(contentOf(`${d.source}@${d.detailType}.v${d.schemaVersion}`));
      const meta = {
        eventId: '4f6f3c38-3e2f-4c4a-9d3b-2b9f3f0c1a11',
        schemaVersion: d.schemaVersion,
        occurredAt: '2021-06-01T09:00:00Z',
        correlationId: '4f6f3c38-3e2f-4c4a-9d3b-2b9f3f0c1a11',
      };
      const valid = { source: d.source, 'detail-type': d.detailType, detail: { meta, data: d.example } };
      expect(validate(valid), `${d.detailType}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(validate({ ...valid, source: 'kz.somebody.else' }), `${d.detailType} from another source`).toBe(false);
      expect(
        validate({ ...valid, detail: { meta, data: { ...(d.example as object), unexpected: true } } }),
        `${d.detailType} with an unknown field`,
      ).toBe(false);
      expect(
        validate({ ...valid, detail: { meta: { ...meta, schemaVersion: d.schemaVersion + 1 }, data: d.example } }),
        `${d.detailType} claiming another version`,
      ).toBe(false);
    }
  });

  it('writes exclusive bounds the draft-04 way (a flag beside minimum), which draft-04 validators read', () => {
    const subsidy = contentOf('kz.labour.qandas@ResettlementSubsidyPaid.v1') as {
      properties: { detail: { properties: { data: { properties: Record<string, unknown> } } } };
    };
    expect(subsidy.properties.detail.properties.data.properties.amountKzt).toEqual({
      type: 'integer',
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 1_000_000_000,
    });
  });
});
