/**
 * `mx catalog`, `mx schemas export --format asyncapi|eventbridge` and
 * `mx schemas diff`, run as a user runs them. The AsyncAPI document they
 * export is parsed by @asyncapi/parser, which must report no error and no
 * warning, and says what the catalog says.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Parser } from '@asyncapi/parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../../infra/catalog/event-catalog.ts';
import { zodJsonSchema } from '../../infra/catalog/json-schemas.ts';
import { TOPOLOGY } from '../../infra/topology.ts';
import { CATALOG } from '../../schemas/catalog.ts';
import { events } from '../../schemas/index.ts';

const run = promisify(execFile);
const MX = path.resolve(import.meta.dirname, '../../infra/bin/mx.mjs');
const mx = (...args: string[]) => run(process.execPath, [MX, ...args], { maxBuffer: 16 * 1024 * 1024 });
const catalog = buildCatalog();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mx-catalog-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mx catalog', () => {
  it('lists every event with its source and one line, as JSON', async () => {
    const { stdout } = await mx('catalog', '--json');
    expect(JSON.parse(stdout)).toEqual(
      catalog.events.map((e) => ({
        detailType: e.detailType,
        source: e.source,
        schemaVersion: e.latestVersion,
        description: e.description,
      })),
    );
  });

  it('tells everything about one event, whatever the case of its name', async () => {
    const { stdout } = await mx('catalog', 'deportationordered');
    const entry = catalog.events.find((e) => e.detailType === 'DeportationOrdered')!;
    expect(stdout.split('\n')[0]).toBe('DeportationOrdered  (kz.interior.berkut, schema v1)');
    for (const heading of [
      'Schema: detail.data (v1)',
      'Published by',
      `Received by ${entry.receivers.length} subscriptions`,
      'Reactions',
      'Schema versions',
      'Example data',
    ])
      expect(stdout).toContain(`\u2500\u2500 ${heading}`);
    expect(stdout).toContain(
      'command API: POST /commands/berkut {"command":"order-deportation"}, by interior officials',
    );
    for (const r of entry.receivers) expect(stdout).toContain(`${r.subscription} \u2192 ${r.table}`);
    expect(stdout).toMatch(/view-foreign-affairs → ForeignAffairsView[\s\S]*?dropped: region, basis/);
    expect(stdout).toContain('sets off: foreign-labour publishes WorkPermitRevoked');
  });

  it('refuses an unknown detail-type, naming the known ones', async () => {
    await expect(mx('catalog', 'VisaStolen')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^mx: unknown detail-type "VisaStolen"; known: .*\bVisaIssued\b/),
    });
  });
});

describe('mx schemas export --format asyncapi', () => {
  it(
    'writes one AsyncAPI 3.1 document that @asyncapi/parser reads with no error and no warning, and that says what ' +
      'the catalog says',
    async () => {
      const file = path.join(dir, 'exchange.asyncapi.json');
      await mx('schemas', 'export', '--format', 'asyncapi', '--out', file);
      const text = await readFile(file, 'utf8');
      const { document, diagnostics } = await new Parser().parse(text);
      // Spectral severities: 0 error, 1 warning (2 information, 3 hint are advice).
      expect(
        diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`),
      ).toEqual([]);
      expect(document?.version()).toBe('3.1.0');

      const channels = document!
        .channels()
        .all()
        .map((c) => c.address());
      expect(channels).toEqual(catalog.events.map((e) => `${e.source}/${e.detailType}`));
      const operations = document!.operations().all();
      const received = operations.filter((o) => o.action() === 'receive').map((o) => o.id());
      expect(received.sort()).toEqual(
        catalog.events.flatMap((e) => e.receivers.map((r) => `${r.subscription}-receives-${e.detailType}`)).sort(),
      );
      expect(operations.filter((o) => o.action() === 'send')).toHaveLength(catalog.events.length);

      // The rules and legal bases ride along as extensions, from the topology itself.
      const raw = JSON.parse(text) as { operations: Record<string, Record<string, unknown>> };
      const op = raw.operations['view-labour-receives-DeportationOrdered']!;
      const spec = TOPOLOGY.subscriptions.find((s) => s.name === 'view-labour')!;
      expect(op['x-eventbridge-rule']).toEqual({ eventPattern: spec.pattern });
      expect(op['x-legal-basis']).toEqual(spec.legalBasis);

      // Payloads are the contract: the parsed message's schema is the draft-07 schema of the event.
      const message = document!
        .components()
        .messages()
        .all()
        .find((m) => m.id() === 'DeportationOrderedV1')!;
      expect(message.payload()?.json()).toMatchObject({
        schemaFormat: 'application/schema+json;version=draft-07',
        schema: {
          properties: { detail: { properties: { data: zodJsonSchema(events.DeportationOrdered.data, 'draft-07') } } },
        },
      });
    },
  );

  it('the parser it trusts does refuse a broken document', async () => {
    const broken = JSON.parse(await readFile(path.join(dir, 'exchange.asyncapi.json'), 'utf8')) as {
      operations: Record<string, { action: string }>;
    };
    broken.operations['publish-VisaIssued']!.action = 'publish';
    const { diagnostics } = await new Parser().parse(JSON.stringify(broken));
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => d.path.join('.'))).toContain(
      'operations.publish-VisaIssued.action',
    );
  });
});

describe('mx schemas export --format eventbridge', () => {
  it('writes one draft-04 schema per event version, named as the schema registry names it', async () => {
    const out = path.join(dir, 'eventbridge');
    await mx('schemas', 'export', '--format', 'eventbridge', '--out', out);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(CATALOG.map((d) => `${d.source}@${d.detailType}.v${d.schemaVersion}.json`).sort());
    const schema = JSON.parse(await readFile(path.join(out, 'kz.interior.berkut@DeportationOrdered.v1.json'), 'utf8'));
    expect(schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-04/schema#',
      'x-amazon-events-source': 'kz.interior.berkut',
      properties: { 'detail-type': { enum: ['DeportationOrdered'] } },
    });
  });
});

describe('mx schemas diff', () => {
  it('names the breaking changes of a proposed schema, and for whom they break', async () => {
    const proposed = zodJsonSchema(events.VisaIssued.data, 'draft-07') as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
    };
    proposed.properties.visaNumber!.maxLength = 10;
    proposed.properties.purposeOfVisit = { type: 'string' };
    proposed.required.push('purposeOfVisit');
    const file = path.join(dir, 'visa-v2.json');
    await writeFile(file, JSON.stringify(proposed));

    const { stdout } = await mx('schemas', 'diff', 'VisaIssued', '1', file);
    expect(stdout.split('\n')[0]).toBe(`VisaIssued v1 \u2192 ${file}: 2 changes, 2 breaking`);
    expect(stdout).toMatch(/BREAKING\s+data\.visaNumber\s+maxLength 12 → 10\s+breaks producers/);
    expect(stdout).toMatch(/BREAKING\s+data\.purposeOfVisit\s+added, required\s+breaks producers/);

    const json = JSON.parse((await mx('schemas', 'diff', 'VisaIssued', 'v1', '1', '--json')).stdout);
    expect(json).toEqual({ detailType: 'VisaIssued', from: 'v1', to: 'v1', breaking: false, changes: [] });
  });

  it('refuses a version the event does not have', async () => {
    await expect(mx('schemas', 'diff', 'VisaIssued', '1', '7')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('VisaIssued has no schema version "7"; versions: v1'),
    });
  });
});
