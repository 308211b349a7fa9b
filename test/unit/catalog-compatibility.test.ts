/**
 * Every published schema version keeps its promises: its frozen fixtures
 * (test/fixtures/events/<detail-type>/v<n>/) are still accepted and still
 * projected by every consumer, its schema has not changed in a way that
 * breaks producers or consumers, and a newer version gives consumers what
 * the one before did. The checker is run on the real contract, then on
 * contracts broken on purpose, each of which it must name.
 */
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compatibilityProblems, type PublishedSchema } from '../../infra/catalog/compatibility.ts';
import {
  type Fixture,
  type FixtureEvent,
  fixtureDir,
  fixturesFor,
  PUBLISHED_SCHEMA_FILE,
} from '../../infra/catalog/fixtures.ts';
import { type JsonSchema, zodJsonSchema } from '../../infra/catalog/json-schemas.ts';
import { CATALOG } from '../../schemas/catalog.ts';
import { defineEvent, type EventDefinition, SOURCES } from '../../schemas/define.ts';
import { VisaNumber } from '../../schemas/events/foreign-affairs.ts';
import { events } from '../../schemas/index.ts';
import { PersonRef } from '../../schemas/person.ts';
import { IsoDate } from '../../schemas/primitives.ts';
import * as z from '../../schemas/zod.ts';

const ROOT = path.resolve(import.meta.dirname, '../fixtures/events');
let fixtures: Fixture[];
let published: PublishedSchema[];

beforeAll(async () => {
  fixtures = [];
  published = [];
  for (const detailType of await readdir(ROOT)) {
    for (const versionDir of await readdir(path.join(ROOT, detailType))) {
      const version = Number(versionDir.replace(/^v/, ''));
      for (const file of await readdir(path.join(ROOT, detailType, versionDir))) {
        const json = JSON.parse(await readFile(path.join(ROOT, detailType, versionDir, file), 'utf8')) as unknown;
        if (file === PUBLISHED_SCHEMA_FILE) published.push({ detailType, version, schema: json as JsonSchema });
        else fixtures.push({ detailType, version, name: file.replace(/\.json$/, ''), event: json as FixtureEvent });
      }
    }
  }
});

describe('the published contract', () => {
  it('has fixtures and a published schema for every served version, in <detail-type>/v<n>/', () => {
    for (const d of CATALOG) {
      expect(
        fixtures.filter((f) => f.detailType === d.detailType && f.version === d.schemaVersion).length,
        fixtureDir(d.detailType, d.schemaVersion),
      ).toBeGreaterThan(0);
      expect(
        published.some((p) => p.detailType === d.detailType && p.version === d.schemaVersion),
        fixtureDir(d.detailType, d.schemaVersion),
      ).toBe(true);
    }
    expect(fixtures.length).toBeGreaterThanOrEqual(CATALOG.length * 2);
  });

  it(
    'still accepts every fixture, projects it in every consumer, ' + 'and keeps every published schema\u2019s promises',
    () => {
      expect(compatibilityProblems({ definitions: CATALOG, fixtures, published })).toEqual([]);
    },
  );
});

/** VisaIssued's data as published (v1), redefined here so versions of it can be made up. */
const visaV1 = events.VisaIssued;
const visa = (version: number, data: z.ZodMiniType, example: unknown): EventDefinition =>
  defineEvent({
    source: SOURCES.foreignAffairs,
    detailType: 'VisaIssued',
    schemaVersion: version,
    description: `VisaIssued v${version}`,
    data,
    example: example as never,
  });
/** zod 4 keeps refinements inside the object schema; safeExtend keeps them when adding a field. */
const v1Data = visaV1.data as unknown as z.ZodMiniObject;

describe('the compatibility checker names each broken promise', () => {
  const ownFixtures = () => fixtures.filter((f) => f.detailType === 'VisaIssued');
  const ownPublished = () => published.filter((p) => p.detailType === 'VisaIssued');

  it('a published version whose schema was tightened in place', () => {
    // What was published let visa numbers run to 20 characters; today's v1 stops at 12.
    const loose = structuredClone(ownPublished()[0]!);
    ((loose.schema.properties as Record<string, JsonSchema>).visaNumber as JsonSchema).maxLength = 20;
    expect(compatibilityProblems({ definitions: [visaV1], fixtures: ownFixtures(), published: [loose] })).toEqual([
      'VisaIssued v1 changed since it was published: data.visaNumber maxLength 20 \u2192 12 (breaks producers); ' +
        'publish the change as v2 and keep v1',
    ]);
  });

  it('a fixture the version no longer accepts', () => {
    const [first] = ownFixtures();
    const refused = {
      ...first!,
      name: 'lowercase-visa',
      event: {
        ...first!.event,
        detail: { ...first!.event.detail, data: { ...(first!.event.detail.data as object), visaNumber: 'kz0012345' } },
      },
    };
    expect(compatibilityProblems({ definitions: [visaV1], fixtures: [refused], published: ownPublished() })).toEqual([
      'VisaIssued v1 fixture lowercase-visa is refused: detail.data.visaNumber: a visa number is 6-12 upper-case ' +
        'Latin letters or digits',
    ]);
  });

  it('a published version that is no longer served', () => {
    const v2 = visa(2, visaV1.data, visaV1.example);
    const problems = compatibilityProblems({
      definitions: [v2],
      fixtures: [...ownFixtures(), ...fixturesFor(v2)],
      published: [
        ...ownPublished(),
        { detailType: 'VisaIssued', version: 2, schema: zodJsonSchema(v2.data, 'draft-07') },
      ],
    });
    expect(problems.length).toBe(ownFixtures().length);
    expect(problems[0]).toMatch(
      /^VisaIssued v1 fixture \S+: version 1 is no longer served; a published version must stay accepted$/,
    );
  });

  it('a new version without fixtures or a published schema', () => {
    const v2 = visa(2, visaV1.data, visaV1.example);
    expect(
      compatibilityProblems({ definitions: [visaV1, v2], fixtures: ownFixtures(), published: ownPublished() }),
    ).toEqual([
      'VisaIssued v2 has no frozen fixtures: freeze them with `npx mx schemas fixtures --out test/fixtures/events`',
      'VisaIssued v2 has no published schema: freeze it with `npx mx schemas fixtures --out test/fixtures/events`',
    ]);
  });

  it('a new version that stops giving consumers a field they read (the views keep visaType)', () => {
    const data = z.strictObject({
      person: PersonRef,
      visaNumber: VisaNumber,
      validFrom: IsoDate,
      validUntil: IsoDate,
      entries: z.enum(['single', 'double', 'multiple']),
      issuedIn: z.string(),
    });
    const { visaType: _dropped, holder: _holder, ...example } = visaV1.example;
    const v2 = visa(2, data, example);
    const problems = compatibilityProblems({
      definitions: [visaV1, v2],
      fixtures: [...ownFixtures(), ...fixturesFor(v2)],
      published: [
        ...ownPublished(),
        { detailType: 'VisaIssued', version: 2, schema: zodJsonSchema(v2.data, 'draft-07') },
      ],
    });
    expect(problems).toEqual([
      'VisaIssued v2 no longer gives consumers profile.holder, visa.visaType, which they read from v1',
    ]);
  });

  it('accepts a new version that only adds an optional field, with v1 still served', () => {
    expect(v1Data).toBeInstanceOf(z.ZodMiniObject);
    const v2 = visa(
      2,
      z.safeExtend(v1Data, { remarks: z.optional(z.string().check(z.maxLength(200))) }),
      visaV1.example,
    );
    expect(
      compatibilityProblems({
        definitions: [visaV1, v2],
        fixtures: [...ownFixtures(), ...fixturesFor(v2)],
        published: [
          ...ownPublished(),
          { detailType: 'VisaIssued', version: 2, schema: zodJsonSchema(v2.data, 'draft-07') },
        ],
      }),
    ).toEqual([]);
  });
});
