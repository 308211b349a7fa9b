/**
 * The operator console in Chromium, at 1280 and 800 px wide, against a local
 * cloud seeded with a few events per ministry: the keys decide the ministry,
 * wrong keys get one plain sentence; the dashboards name regions, countries,
 * articles and checkpoints, show every month of the year (two coloured series
 * for crossings), cut long breakdowns only with an "Other" bar and a note,
 * title their axes, tick whole numbers, and say what period each figure
 * covers; the dossier is labelled fields and days in words, ids whole.
 * Screenshots of each page go to test/output/screenshots/.
 */
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../../infra/local/credentials.ts';
import { type Ministry, TOPOLOGY } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { newMeta, toEntry } from '../../schemas/entries.ts';
import { settled, startTestCloud, type TestCloud } from '../integration/cloud-harness.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../output/screenshots');
let env: TestCloud;
let browser: Browser;

const worker = { citizenship: 'CHN', documentNumber: 'EA7000001' };
/** Fifteen LEA workers from twelve countries: more than the ten a breakdown shows. */
const WORKER_COUNTRIES = [
  'CHN',
  'CHN',
  'CHN',
  'TUR',
  'TUR',
  'GBR',
  'IND',
  'UZB',
  'KOR',
  'DEU',
  'USA',
  'ITA',
  'FRA',
  'JPN',
  'MYS',
];

function entry(detailType: string, data: Record<string, unknown>, occurredAt: string): PutEventsRequestEntry {
  const definition = latestDefinition(detailType)!;
  return toEntry(
    definition,
    { meta: newMeta(definition, { occurredAt }), data: definition.data.parse(data) } as never,
    TOPOLOGY.busName,
  );
}

async function publish(agency: Ministry, entries: PutEventsRequestEntry[]): Promise<void> {
  const client = env.events(agency);
  for (let i = 0; i < entries.length; i += 10) {
    const result = await client.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
    expect(result.FailedEntryCount).toBe(0);
  }
}

async function seed(): Promise<void> {
  const holder = { surname: 'NURMATOV', givenNames: 'AIBEK', birthDate: '1990-01-01', sex: 'M' };
  const grants = ['UZB', 'UZB', 'CHN', 'MNG'].map((origin, i) =>
    entry(
      'QandasStatusGranted',
      {
        person: { citizenship: origin, documentNumber: `QB${String(i).padStart(7, '0')}` },
        holder,
        qandasId: `Q-2021-00000${i + 1}`,
        grantedOn: `2021-0${i + 3}-10`,
        originCountry: origin,
        settlementRegion: i === 0 ? 'KZ-59' : 'KZ-19',
        familyMembers: 3,
        inQuota: i === 0,
      },
      `2021-0${i + 3}-10T09:00:00Z`,
    ),
  );
  const subsidy = entry(
    'ResettlementSubsidyPaid',
    {
      person: { citizenship: 'UZB', documentNumber: 'QB0000000' },
      qandasId: 'Q-2021-000001',
      kind: 'relocation',
      familyMembers: 3,
      mciUnits: 105,
      mciYear: 2021,
      amountKzt: 306285,
      paidOn: '2021-04-15',
    },
    '2021-04-15T09:00:00Z',
  );
  const permits = WORKER_COUNTRIES.map((citizenship, i) =>
    entry(
      'WorkPermitIssued',
      {
        person: i === 0 ? worker : { citizenship, documentNumber: `N${String(7000000 + i)}` },
        permitNumber: `WP-23-2021-70${String(i).padStart(4, '0')}`,
        kind: 'lea-employer',
        employerBin: '990909400012',
        category: '3',
        region: i % 2 ? 'KZ-75' : 'KZ-23',
        occupation: 'Engineer',
        validFrom: '2021-02-01',
        validUntil: '2022-01-31',
      },
      '2021-02-01T09:00:00Z',
    ),
  );
  // A permit whose employer BIN fails its check digit: accepted by the bus, logged as a contract breach.
  const definition = latestDefinition('WorkPermitIssued')!;
  const breach = toEntry(
    definition,
    { meta: newMeta(definition), data: { ...(definition.example as object), employerBin: '990909400013' } } as never,
    TOPOLOGY.busName,
  );
  await publish('labour', [
    entry('QandasQuotaSet', { year: 2021, region: 'KZ-59', quota: 250 }, '2021-01-05T09:00:00Z'),
    ...grants,
    subsidy,
    ...permits,
    breach,
  ]);

  const offences = ['517', '517', '518', '519'].map((article, i) =>
    entry(
      'AdministrativeOffenceRecorded',
      {
        person: { citizenship: 'UZB', documentNumber: `FA76543${20 + i}` },
        offenceId: `AO-2021-000${4560 + i}`,
        article,
        region: 'KZ-75',
        committedOn: i < 3 ? '2021-03-20' : '2021-11-02',
        penalty: { kind: 'fine', fineMci: 10 },
      },
      i < 3 ? '2021-03-20T09:00:00Z' : '2021-11-02T09:00:00Z',
    ),
  );
  await publish('interior', offences);

  const traveller = { citizenship: 'MNG', documentNumber: 'E8000001' };
  await publish('border-service', [
    entry(
      'BorderCrossingRecorded',
      { person: traveller, direction: 'entry', checkpoint: 'KZ-ALA-AIR', crossedAt: '2021-03-10T09:00:00Z' },
      '2021-03-10T09:00:00Z',
    ),
    entry(
      'BorderCrossingRecorded',
      { person: traveller, direction: 'exit', checkpoint: 'KZ-KHORGOS-ROAD', crossedAt: '2021-05-20T09:00:00Z' },
      '2021-05-20T09:00:00Z',
    ),
    entry(
      'EntryDenied',
      {
        person: { citizenship: 'AFG', documentNumber: 'P0100001' },
        checkpoint: 'KZ-NQZ-AIR',
        deniedAt: '2021-06-01T09:00:00Z',
        reason: 'no-valid-visa',
      },
      '2021-06-01T09:00:00Z',
    ),
  ]);
  await settled(env);
}

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  env = await startTestCloud();
  await seed();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

/** A chart's figures table, row by row: the name shown, the code on hover, the values. */
function figures(page: Page, title: string) {
  return page.$$eval(`[data-chart-title="${title}"] details table tbody tr`, (rows) =>
    rows.map((row) => ({
      name: row.querySelector('th')!.textContent!.trim(),
      code: row.querySelector('th [title]')?.getAttribute('title') ?? undefined,
      values: Array.from(row.querySelectorAll('td'), (td) => td.textContent!.trim()),
    })),
  );
}

/** What Chart.js drew, as the console records it on the canvas. */
async function drawn(
  page: Page,
  title: string,
): Promise<{
  series: { label: string; colour: string }[];
  categoryTitle: string;
  valueTitle: string;
  categories: string[];
  ticks: string[];
}> {
  const canvas = await page.waitForSelector(`[data-chart-title="${title}"] canvas[data-chart]`);
  return JSON.parse((await canvas.getAttribute('data-chart'))!);
}

const notes = (page: Page, title: string) =>
  page.$$eval(`[data-chart-title="${title}"] .note`, (ps) => ps.map((p) => p.textContent!.trim()));

/** The page fits the window: anything wide (a table of ids) scrolls in its own box. */
async function expectNoSidewaysScroll(page: Page, width: number): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

/** Every identifier on the page sits on one line. */
async function expectIdsWhole(page: Page): Promise<void> {
  const broken = await page.$$eval('code.id', (ids) =>
    ids
      .filter((el) => el.getClientRects().length > 1 || el.getBoundingClientRect().height > 24)
      .map((el) => el.textContent),
  );
  expect(broken).toEqual([]);
}

const WHOLE_NUMBER = /^\d{1,3}(,\d{3})*$/;

describe.each([1280, 800])('operator console at %i px', (width) => {
  let page: Page;
  const shot = (name: string) =>
    page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });

  async function signIn(keys: KeyPair): Promise<void> {
    await page.goto(env.endpoint);
    await page.fill('#accessKeyId', keys.accessKeyId);
    await page.fill('#secretAccessKey', keys.secretAccessKey);
    await page.click('#signin button[type=submit]');
  }

  async function refusal(keys: KeyPair): Promise<string> {
    await signIn(keys);
    return (await (await page.waitForSelector('#signin-error [role=alert]')).textContent())!;
  }

  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width, height: 900 } });
  });
  afterAll(async () => {
    await page?.close();
  });

  it('lets the keys decide the ministry, and answers wrong or agency keys with one plain sentence', async () => {
    const operator = env.cloud.credentials.operators.labour;
    await page.goto(env.endpoint);
    expect(await page.locator('#ministry').count()).toBe(0);
    const sentences = [
      await refusal({ accessKeyId: operator.accessKeyId, secretAccessKey: `${operator.secretAccessKey}x` }),
      await refusal({ accessKeyId: 'AKIANOSUCHKEY0000000', secretAccessKey: operator.secretAccessKey }),
      await refusal(env.cloud.credentials.agencies.labour),
    ];
    expect(sentences[0]).toBe('The secret access key does not belong to this access key ID; copy both again.');
    expect(sentences[1]).toBe(
      'This access key ID is not known here; copy it again from your ministry’s operator keys.',
    );
    expect(sentences[2]).toMatch(
      /^These are the Ministry of Labour and Social Protection’s agency keys, .*operator keys/,
    );
    for (const sentence of sentences) expect(sentence).not.toMatch(/signature we calculated|Canonical|Exception|arn:/);
    await shot('signin-agency-keys');
  });

  it('labour dashboard: periods beside figures, names for codes, every month, top countries plus "Other"', async () => {
    await signIn(env.cloud.credentials.operators.labour);
    await page.waitForSelector('[data-tile="LEA permits in force"]');
    expect(await page.textContent('#who')).toContain('Ministry of Labour and Social Protection · operator');
    expect(await page.textContent('[data-tile="LEA permits in force"]')).toBe(String(WORKER_COUNTRIES.length));
    expect(await page.textContent('[data-note="LEA permits in force"]')).toBe('on 31 December 2021');
    expect(await page.textContent('[data-tile="Qandas granted"]')).toBe('4');
    expect(await page.textContent('[data-note="Qandas granted"]')).toBe('1 January – 31 December 2021');
    expect(await page.textContent('[data-tile="Subsidies paid (KZT)"]')).toBe('306,285');

    // Fifteen permits from twelve countries: the top ten, then the other two summed.
    expect(await notes(page, 'LEA permits in force by country')).toEqual([
      'on 31 December 2021',
      'Top 10 of 12 countries; the other 2 are summed as “Other”.',
    ]);
    const byCountry = await figures(page, 'LEA permits in force by country');
    expect(byCountry[0]).toEqual({ name: 'China', code: 'CHN', values: ['3'] });
    expect(byCountry).toHaveLength(11);
    expect(byCountry.at(-1)).toMatchObject({ name: 'Other (2)', values: ['2'] });
    expect(byCountry.reduce((sum, row) => sum + Number(row.values[0]), 0)).toBe(WORKER_COUNTRIES.length);

    expect(await figures(page, 'Qandas by settlement region')).toEqual([
      { name: 'Almaty Region', code: 'KZ-19', values: ['3'] },
      { name: 'North Kazakhstan Region', code: 'KZ-59', values: ['1'] },
    ]);
    const byMonth = await drawn(page, 'Qandas granted by month');
    expect(byMonth.categories).toEqual([
      'Jan',
      'Feb',
      'Mar',
      'Apr',
      'May',
      'Jun',
      'Jul',
      'Aug',
      'Sep',
      'Oct',
      'Nov',
      'Dec',
    ]);
    expect(byMonth.categoryTitle).toBe('Month of 2021');
    expect(byMonth.valueTitle).toBe('Qandas granted');
    expect(byMonth.ticks.length).toBeGreaterThan(1);
    for (const tick of byMonth.ticks) expect(tick).toMatch(WHOLE_NUMBER);
    expect((await figures(page, 'Qandas granted by month')).map((r) => r.values[0])).toEqual([
      '0',
      '0',
      '1',
      '1',
      '1',
      '1',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
    ]);
    const byRegion = await drawn(page, 'LEA permits in force by region');
    // Eight permits in Atyrau Region, seven in the city of Almaty.
    expect(byRegion).toMatchObject({
      categoryTitle: 'Region',
      valueTitle: 'Permits',
      categories: ['Atyrau Region', 'Almaty'],
    });
    await expectNoSidewaysScroll(page, width);
    await shot('dashboard-labour');

    // The paper's permit figure is for 1 December: the tile says so when asked for that day.
    await page.fill('#asOf', '2021-12-01');
    await page.dispatchEvent('#asOf', 'change');
    await page.waitForFunction(
      () => document.querySelector('[data-note="LEA permits in force"]')?.textContent === 'on 1 December 2021',
    );
    expect(await page.textContent('[data-note="Qandas granted"]')).toBe('1 January – 1 December 2021');
  });

  it('shows a dossier of labelled fields, days in words and whole ids, with lineage and the ledger entry', async () => {
    await page.click('#nav button[data-page=people]');
    await page.fill('#citizenship', worker.citizenship);
    await page.fill('#document', worker.documentNumber);
    await page.fill('#purpose', 'permit review 7000');
    await page.click('#search button[type=submit]');
    await page.waitForSelector('#dossier');
    const field = (label: string) =>
      page.$eval(`#dossier .record th:text-is("${label}") + td`, (td) => ({
        text: td.textContent!.trim(),
        code: td.querySelector('[title]')?.getAttribute('title') ?? undefined,
      }));
    expect(await field('Region')).toEqual({ text: 'Atyrau Region', code: 'KZ-23' });
    expect(await field('Valid from')).toEqual({ text: '1 February 2021', code: undefined });
    expect(await field('Valid until')).toEqual({ text: '31 January 2022', code: undefined });
    expect(await field('Kind')).toEqual({ text: 'LEA permit (employer)', code: undefined });
    const dossier = (await page.textContent('#dossier'))!;
    expect(dossier).toContain('WP-23-2021-700000');
    expect(dossier).not.toMatch(/[{}"]|\d{4}-\d{2}-\d{2}/);
    const lineage = (await page.textContent('#lineage'))!;
    expect(lineage).toContain('Work permit issued');
    expect(lineage).toContain('1 February 2021, 09:00 UTC');
    const accesses = (await page.textContent('#accesses'))!;
    expect(accesses).toContain('permit review 7000');
    expect(accesses).toContain('Ministry of Labour and Social Protection');
    await expectIdsWhole(page);
    await expectNoSidewaysScroll(page, width);
    await shot('person-dossier');
  });

  it('asks for a purpose before any person look-up', async () => {
    await page.fill('#purpose', '');
    await page.click('#search button[type=submit]');
    expect(await page.textContent('[role=alert]')).toMatch(/Give the purpose of the look-up/);
  });

  it('shows exchange health, an empty dead-letter state and contract breaches of the ministry’s sources', async () => {
    await page.click('#nav button[data-page=exchange]');
    await page.waitForSelector('[data-tile="Deliveries pending"]');
    expect(await page.textContent('#letters')).toContain('No dead letters');
    expect(await page.textContent('#health')).toContain('view-labour');
    await page.waitForSelector('#breaches table');
    expect(await page.textContent('#breaches')).toMatch(
      /1 accepted event\(s\) of your agency's sources broke the contract/,
    );
    expect(await page.textContent('#breaches')).toContain('detail.data.employerBin: BIN check digit does not match');
    await expectIdsWhole(page);
    await expectNoSidewaysScroll(page, width);
    await shot('exchange-health');
  });

  it('names the articles offences were recorded under, and counts them month by month', async () => {
    await page.click('#signout');
    await signIn(env.cloud.credentials.operators.interior);
    await page.waitForSelector('[data-chart-title="Offences by article"] canvas[data-chart]');
    expect(await page.textContent('#who')).toContain('Ministry of Internal Affairs');
    expect((await figures(page, 'Offences by article')).map((r) => [r.name, r.values[0]])).toEqual([
      ['Art. 517 — Violation of migration law by a foreigner or stateless person', '2'],
      ['Art. 518 — Violation of migration law by a host of foreigners (individual or legal entity)', '1'],
      ['Art. 519 — Employing foreign labour or labour immigrants in breach of the law', '1'],
    ]);
    expect((await figures(page, 'Offences by month')).map((r) => r.values[0])).toEqual([
      '0',
      '0',
      '3',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '1',
      '0',
    ]);
    for (const tick of (await drawn(page, 'Offences by article')).ticks) expect(tick).toMatch(WHOLE_NUMBER);
    await expectNoSidewaysScroll(page, width);
    await shot('dashboard-interior');
  });

  it('draws crossings by month as two coloured series over the whole year, and names checkpoints', async () => {
    await page.click('#signout');
    await signIn(env.cloud.credentials.operators['border-service']);
    const crossings = await drawn(page, 'Crossings by month');
    expect(crossings.categories).toHaveLength(12);
    expect(crossings.series.map((s) => s.label)).toEqual(['Entries', 'Exits']);
    expect(new Set(crossings.series.map((s) => s.colour)).size).toBe(2);
    expect((await figures(page, 'Crossings by month')).filter((r) => r.values.some((v) => v !== '0'))).toEqual([
      { name: 'Mar', code: '2021-03', values: ['1', '0'] },
      { name: 'May', code: '2021-05', values: ['0', '1'] },
    ]);
    expect(await figures(page, 'Crossings by checkpoint')).toEqual([
      { name: 'Almaty airport', code: 'KZ-ALA-AIR', values: ['1', '0'] },
      { name: 'Khorgos (road, China)', code: 'KZ-KHORGOS-ROAD', values: ['0', '1'] },
    ]);
    expect((await drawn(page, 'Crossings by checkpoint')).series.map((s) => s.label)).toEqual(['Entries', 'Exits']);
    expect(await figures(page, 'Entry denials by reason')).toEqual([
      { name: 'No valid visa', code: 'no-valid-visa', values: ['1'] },
    ]);
    await expectNoSidewaysScroll(page, width);
    await shot('dashboard-border-service');
  });
});
