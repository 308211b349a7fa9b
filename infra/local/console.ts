/**
 * Serves the operator console: the page, and its script bundled for the
 * browser by esbuild on first request (so the console needs no build step
 * and always matches the sources).
 */
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

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

export async function serveConsole(url: string, res: ServerResponse): Promise<boolean> {
  if (url === '/' || url === '/index.html') {
    send(res, 200, 'text/html; charset=utf-8', await readFile(path.join(CONSOLE_DIR, 'index.html'), 'utf8'));
    return true;
  }
  if (url === '/console/app.js') {
    send(res, 200, 'text/javascript; charset=utf-8', await bundleApp());
    return true;
  }
  return false;
}
