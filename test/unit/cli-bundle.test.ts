/**
 * The prebuilt CLI: built as `npm ci`'s prepare step builds it, it answers
 * `--help` as the sources do, its start-up path (the entry and every chunk
 * the entry imports statically) holds no AWS SDK code, and `mx` uses it only
 * while it is newer than every source it was built from.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshBundleEntry } from '../../infra/bin/cli-bundle.mjs';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const BUILD = path.join(REPO, 'infra/bin/build-cli.mjs');
const MX = path.join(REPO, 'infra/bin/mx.mjs');

let outdir: string;
let manifest: { entry: string; builtAt: number; sources: string[] };

beforeAll(async () => {
  outdir = await mkdtemp(path.join(tmpdir(), 'mx-cli-bundle-'));
  await run(process.execPath, [BUILD, '--outdir', outdir, '--quiet']);
  manifest = JSON.parse(await readFile(path.join(outdir, 'manifest.json'), 'utf8'));
}, 120_000);

afterAll(async () => {
  await rm(outdir, { recursive: true, force: true });
});

/** The output files `file` imports with a static `import … from "./x.mjs"` (esbuild's chunk imports), transitively. */
async function staticClosure(file: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = await readFile(path.join(outdir, file), 'utf8');
  for (const match of code.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?["']\.\/([^"']+)["'];?$/gm))
    await staticClosure(match[1]!, seen);
  return seen;
}

/**
 * The node_modules packages whose code a bundle file holds (esbuild marks each module with a `//
 * node_modules/<path>` comment).
 */
async function packagesIn(files: Iterable<string>): Promise<Set<string>> {
  const packages = new Set<string>();
  for (const file of files) {
    const code = await readFile(path.join(outdir, file), 'utf8');
    for (const match of code.matchAll(/^\/\/ node_modules\/((?:@[^/\n]+\/)?[^/\n]+)\//gm)) packages.add(match[1]!);
  }
  return packages;
}

describe('the prebuilt mx', () => {
  it('answers --help exactly as the sources do', async () => {
    const bundled = await run(process.execPath, [path.join(outdir, manifest.entry), '--help']);
    const fromSource = await run(process.execPath, [MX, '--help'], {
      env: { ...process.env, MX_CLI_FROM_SOURCE: '1' },
    });
    expect(bundled.stdout).toMatch(/^Usage: mx \[options\] \[command\]/);
    expect(bundled.stdout).toBe(fromSource.stdout);
  }, 60_000);

  it('loads no AWS SDK code to start: the clients are in chunks a command loads when it runs', async () => {
    const startup = await staticClosure(manifest.entry);
    const atStartup = await packagesIn(startup);
    const anywhere = await packagesIn((await readdir(outdir)).filter((name) => name.endsWith('.mjs')));
    expect(atStartup.has('commander')).toBe(true);
    expect([...atStartup].filter((p) => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/'))).toEqual([]);
    // …while the commands' own chunks do hold them (so the check above could fail).
    expect([...anywhere]).toEqual(
      expect.arrayContaining(['@aws-sdk/client-sqs', '@aws-sdk/client-dynamodb', '@aws-sdk/client-eventbridge']),
    );
  });

  it('records the first-party sources it was built from, for mx to tell when it is stale', () => {
    expect(manifest.sources).toEqual(
      expect.arrayContaining(['infra/cli/main.ts', 'infra/cli/dlq.ts', 'infra/topology.ts', 'infra/bin/build-cli.mjs']),
    );
    expect(manifest.sources.some((s) => s.startsWith('node_modules/'))).toBe(false);
    // The local cloud is not bundled: `mx cloud start` runs it from its sources (it loads handler modules at run time).
    expect(manifest.sources).not.toContain('infra/local/cloud.ts');
  });
});

describe('freshBundleEntry', () => {
  it('is the entry while every source is older than the build, and nothing once one is newer or gone', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'mx-cli-fresh-'));
    try {
      const dir = path.join(root, 'dist/cli');
      await mkdir(path.join(root, 'src'), { recursive: true });
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(root, 'src/a.ts'), 'export {};\n');
      await writeFile(path.join(dir, 'mx-1.mjs'), '');
      const builtAt = Date.now();
      const earlier = new Date(builtAt - 60_000);
      await utimes(path.join(root, 'src/a.ts'), earlier, earlier);
      await writeFile(
        path.join(dir, 'manifest.json'),
        JSON.stringify({ entry: 'mx-1.mjs', builtAt, sources: ['src/a.ts'] }),
      );
      expect(freshBundleEntry(dir, root)).toBe(path.join(dir, 'mx-1.mjs'));

      const later = new Date(builtAt + 1000);
      await utimes(path.join(root, 'src/a.ts'), later, later);
      expect(freshBundleEntry(dir, root)).toBeUndefined();

      await writeFile(
        path.join(dir, 'manifest.json'),
        JSON.stringify({ entry: 'mx-1.mjs', builtAt, sources: ['src/gone.ts'] }),
      );
      expect(freshBundleEntry(dir, root)).toBeUndefined();
      await rm(path.join(dir, 'manifest.json'));
      expect(freshBundleEntry(dir, root)).toBeUndefined();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
