import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { eventEnvelopeSchema, zodJsonSchema } from '../../infra/catalog/json-schemas.ts';
import { dataSchemaOf, diffSchemas } from '../../infra/catalog/schema-diff.ts';
import { CATALOG } from '../../schemas/catalog.ts';
import { PersonRef } from '../../schemas/person.ts';

const schema = (shape: z.ZodRawShape) => zodJsonSchema(z.object(shape).strict(), 'draft-07');
const diff = (before: z.ZodRawShape, after: z.ZodRawShape) =>
  diffSchemas(schema(before), schema(after)).map((c) => ({ path: c.path, change: c.change, breaks: [...c.breaks] }));

const base = {
  person: PersonRef,
  permitNumber: z
    .string()
    .max(17)
    .regex(/^WP-\d{2}-\d{4}-\d{6}$/),
  kind: z.enum(['lea-employer', 'individual']),
  feeMci: z.number().positive().max(100),
  months: z.number().int().min(1).max(12),
  note: z.string().optional(),
};

describe('schema diff', () => {
  it('finds nothing between a version and itself, for every event of the contract', () => {
    for (const d of CATALOG)
      expect(diffSchemas(zodJsonSchema(d.data, 'draft-07'), zodJsonSchema(d.data, 'draft-07'))).toEqual([]);
  });

  it('reads draft-04 and draft-07 bounds alike (exclusiveMinimum as a flag or a number)', () => {
    for (const d of CATALOG) {
      expect(
        diffSchemas(
          dataSchemaOf(eventEnvelopeSchema(d, 'draft-04')),
          dataSchemaOf(eventEnvelopeSchema(d, 'draft-07')),
        ).filter((c) => !c.path.endsWith('.schemaVersion')),
      ).toEqual([]);
    }
  });

  it('an optional field added is compatible', () => {
    expect(diff(base, { ...base, remarks: z.string().optional() })).toEqual([
      { path: 'data.remarks', change: 'added, optional', breaks: [] },
    ]);
  });

  it('a required field added refuses the old version\u2019s events', () => {
    expect(diff(base, { ...base, employerBin: z.string() })).toEqual([
      { path: 'data.employerBin', change: 'added, required', breaks: ['producers'] },
    ]);
  });

  it('a field removed breaks both sides of a closed object', () => {
    const { note: _note, ...without } = base;
    expect(diff(base, without)).toEqual([
      { path: 'data.note', change: 'removed (was optional)', breaks: ['producers', 'consumers'] },
    ]);
  });

  it('optional \u2194 required', () => {
    expect(diff(base, { ...base, note: z.string() })).toEqual([
      { path: 'data.note', change: 'optional \u2192 required', breaks: ['producers'] },
    ]);
    expect(diff(base, { ...base, kind: base.kind.optional() })).toEqual([
      { path: 'data.kind', change: 'required \u2192 optional', breaks: ['consumers'] },
    ]);
  });

  it('enum values removed refuse old events; values added surprise old consumers', () => {
    expect(diff(base, { ...base, kind: z.enum(['lea-employer']) })).toEqual([
      { path: 'data.kind', change: 'no longer allows "individual"', breaks: ['producers'] },
    ]);
    expect(diff(base, { ...base, kind: z.enum(['lea-employer', 'individual', 'seasonal']) })).toEqual([
      { path: 'data.kind', change: 'also allows "seasonal"', breaks: ['consumers'] },
    ]);
  });

  it('bounds tightened break producers, loosened break consumers', () => {
    expect(
      diff(base, {
        ...base,
        permitNumber: z
          .string()
          .max(12)
          .regex(/^WP-\d{2}-\d{4}-\d{6}$/),
      }),
    ).toEqual([{ path: 'data.permitNumber', change: 'maxLength 17 \u2192 12', breaks: ['producers'] }]);
    expect(diff(base, { ...base, feeMci: z.number().nonnegative().max(100) })).toEqual([
      { path: 'data.feeMci', change: 'minimum > 0 \u2192 >= 0', breaks: ['consumers'] },
    ]);
    expect(diff(base, { ...base, months: z.number().int().min(1).max(24) })).toEqual([
      { path: 'data.months', change: 'maximum <= 12 \u2192 <= 24', breaks: ['consumers'] },
    ]);
  });

  it('types: integer \u2192 number widens, number \u2192 integer narrows, string \u2192 number breaks both', () => {
    expect(diff(base, { ...base, months: z.number().min(1).max(12) })).toEqual([
      { path: 'data.months', change: 'type integer \u2192 number', breaks: ['consumers'] },
    ]);
    expect(diff(base, { ...base, feeMci: z.number().int().positive().max(100) })).toEqual([
      { path: 'data.feeMci', change: 'type number \u2192 integer', breaks: ['producers'] },
    ]);
    expect(diff(base, { ...base, note: z.number().optional() })).toEqual([
      { path: 'data.note', change: 'type string \u2192 number', breaks: ['producers', 'consumers'] },
    ]);
  });

  it('a pattern changed could refuse old values and admit new ones', () => {
    expect(
      diff(base, {
        ...base,
        permitNumber: z
          .string()
          .max(17)
          .regex(/^WP-\d{2}-\d{4}-\d{7}$/),
      }),
    ).toEqual([
      {
        path: 'data.permitNumber',
        change: 'pattern "^WP-\\\\d{2}-\\\\d{4}-\\\\d{6}$" \u2192 "^WP-\\\\d{2}-\\\\d{4}-\\\\d{7}$"',
        breaks: ['producers', 'consumers'],
      },
    ]);
  });

  it('names nested fields by their path', () => {
    const person = z
      .object({
        citizenship: z.string().optional(),
        documentNumber: z.string().optional(),
        iin: z.string().max(12).optional(),
      })
      .strict();
    const narrower = z
      .object({
        citizenship: z.string().optional(),
        documentNumber: z.string().optional(),
        iin: z.string().max(11).optional(),
      })
      .strict();
    expect(diff({ person }, { person: narrower })).toEqual([
      { path: 'data.person.iin', change: 'maxLength 12 \u2192 11', breaks: ['producers'] },
    ]);
  });

  it('finds the data schema in a whole event, a detail, or data itself', () => {
    const d = CATALOG[0]!;
    const data = zodJsonSchema(d.data, 'draft-07');
    expect(dataSchemaOf(eventEnvelopeSchema(d, 'draft-07'))).toEqual(data);
    expect(dataSchemaOf(zodJsonSchema(d.detail, 'draft-07'))).toEqual(data);
    expect(dataSchemaOf(data)).toEqual(data);
  });
});
