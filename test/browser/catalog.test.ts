/**
 * The console's catalog page in Chromium at 1280 px: the exchange picture is
 * readable (every label in its box, no box over another, no text under
 * 11 px, nothing wider than the window), the search finds events by field
 * and by name, and an event's page shows what the catalog says about it.
 */
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../../infra/catalog/event-catalog.ts';
import { startTestCloud, type TestCloud } from '../integration/cloud-harness.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../output/screenshots');
const catalog = buildCatalog();
let env: TestCloud;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  env = await startTestCloud();
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
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // A CSP violation or a script error on the page is a failure of the page (the browser's own favicon request is not).
  page.on(
    'console',
    (m) =>
      m.type() === 'error' &&
      !m.location().url.endsWith('/favicon.ico') &&
      problems.push(`${m.text()} (${m.location().url})`),
  );
  page.on('pageerror', (e) => problems.push(e.message));
  const keys = env.cloud.credentials.operators.interior;
  await page.goto(env.endpoint);
  await page.fill('#accessKeyId', keys.accessKeyId);
  await page.fill('#secretAccessKey', keys.secretAccessKey);
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#nav button[data-page=catalog]:visible');
  await page.click('#nav button[data-page=catalog]');
  await page.waitForSelector('#catalog-diagram svg');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

describe('the catalog page', () => {
  it(
    'draws the exchange readably at 1280 px: labels inside their boxes, no overlaps, nothing under 11 px, no ' +
      'sideways scrolling',
    async () => {
      const measured = await page.evaluate(() => {
        const svg = document.querySelector<SVGSVGElement>('#catalog-diagram svg')!;
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        const inside = (inner: DOMRect, outer: DOMRect) =>
          inner.left >= outer.left - 0.5 &&
          inner.right <= outer.right + 0.5 &&
          inner.top >= outer.top - 0.5 &&
          inner.bottom <= outer.bottom + 0.5;
        const overlap = (a: DOMRect, b: DOMRect) =>
          a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        const nodes = Array.from(svg.querySelectorAll<SVGGElement>('g[data-node]'));
        const boxes = nodes.map((g) => ({
          id: g.dataset.node!,
          box: g.querySelector('rect')!.getBoundingClientRect(),
        }));
        const overflowing = nodes.flatMap((g) => {
          const box = g.querySelector('rect')!.getBoundingClientRect();
          return Array.from(g.querySelectorAll('text'))
            .filter((t) => !inside(t.getBoundingClientRect(), box))
            .map((t) => `${g.dataset.node}: ${t.textContent}`);
        });
        const overlapping = boxes.flatMap((a, i) =>
          boxes
            .slice(i + 1)
            .filter((b) => overlap(a.box, b.box))
            .map((b) => `${a.id} / ${b.id}`),
        );
        const labels = Array.from(svg.querySelectorAll<SVGTextElement>('g[data-reaction] text')).map((t) =>
          t.getBoundingClientRect(),
        );
        const labelsOverlapping = labels.some((a, i) => labels.slice(i + 1).some((b) => overlap(a, b)));
        const smallest = Math.min(
          ...Array.from(svg.querySelectorAll('text')).map((t) => Number(t.getAttribute('font-size')) * scale),
        );
        return {
          scale,
          nodes: nodes.length,
          overflowing,
          overlapping,
          labelsOverlapping,
          smallest,
          pageWidth: document.documentElement.scrollWidth,
          svgRight: svg.getBoundingClientRect().right,
          reactions: svg.querySelectorAll('g[data-reaction]').length,
        };
      });
      expect(measured.overflowing).toEqual([]);
      expect(measured.overlapping).toEqual([]);
      expect(measured.labelsOverlapping).toBe(false);
      expect(measured.smallest).toBeGreaterThanOrEqual(11);
      expect(measured.pageWidth).toBeLessThanOrEqual(1280);
      expect(measured.svgRight).toBeLessThanOrEqual(1280);
      const reacting = new Set(catalog.events.flatMap((e) => e.triggers.map((t) => t.system)));
      expect(measured.reactions).toBe(reacting.size);
      await page.locator('#catalog-diagram').screenshot({ path: path.join(SCREENSHOTS, 'catalog-exchange-1280.png') });
    },
  );

  it('finds the events that carry a field, and opens the one page a name matches', async () => {
    const withPermitNumber = catalog.events
      .filter((e) => e.versions.some((v) => v.fields.some((f) => f.path === 'permitNumber')))
      .map((e) => e.detailType);
    await page.fill('#catalog-search', 'permitNumber');
    expect(
      await page
        .locator('#catalog-events details:visible')
        .evaluateAll((ds) => ds.map((d) => (d as HTMLElement).dataset.event)),
    ).toEqual(withPermitNumber);
    expect(await page.textContent('#catalog-count')).toBe(
      `${withPermitNumber.length} of ${catalog.events.length} events match.`,
    );

    await page.fill('#catalog-search', 'deportationordered');
    const details = page.locator('#event-DeportationOrdered');
    await expect.poll(() => details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await page.locator('#catalog-events details:visible').count()).toBe(1);
  });

  it(
    'shows an event\u2019s page as the catalog has it: fields, publishers, every subscription with its legal ' +
      'basis, kept and dropped fields, reactions',
    async () => {
      const entry = catalog.events.find((e) => e.detailType === 'DeportationOrdered')!;
      const details = page.locator('#event-DeportationOrdered');
      expect(await details.locator('[data-section=schema] tbody tr td:first-child').allTextContents()).toEqual(
        entry.versions.at(-1)!.fields.map((f) => f.path),
      );
      expect(
        await details
          .locator('[data-section=receivers] tbody tr')
          .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.subscription)),
      ).toEqual(entry.receivers.map((r) => r.subscription));
      const mfa = entry.receivers.find((r) => r.subscription === 'view-foreign-affairs')!;
      const row = details.locator('[data-section=receivers] tr[data-subscription=view-foreign-affairs]');
      expect(await row.textContent()).toContain(mfa.legalBasis.article);
      expect(await row.textContent()).toContain(`dropped: ${mfa.records[0]!.dropped.join(', ')}`);
      expect(await details.locator('[data-section=publishing]').textContent()).toContain(
        'POST /commands/berkut {"command":"order-deportation"}',
      );
      expect(await details.locator('[data-section=reactions]').textContent()).toContain(
        'Sets off: foreign-labour publishes WorkPermitRevoked',
      );
      expect(await page.locator('#catalog-matrix tbody tr').count()).toBe(catalog.events.length);
      expect(await page.locator('#catalog-matrix thead th').allTextContents()).toEqual([
        'Event',
        ...catalog.subscriptions.map((s) => s.name),
      ]);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'catalog-event-1280.png'), fullPage: true });
    },
  );

  it('shows what a subscription receives when its box in the picture is clicked', async () => {
    await page.click('#catalog-diagram g[data-node="view-border-service"]');
    const received = catalog.events
      .filter((e) => e.receivers.some((r) => r.subscription === 'view-border-service'))
      .map((e) => e.detailType);
    expect(await page.inputValue('#catalog-search')).toBe('view-border-service');
    expect(
      await page
        .locator('#catalog-events details:visible')
        .evaluateAll((ds) => ds.map((d) => (d as HTMLElement).dataset.event)),
    ).toEqual(received);
  });

  it('ran without a script error or a CSP violation', () => {
    expect(problems).toEqual([]);
  });
});
