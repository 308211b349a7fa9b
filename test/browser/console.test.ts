import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestDefinition } from '../../schemas/catalog.ts';
import { newMeta, toEntry } from '../../schemas/entries.ts';
import { TOPOLOGY, type Ministry } from '../../infra/topology.ts';
import { settled, startTestCloud, type TestCloud } from '../integration/cloud-harness.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../output/screenshots');
let env: TestCloud;
let browser: Browser;
let page: Page;

const worker = { citizenship: 'CHN', documentNumber: 'EA7000001' };

function entry(detailType: string, data: Record<string, unknown>, occurredAt: string) {
  const definition = latestDefinition(detailType)!;
  return toEntry(definition, { meta: newMeta(definition, { occurredAt }), data: definition.data.parse(data) } as never, TOPOLOGY.busName);
}

async function seed(): Promise<void> {
  const labour = env.events('labour');
  const holder = { surname: 'NURMATOV', givenNames: 'AIBEK', birthDate: '1990-01-01', sex: 'M' };
  const grants = ['UZB', 'UZB', 'CHN', 'MNG'].map((origin, i) =>
    entry('QandasStatusGranted', { person: { citizenship: origin, documentNumber: `QB${String(i).padStart(7, '0')}` }, holder, qandasId: `Q-2021-00000${i + 1}`, grantedOn: `2021-0${i + 3}-10`, originCountry: origin, settlementRegion: i === 0 ? 'KZ-59' : 'KZ-19', familyMembers: 3, inQuota: i === 0 }, `2021-0${i + 3}-10T09:00:00Z`),
  );
  const permits = [worker, { citizenship: 'TUR', documentNumber: 'U7000002' }].map((person, i) =>
    entry('WorkPermitIssued', { person, permitNumber: `WP-23-2021-70000${i}`, kind: 'lea-employer', employerBin: '990909400012', category: '3', region: 'KZ-23', occupation: 'Engineer', validFrom: '2021-02-01', validUntil: '2022-01-31' }, '2021-02-01T09:00:00Z'),
  );
  // A permit whose employer BIN fails its check digit: accepted by the bus, logged as a contract breach.
  const definition = latestDefinition('WorkPermitIssued')!;
  const breach = toEntry(definition, { meta: newMeta(definition), data: { ...(definition.example as object), employerBin: '990909400013' } } as never, TOPOLOGY.busName);
  await labour.send(new PutEventsCommand({ Entries: [entry('QandasQuotaSet', { year: 2021, region: 'KZ-59', quota: 250 }, '2021-01-05T09:00:00Z'), ...grants, ...permits, breach] }));
  await settled(env);
}

async function signIn(ministry: Ministry, keysOf: Ministry = ministry): Promise<void> {
  const keys = env.cloud.credentials.operators[keysOf];
  await page.goto(env.endpoint);
  await page.selectOption('#ministry', ministry);
  await page.fill('#accessKeyId', keys.accessKeyId);
  await page.fill('#secretAccessKey', keys.secretAccessKey);
  await page.click('#signin button[type=submit]');
}

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  env = await startTestCloud();
  await seed();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

describe('operator console', () => {
  it('signs a labour operator in and shows the dashboard with its charts', async () => {
    await signIn('labour');
    await page.waitForSelector('[data-tile="Qandas granted"]');
    expect(await page.textContent('[data-tile="Qandas granted"]')).toBe('4');
    expect(await page.textContent('[data-tile="Granted in quota"]')).toBe('1');
    await page.waitForFunction(() => document.querySelectorAll('canvas').length >= 3);
    expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(3);
    expect(await page.textContent('#who')).toContain('labour operator');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-labour.png'), fullPage: true });
  });

  it('finds a person: dossier, lineage and the ledger entry this search created', async () => {
    await page.click('#nav button[data-page=people]');
    await page.fill('#citizenship', worker.citizenship);
    await page.fill('#document', worker.documentNumber);
    await page.fill('#purpose', 'permit review 7000');
    await page.click('#search button[type=submit]');
    await page.waitForSelector('#dossier');
    expect(await page.textContent('#dossier')).toContain('WP-23-2021-700000');
    expect(await page.textContent('#lineage')).toContain('WorkPermitIssued');
    const accesses = await page.textContent('#accesses');
    expect(accesses).toContain('permit review 7000');
    expect(accesses).toContain('labour');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'person-dossier.png'), fullPage: true });
  });

  it('asks for a purpose before any person look-up', async () => {
    await page.fill('#purpose', '');
    await page.click('#search button[type=submit]');
    expect(await page.textContent('[role=alert]')).toMatch(/Give the purpose of the look-up/);
  });

  it('shows exchange health, an empty dead-letter state and the contract breaches of the ministry\u2019s sources', async () => {
    await page.click('#nav button[data-page=exchange]');
    await page.waitForSelector('[data-tile="Deliveries pending"]');
    expect(await page.textContent('#letters')).toContain('No dead letters');
    expect(await page.textContent('#health')).toContain('view-labour');
    await page.waitForSelector('#breaches table');
    expect(await page.textContent('#breaches')).toMatch(/1 accepted event\(s\) of your agency's sources broke the contract/);
    expect(await page.textContent('#breaches')).toContain('detail.data.employerBin: BIN check digit does not match');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'exchange-health.png'), fullPage: true });
  });

  it('refuses another ministry\u2019s view with a clear message', async () => {
    await page.click('#signout');
    await signIn('interior', 'labour');
    await page.waitForSelector('#signin-error [role=alert]');
    expect(await page.textContent('#signin-error')).toMatch(/may not read the interior view/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'wrong-ministry.png') });
  });
});
