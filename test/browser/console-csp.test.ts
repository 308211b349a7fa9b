import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPOLOGY } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry } from '../../schemas/entries.ts';
import { settled, startTestCloud, type TestCloud } from '../integration/cloud-harness.ts';

let env: TestCloud;
let browser: Browser;
let page: Page;
/** Every Content-Security-Policy violation the page reports (the browser blocks what the policy forbids). */
const violations: string[] = [];

beforeAll(async () => {
  env = await startTestCloud();
  await env
    .events('labour')
    .send(new PutEventsCommand({ Entries: [exampleEntry(latestDefinition('WorkPermitIssued')!, TOPOLOGY.busName)] }));
  await settled(env);
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
  await page.exposeFunction('mxViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { mxViolation(t: string): void }).mxViolation(
        `${e.violatedDirective} ${e.blockedURI} ${e.sample}`,
      ),
    );
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

describe('operator console under its Content-Security-Policy', () => {
  it('signs in, draws charts, searches a person and shows the exchange without a single violation', async () => {
    const response = await page.goto(env.endpoint);
    expect(response!.headers()['content-security-policy']).toMatch(/default-src 'none'/);
    expect(response!.headers()['content-security-policy']).toMatch(/style-src-attr 'none'/);
    const keys = env.cloud.credentials.operators.labour;
    await page.fill('#accessKeyId', keys.accessKeyId);
    await page.fill('#secretAccessKey', keys.secretAccessKey);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('[data-tile="Qandas granted"]');
    await page.waitForFunction(() => document.querySelectorAll('canvas').length >= 1);
    // The page's own stylesheet applies (an inline <style> the policy allows by hash).
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('header')!).display)).toBe('flex');

    await page.click('#nav button[data-page=people]');
    const person = (
      latestDefinition('WorkPermitIssued')!.example as { person: { citizenship: string; documentNumber: string } }
    ).person;
    await page.fill('#citizenship', person.citizenship);
    await page.fill('#document', person.documentNumber);
    await page.fill('#purpose', 'csp check');
    await page.click('#search button[type=submit]');
    await page.waitForSelector('#dossier, #result .empty, #result [role=alert]');

    await page.click('#nav button[data-page=exchange]');
    await page.waitForSelector('[data-tile="Deliveries pending"]');
    expect(await page.textContent('#health')).toContain('view-labour');
    expect(violations).toEqual([]);
  });

  it('blocks what the policy forbids: an injected inline script does not run', async () => {
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.mxInjected = true';
      document.body.append(script);
      await new Promise((r) => setTimeout(r, 50));
      return (window as unknown as { mxInjected?: boolean }).mxInjected === true;
    });
    expect(ran).toBe(false);
    expect(violations.some((v) => /script-src/.test(v))).toBe(true);
  });

  it('blocks an injected style attribute: the console needs none', async () => {
    const applied = await page.evaluate(async () => {
      const host = document.createElement('div');
      host.innerHTML = '<p id="mx-injected" style="display: none">x</p>';
      document.body.append(host);
      await new Promise((r) => setTimeout(r, 50));
      return getComputedStyle(document.getElementById('mx-injected')!).display === 'none';
    });
    expect(applied).toBe(false);
    expect(violations.some((v) => /style-src-attr/.test(v))).toBe(true);
  });
});
