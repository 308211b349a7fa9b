import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../schemas/catalog.ts';
import { validateDetail } from '../../schemas/validate.ts';

const run = promisify(execFile);
const MX = path.resolve(import.meta.dirname, '../../infra/bin/mx.mjs');
const mx = (...args: string[]) => run(process.execPath, [MX, ...args]);

describe('mx contract commands', () => {
  it('schemas list --json lists every (source, detailType, schemaVersion)', async () => {
    const { stdout } = await mx('schemas', 'list', '--json');
    expect(JSON.parse(stdout)).toEqual(
      CATALOG.map((d) => ({ source: d.source, detailType: d.detailType, schemaVersion: d.schemaVersion })),
    );
  });

  it('schemas example prints a PutEvents entry whose Detail validates', async () => {
    const { stdout } = await mx('schemas', 'example', 'QandasStatusGranted', '--json');
    const entry = JSON.parse(stdout);
    expect(Object.keys(entry).sort()).toEqual(['Detail', 'DetailType', 'EventBusName', 'Source']);
    expect(entry).toMatchObject({
      Source: 'kz.labour.qandas',
      DetailType: 'QandasStatusGranted',
      EventBusName: 'migration-exchange',
    });
    expect(validateDetail(entry.Source, entry.DetailType, JSON.parse(entry.Detail)).ok).toBe(true);
  });

  it('schemas example refuses an unknown detail-type with the known ones and exit code 1', async () => {
    await expect(mx('schemas', 'example', 'VisaStolen')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/unknown detail-type "VisaStolen"; known: .*VisaIssued/),
    });
  });

  it('schemas export writes one JSON Schema per event', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'mx-schemas-'));
    try {
      await mx('schemas', 'export', '--out', out);
      const files = await readdir(out);
      expect(files).toHaveLength(CATALOG.length);
      const schema = JSON.parse(
        await readFile(path.join(out, 'kz.interior.berkut.DeportationOrdered.v1.schema.json'), 'utf8'),
      );
      expect(schema).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        properties: { source: { const: 'kz.interior.berkut' }, 'detail-type': { const: 'DeportationOrdered' } },
      });
      expect(schema.properties.detail.properties.data.required).toEqual(
        expect.arrayContaining(['person', 'orderNumber', 'entryBanUntil']),
      );
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('regions --json prints the 17 regions and 3 cities', async () => {
    const regions = JSON.parse((await mx('regions', '--json')).stdout);
    expect(regions).toHaveLength(20);
    expect(regions.filter((r: { kind: string }) => r.kind === 'city').map((r: { code: string }) => r.code)).toEqual([
      'KZ-71',
      'KZ-75',
      'KZ-79',
    ]);
    expect(
      regions.filter((r: { qandasQuotaRegion: boolean }) => r.qandasQuotaRegion).map((r: { name: string }) => r.name),
    ).toEqual([
      'Akmola Region',
      'Kostanay Region',
      'Pavlodar Region',
      'North Kazakhstan Region',
      'East Kazakhstan Region',
    ]);
    expect(regions[0]).toEqual(expect.objectContaining({ code: 'KZ-10', name: 'Abai Region' }));
  });
});
