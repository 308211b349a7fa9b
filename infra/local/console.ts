/**
 * Serves the operator console: the page, and its script bundled for the
 * browser by esbuild on first request (so the console needs no build step
 * and always matches the sources), under a strict Content-Security-Policy.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import * as path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../paths.ts';

const CONSOLE_DIR = path.join(REPO_ROOT, 'functions', 'console');
let bundle: Promise<string> | undefined;

function bundleApp(): Promise<string> {
  bundle ??= build({
    entryPoints: [path.join(CONSOLE_DIR, 'app.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text);
  bundle.catch(() => (bundle = undefined));
  return bundle;
}

/** The hash of each inline `<style>` block: CSP allows exactly these, so an injected one does not apply. */
export function inlineStyleHashes(html: string): string[] {
  return [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
  );
}

/**
 * The console's policy: its own script only (no inline script, no eval), API
 * calls to this origin only, no plugins, frames, forms posting elsewhere or
 * base-URI tricks, and no framing by other sites. No inline `style="…"`
 * attributes either (style-src-attr 'none'): the console styles by class,
 * and the sizes it computes (a chart's height) it sets through the CSSOM,
 * which CSP does not govern.
 */
export function contentSecurityPolicy(html: string): string {
  const styles = inlineStyleHashes(html).join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' ${styles}`,
    `style-src-elem 'self' ${styles}`,
    "style-src-attr 'none'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Headers every console response carries; the page adds its CSP. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...CONSOLE_HEADERS,
    ...extra,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export async function serveConsole(url: string, res: ServerResponse): Promise<boolean> {
  if (url === '/' || url === '/index.html') {
    const html = await readFile(path.join(CONSOLE_DIR, 'index.html'), 'utf8');
    send(res, 200, 'text/html; charset=utf-8', html, { 'content-security-policy': contentSecurityPolicy(html) });
    return true;
  }
  if (url === '/console/catalog.json') {
    // The event catalog page's data, built from the declarations on first request (infra/catalog/console-document.ts).
    const { catalogDocumentJson } = await import('../catalog/console-document.ts');
    send(res, 200, 'application/json; charset=utf-8', catalogDocumentJson());
    return true;
  }
  if (url === '/console/config.json') {
    // The local cloud's API answers on the page's own host, with no stage: nothing to describe (the
    // console then signs for its host).
    send(res, 200, 'application/json; charset=utf-8', '{}');
    return true;
  }
  if (url === '/console/app.js') {
    send(res, 200, 'text/javascript; charset=utf-8', await bundleApp());
    return true;
  }
  return false;
}
