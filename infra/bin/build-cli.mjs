#!/usr/bin/env node
// Builds the prebuilt `mx` CLI into dist/cli: one ES module per command's
// code (esbuild splitting), so `mx --help` loads only the command
// declarations and each command loads the AWS SDK clients it uses when it
// runs. npm's prepare step runs this on `npm ci`/`npm install`;
// `npm run build:cli` after editing the CLI's sources (until then `mx` runs
// the sources through tsx: infra/bin/mx.mjs checks the manifest written here).
//
//   node infra/bin/build-cli.mjs [--outdir <dir>] [--if-stale] [--quiet]
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { BUNDLE_DIR, freshBundleEntry, MANIFEST, REPO_ROOT } from './cli-bundle.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const outdir = path.resolve(option('--outdir') ?? BUNDLE_DIR);
const quiet = args.includes('--quiet');

/** Files left by earlier builds are removed only once no running `mx` can still be loading them. */
const OLD_BUILD_GRACE_MS = 10 * 60 * 1000;

/**
 * A bundled module that computes paths from its own location would compute
 * them from dist/cli. infra/cli sits at the same depth, so its modules may;
 * any other first-party module doing so fails the build, naming the file.
 */
const importMetaGuard = {
  name: 'import-meta-guard',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      const relative = path.relative(REPO_ROOT, args.path);
      if (relative.startsWith('node_modules') || path.dirname(relative) === path.join('infra', 'cli')) return undefined;
      if (!(await readFile(args.path, 'utf8')).includes('import.meta')) return undefined;
      return {
        errors: [
          {
            text:
              `${relative} uses import.meta; bundled into ${path.relative(REPO_ROOT, outdir)} its paths would be ` +
              `wrong: load it at run time (importTypeScript, as cloud-start.ts does) or keep the path logic in ` +
              `infra/cli`,
          },
        ],
      };
    });
  },
};

/** What the CLI and its worker threads are built with alike. */
const COMMON = {
  absWorkingDir: REPO_ROOT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  outExtension: { '.js': '.mjs' },
  // Bundled CommonJS packages call require(); an ES module has none of its own.
  banner: {
    js:
      "import { createRequire as __mxCreateRequire } from 'node:module'; const require = " +
      '__mxCreateRequire(import.meta.url);',
  },
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [importMetaGuard],
};

if (args.includes('--if-stale') && freshBundleEntry(outdir)) process.exit(0);

// Taken before any source is read: a source saved during the build counts as newer than the bundle.
const builtAt = Date.now();
const started = performance.now();
let result;
try {
  result = await esbuild.build({
    ...COMMON,
    entryPoints: { mx: 'infra/cli/main.ts' },
    splitting: true,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    // tsx is loaded at run time by `mx cloud start`, which runs the local cloud from its sources.
    external: ['tsx', 'tsx/*'],
  });
  // Worker threads are started by file name (new URL('./leaf-hash-worker.mjs', import.meta.url)), so each is
  // bundled whole under its own unhashed name beside the chunks.
  const workers = await esbuild.build({
    ...COMMON,
    entryPoints: { 'leaf-hash-worker': 'infra/cli/leaf-hash-worker.ts' },
  });
  for (const [file, output] of Object.entries(workers.metafile.outputs)) result.metafile.outputs[file] = output;
  Object.assign(result.metafile.inputs, workers.metafile.inputs);
} catch {
  // esbuild has printed each error with its file and line.
  process.exit(1);
}

const outputs = Object.entries(result.metafile.outputs);
const entry = outputs.find(([, output]) => output.entryPoint === 'infra/cli/main.ts')?.[0];
if (!entry) throw new Error('esbuild wrote no output for infra/cli/main.ts');
const sources = [
  ...Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('node_modules/')),
  // So do a new build configuration and new dependency versions (`npm install <pkg>` writes
  // the lock but runs no prepare).
  'infra/bin/build-cli.mjs',
  'package-lock.json',
];
const manifest = { entry: path.basename(entry), builtAt, node: process.version, sources };
// The manifest is what `mx` reads first: it switches to the new build at once, never to half of one.
const partial = path.join(outdir, `${MANIFEST}.${process.pid}.tmp`);
await writeFile(partial, `${JSON.stringify(manifest, null, 2)}\n`);
await rename(partial, path.join(outdir, MANIFEST));

const current = new Set([MANIFEST, ...outputs.map(([file]) => path.basename(file))]);
for (const name of await readdir(outdir)) {
  if (current.has(name)) continue;
  const file = path.join(outdir, name);
  const { mtimeMs } = await stat(file).catch(() => ({ mtimeMs: Date.now() }));
  if (Date.now() - mtimeMs > OLD_BUILD_GRACE_MS) await rm(file, { force: true });
}

if (!quiet) {
  const kilobytes = Math.round(outputs.reduce((sum, [, output]) => sum + output.bytes, 0) / 1024);
  process.stderr.write(
    `built the mx CLI into ${path.relative(process.cwd(), outdir) || '.'} (${outputs.length} files, ${kilobytes} ` +
      `kB) in ${Math.round(performance.now() - started)} ms\n`,
  );
}
