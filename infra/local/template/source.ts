/**
 * The CloudFormation template the local cloud runs: `ExchangeStack`
 * synthesized in-process, as `cdk synth` builds it for `cdk deploy`, and
 * cached by a hash of everything that can change it, so a start with
 * unchanged sources reads a file instead of paying the synthesis (~5 s).
 *
 * Bundling is skipped (`aws:cdk:bundling-stacks: []`): a bundled template
 * differs only in its asset hashes (`Code`, asset metadata), and the local
 * cloud never runs a bundle — it imports each function's source module, which
 * every `AWS::Lambda::Function` names in its `mx:handler-module` metadata
 * (infra/constructs/exchange-function.ts).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { IAspect } from 'aws-cdk-lib';
import { REPO_ROOT } from '../../paths.ts';
import type { Topology } from '../../topology.ts';
import type { CfnTemplate } from './template-types.ts';

/** The stack's name locally; part of a few generated values (the transparency log's origin), never of a name we use. */
export const LOCAL_STACK_NAME = 'MxLocal';

/** What can change the template (a test's own topology is hashed with them). */
const SOURCE_DIRS = ['infra', 'functions', 'schemas'];
const SOURCE_FILES = ['package-lock.json'];
const SOURCE_EXTENSIONS = /\.(ts|mts|mjs|js|json)$/;

export const TEMPLATE_CACHE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'mx');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sourceFiles(full)));
    else if (SOURCE_EXTENSIONS.test(entry.name)) files.push(full);
  }
  return files;
}

/** A hash of the sources and of the topology the stack is built from (tests pass their own). */
export async function templateKey(topology?: Topology): Promise<string> {
  const hash = createHash('sha256');
  const files = [
    ...(await Promise.all(SOURCE_DIRS.map((d) => sourceFiles(path.join(REPO_ROOT, d))))).flat(),
    ...SOURCE_FILES.map((f) => path.join(REPO_ROOT, f)),
  ];
  for (const file of files) {
    hash.update(path.relative(REPO_ROOT, file)).update('\0');
    hash.update(await readFile(file).catch(() => Buffer.alloc(0))).update('\0');
  }
  hash.update(topology ? JSON.stringify(topology) : 'default');
  return hash.digest('hex').slice(0, 24);
}

/**
 * Synthesizes the stack in this process; the CDK is loaded only when a synthesis is needed. `aspects` change the
 * stack before synthesis (a test removes a grant, then starts a cloud from the template: CloudOptions.template).
 */
export async function synthesizeTemplate(topology?: Topology, aspects: readonly IAspect[] = []): Promise<CfnTemplate> {
  const [{ App, Aspects }, { ExchangeStack }, { TOPOLOGY }] = await Promise.all([
    import('aws-cdk-lib'),
    import('../../stacks/exchange-stack.ts'),
    import('../../topology.ts'),
  ]);
  const app = new App({
    // Path metadata (`aws:cdk:path`) is how the local cloud names what the template leaves unnamed (./names.ts).
    context: { stage: 'local', 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true },
  });
  // The console's CloudFront and S3 deployment never run locally; leaving them out spares a Lambda layer asset.
  const stack = new ExchangeStack(app, LOCAL_STACK_NAME, {
    topology: topology ?? TOPOLOGY,
    retainData: false,
    archiveRetentionDays: 30,
    console: false,
  });
  for (const aspect of aspects) Aspects.of(stack).add(aspect);
  return app.synth().getStackByName(stack.stackName).template as CfnTemplate;
}

/**
 * The template for `topology` (default: the repository's), from the cache when the sources are unchanged.
 * Written to a temporary file and renamed, so concurrent test workers never read half a template.
 */
export async function loadTemplate(
  topology?: Topology,
  log: (message: string) => void = () => undefined,
): Promise<CfnTemplate> {
  const key = await templateKey(topology);
  const file = path.join(TEMPLATE_CACHE_DIR, `template-${key}.json`);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as CfnTemplate;
  } catch {
    // Not cached (or unreadable): synthesize below.
  }
  const started = Date.now();
  const template = await synthesizeTemplate(topology);
  await mkdir(TEMPLATE_CACHE_DIR, { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, JSON.stringify(template));
  await rename(temporary, file);
  await pruneCache(file);
  log(`synthesized the stack's template in ${Date.now() - started} ms (cached as ${path.relative(REPO_ROOT, file)})`);
  return template;
}

/** Templates of sources long since edited: each edit leaves one behind. Another test run's recent ones stay. */
const CACHE_KEEP_MS = 24 * 60 * 60 * 1000;

async function pruneCache(keep: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(TEMPLATE_CACHE_DIR).catch(() => [])) {
    const file = path.join(TEMPLATE_CACHE_DIR, name);
    if (file === keep || !name.startsWith('template-')) continue;
    const modified = await stat(file).then(
      (s) => s.mtimeMs,
      () => now,
    );
    if (now - modified > CACHE_KEEP_MS) await rm(file, { force: true });
  }
}
