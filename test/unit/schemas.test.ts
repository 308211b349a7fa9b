import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { CATALOG, findDefinition } from '../../schemas/catalog.ts';
import { type EventDefinition, SOURCES } from '../../schemas/define.ts';
import { newMeta } from '../../schemas/entries.ts';
import { EventValidationError, type FieldIssue, parseDetail, validateDetail } from '../../schemas/validate.ts';

const REQUIRED_CATALOG = [
  'VisaIssued',
  'VisaRevoked',
  'BorderCrossingRecorded',
  'EntryDenied',
  'StayRegistered',
  'AdministrativeOffenceRecorded',
  'DeportationOrdered',
  'ResidencePermitIssued',
  'CitizenshipGranted',
  'WorkPermitIssued',
  'WorkPermitExtended',
  'WorkPermitRevoked',
  'LabourQuotaSet',
  'QandasStatusGranted',
  'QandasQuotaSet',
  'ResettlementSubsidyPaid',
  'OverstayDetected',
];

function detailOf(definition: EventDefinition, data: unknown = definition.example) {
  return { meta: newMeta(definition), data: structuredClone(data) };
}

// The mutations write values of the wrong type on purpose (a string where a number goes, {} for a person).
// biome-ignore lint/suspicious/noExplicitAny: see above; the schema under test is what types this data.
type Untyped = Record<string, any>;

function issuesFor(detailType: string, mutate: (data: Untyped) => void): FieldIssue[] {
  const definition = CATALOG.find((d) => d.detailType === detailType)!;
  const data = structuredClone(definition.example) as Untyped;
  mutate(data);
  const result = validateDetail(definition.source, definition.detailType, detailOf(definition, data));
  expect(result.ok).toBe(false);
  return result.ok ? [] : [...result.issues];
}

describe('event catalog', () => {
  it('covers the minimum catalog of DESIGN.md §3 and every producing source', () => {
    const names = CATALOG.map((d) => d.detailType);
    for (const name of REQUIRED_CATALOG) expect(names).toContain(name);
    expect(new Set(CATALOG.map((d) => d.source))).toEqual(new Set(Object.values(SOURCES)));
  });

  it.each(CATALOG.map((d) => [d.detailType, d] as const))('%s: the example parses', (_, definition) => {
    const result = validateDetail(definition.source, definition.detailType, detailOf(definition));
    expect(result).toMatchObject({ ok: true, definition: { detailType: definition.detailType } });
  });

  it.each(CATALOG.filter((d) => d.aboutPerson).map((d) => [d.detailType, d] as const))(
    '%s: carries the person at data.person and refuses an event without it',
    (_, definition) => {
      expect((definition.example as { person?: unknown }).person).toBeDefined();
      const issues = issuesFor(definition.detailType, (data) => delete data.person);
      expect(issues).toContainEqual({ path: 'detail.data.person', message: expect.stringMatching(/expected object/) });
    },
  );

  it.each(CATALOG.map((d) => [d.detailType, d] as const))(
    '%s: every required field is required, by path',
    (_, definition) => {
      const example = definition.example as Record<string, unknown>;
      const shape =
        (definition.data as unknown as { shape?: Record<string, { safeParse(v: unknown): { success: boolean } }> })
          .shape ??
        (
          definition.data as unknown as {
            def: { in?: { shape: Record<string, { safeParse(v: unknown): { success: boolean } }> } };
          }
        ).def?.in?.shape;
      const required = Object.keys(example).filter((key) => shape?.[key] && !shape[key]!.safeParse(undefined).success);
      expect(required.length).toBeGreaterThan(0);
      for (const field of required) {
        const issues = issuesFor(definition.detailType, (data) => delete data[field]);
        expect(issues.map((i) => i.path)).toContain(`detail.data.${field}`);
      }
    },
  );
});

describe('field validation names the field and what was expected', () => {
  it('refuses a bad IIN check digit', () => {
    const issues = issuesFor('CitizenshipGranted', (d) => (d.iin = '900101300018'));
    expect(issues).toEqual([{ path: 'detail.data.iin', message: 'IIN check digit does not match' }]);
  });

  it('refuses an IIN that is not 12 digits, once', () => {
    const issues = issuesFor('CitizenshipGranted', (d) => (d.iin = '12345'));
    expect(issues).toEqual([{ path: 'detail.data.iin', message: 'an IIN is exactly 12 digits' }]);
  });

  it('refuses a bad employer BIN', () => {
    const issues = issuesFor('WorkPermitIssued', (d) => (d.employerBin = '990909400013'));
    expect(issues).toEqual([{ path: 'detail.data.employerBin', message: 'BIN check digit does not match' }]);
  });

  it('requires the employer BIN on an LEA permit only', () => {
    const issues = issuesFor('WorkPermitIssued', (d) => delete d.employerBin);
    expect(issues).toEqual([{ path: 'detail.data.employerBin', message: 'an LEA permit needs the employer BIN' }]);
    const individual = CATALOG.find((d) => d.detailType === 'WorkPermitIssued')!;
    const data = { ...(structuredClone(individual.example) as object), kind: 'individual', employerBin: undefined };
    expect(validateDetail(individual.source, 'WorkPermitIssued', detailOf(individual, data)).ok).toBe(true);
  });

  it('refuses an unknown region code and lists the allowed ones', () => {
    const [issue] = issuesFor('StayRegistered', (d) => (d.region = 'KZ-99'));
    expect(issue!.path).toBe('detail.data.region');
    expect(issue!.message).toMatch(/unknown ISO 3166-2:KZ region code "KZ-99"; expected one of KZ-10, KZ-11/);
  });

  it('refuses an unknown country code', () => {
    const issues = issuesFor('VisaIssued', (d) => (d.person.citizenship = 'XXX'));
    expect(issues).toEqual([
      { path: 'detail.data.person.citizenship', message: 'unknown ISO 3166-1 alpha-3 country code "XXX"' },
    ]);
  });

  it('refuses a wrong type with what was expected', () => {
    const issues = issuesFor('QandasStatusGranted', (d) => (d.familyMembers = 'four'));
    expect(issues).toEqual([
      { path: 'detail.data.familyMembers', message: expect.stringMatching(/expected number, received string/) },
    ]);
  });

  it('refuses a foreigner without a document number, and a person with no identity at all', () => {
    expect(issuesFor('EntryDenied', (d) => delete d.person.documentNumber)).toEqual([
      { path: 'detail.data.person.documentNumber', message: expect.stringMatching(/required with citizenship/) },
    ]);
    expect(issuesFor('EntryDenied', (d) => (d.person = {}))).toEqual([
      { path: 'detail.data.person.iin', message: 'a person needs an iin, or citizenship and documentNumber' },
    ]);
  });

  it('refuses unknown fields rather than dropping them silently', () => {
    const issues = issuesFor('VisaRevoked', (d) => (d.comment = 'x'));
    expect(issues).toEqual([{ path: 'detail.data', message: expect.stringMatching(/Unrecognized key: "comment"/) }]);
  });

  it('refuses inconsistent dates', () => {
    expect(issuesFor('VisaIssued', (d) => (d.validUntil = '2020-01-01'))).toEqual([
      { path: 'detail.data.validUntil', message: 'validUntil must not be before validFrom' },
    ]);
    expect(issuesFor('VisaIssued', (d) => (d.validFrom = '2021-13-01'))[0]).toMatchObject({
      path: 'detail.data.validFrom',
    });
  });

  it('reports every failing field at once', () => {
    const issues = issuesFor('AdministrativeOffenceRecorded', (d) => {
      d.article = 'five';
      d.region = 'nowhere';
      d.penalty = { kind: 'fine' };
    });
    expect(issues.map((i) => i.path).sort()).toEqual([
      'detail.data.article',
      'detail.data.penalty.fineMci',
      'detail.data.region',
    ]);
  });
});

describe('envelope', () => {
  const visa = findDefinition(SOURCES.foreignAffairs, 'VisaIssued')!;

  it('requires meta fields by path', () => {
    const detail = detailOf(visa) as { meta: Record<string, unknown> };
    delete detail.meta.eventId;
    detail.meta.occurredAt = 'yesterday';
    const result = validateDetail(visa.source, visa.detailType, detail);
    expect(result.ok ? [] : result.issues.map((i) => i.path).sort()).toEqual([
      'detail.meta.eventId',
      'detail.meta.occurredAt',
    ]);
  });

  it('names the detail-type, source or version that has no schema', () => {
    const detail = detailOf(visa);
    expect(validateDetail(visa.source, 'VisaStolen', detail)).toEqual({
      ok: false,
      issues: [{ path: 'detail-type', message: 'unknown detail-type "VisaStolen"' }],
    });
    expect(validateDetail(SOURCES.interior, 'VisaIssued', detail)).toEqual({
      ok: false,
      issues: [
        { path: 'source', message: 'VisaIssued is published by kz.foreign-affairs.berkut, not "kz.interior.berkut"' },
      ],
    });
    expect(
      validateDetail(visa.source, 'VisaIssued', { ...detail, meta: { ...detail.meta, schemaVersion: 7 } }),
    ).toEqual({
      ok: false,
      issues: [{ path: 'detail.meta.schemaVersion', message: 'no schema version 7 of VisaIssued; known: 1' }],
    });
  });

  it('parseDetail throws an EventValidationError that lists the issues', () => {
    expect(() => parseDetail(visa.source, visa.detailType, { meta: {}, data: {} })).toThrow(EventValidationError);
    expect(() => parseDetail(visa.source, visa.detailType, null)).toThrow(
      expect.objectContaining({ issues: [{ path: 'detail', message: expect.stringMatching(/expected object/) }] }),
    );
  });
});

describe('bounds', () => {
  type Node = {
    type?: string | string[];
    maxLength?: number;
    maximum?: number;
    exclusiveMaximum?: number;
    enum?: unknown[];
    const?: unknown;
    format?: string;
    properties?: Record<string, Node>;
    items?: Node;
    anyOf?: Node[];
    oneOf?: Node[];
    allOf?: Node[];
  };
  /** Every path to a string or number in a JSON Schema that has no upper bound. */
  function unbounded(node: Node, path: string, out: string[]): string[] {
    if (node.enum || node.const !== undefined) return out;
    const types = [node.type ?? []].flat();
    if (
      types.includes('string') &&
      node.maxLength === undefined &&
      !['date', 'date-time', 'uuid'].includes(node.format ?? '')
    )
      out.push(`${path} (string)`);
    if (
      (types.includes('number') || types.includes('integer')) &&
      node.maximum === undefined &&
      node.exclusiveMaximum === undefined
    )
      out.push(`${path} (number)`);
    for (const [key, child] of Object.entries(node.properties ?? {})) unbounded(child, `${path}.${key}`, out);
    if (node.items) unbounded(node.items, `${path}[]`, out);
    for (const child of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])])
      unbounded(child, path, out);
    return out;
  }

  it(
    'gives every string a maximum length and every number a finite maximum, so a pathological value is refused at ' +
      'the door',
    () => {
      const problems = CATALOG.flatMap((d) =>
        unbounded(
          z.toJSONSchema(d.detail, { io: 'input', unrepresentable: 'any' }) as Node,
          `${d.detailType}.detail`,
          [],
        ),
      );
      expect(problems).toEqual([]);
    },
  );

  it('refuses the values that once parked good events: a fine of 1e300 MCI and a 450 kB visa number', () => {
    expect(
      issuesFor('AdministrativeOffenceRecorded', (d) => (d.penalty = { kind: 'fine', fineMci: 1e300 })),
    ).toContainEqual({ path: 'detail.data.penalty.fineMci', message: 'at most 100,000 MCI' });
    expect(issuesFor('VisaIssued', (d) => (d.visaNumber = 'A'.repeat(450_000))).map((i) => i.path)).toContain(
      'detail.data.visaNumber',
    );
  });
});
