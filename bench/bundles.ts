/**
 * `npm run bench -- --only=bundles`: every Lambda function of the stack,
 * bundled as `cdk deploy` bundles it (infra/constructs/lambda-bundling.ts, the
 * options ExchangeFunction passes to NodejsFunction), with its minified and
 * gzipped size, what the bytes are, and its init time: a fresh `node` per run
 * imports the bundle with the environment Lambda gives the function (the
 * synthesized template's variables plus the runtime's own), which builds the
 * handler at module scope as on Lambda; `@aws-sdk/*` and `@smithy/*` stay
 * external and load from node_modules, as the runtime loads its own copy.
 * Powertools stays external too where the function takes it from its layer
 * (the default; `-c powertoolsLayer=false` bundles it): the bundle's figure is
 * what deploys, and the layer's part (the Powertools modules the bundle
 * imports, minified as if bundled, and their load time) is printed beside it.
 *
 * With a baseline git ref (`--bundles-baseline=main`) the same functions are
 * also bundled from that ref's sources (exported to a temporary directory that
 * shares this checkout's node_modules), so before and after come from one run.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { App, type CfnResource } from 'aws-cdk-lib';
import { build, type Metafile } from 'esbuild';
import { ExchangeFunction, esbuildTarget, LAMBDA_RUNTIME } from '../infra/constructs/exchange-function.ts';
import {
  LAMBDA_BUNDLE_FILE,
  LAMBDA_BUNDLING,
  lambdaEsbuildOptions,
  type PowertoolsSource,
} from '../infra/constructs/lambda-bundling.ts';
import { REPO_ROOT } from '../infra/paths.ts';
import { ExchangeStack } from '../infra/stacks/exchange-stack.ts';
import { TOPOLOGY } from '../infra/topology.ts';

/** One function of the synthesized stack: its construct path, entry module and environment. */
export interface StackFunction {
  readonly name: string;
  readonly handlerModule: string;
  readonly powertools: PowertoolsSource;
  /** Environment.Variables of the template, intrinsics replaced by names and ARNs of the same shape. */
  readonly environment: Readonly<Record<string, string>>;
}

export interface BundleFigures {
  readonly handlerModule: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Bytes in the output per package (node_modules) or first-party directory, largest first. */
  readonly contributors: readonly { readonly name: string; readonly bytes: number }[];
  /** Bare specifiers the bundle leaves to the runtime. */
  readonly externals: readonly string[];
  /** Of those, the ones the Powertools layer provides. */
  readonly layerExternals: readonly string[];
  /** The layer's part: those modules bundled and minified alone (what bundling them in would add, roughly). */
  readonly layerBytes: number;
  readonly file: string;
}

/** Median and range over the runs, in milliseconds. */
export interface Spread {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export interface InitFigures {
  readonly function: string;
  readonly handlerModule: string;
  /** The bundle's own import: its code evaluated and the handler built (externals already loaded). */
  readonly own: Spread;
  /** Loading the externals it imports (`@aws-sdk/*`, `@smithy/*`, the layer's) from node_modules, as on Lambda. */
  readonly externals: Spread;
  /** Of that, loading the Powertools layer's modules (from node_modules here, from /opt/nodejs on Lambda). */
  readonly layer: Spread;
  /** Both, per run: Lambda's init phase less the runtime's own bootstrap. */
  readonly total: Spread;
}

const REGION = 'eu-central-1';
const ACCOUNT = '123456789012';
const PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'MxBench',
};

/** A CloudFormation intrinsic as a value of the shape the real one resolves to. */
function placeholder(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
  if (v.Ref) return PSEUDO_PARAMETERS[v.Ref] ?? `mx-${v.Ref}`;
  if (v['Fn::GetAtt']) {
    const [id, attribute] = v['Fn::GetAtt'];
    return attribute.endsWith('Arn') ? `arn:aws:service:${REGION}:${ACCOUNT}:resource/mx-${id}` : `mx-${id}`;
  }
  if (v['Fn::Join']) return v['Fn::Join'][1].map(placeholder).join(v['Fn::Join'][0]);
  throw new Error(`bench/bundles: cannot stand in for ${JSON.stringify(value)}`);
}

/** The stack as `cdk synth` builds it (without bundling, which the bench does itself) and its functions. */
export function stackFunctions(): StackFunction[] {
  const app = new App({ context: { stage: 'bench', 'aws:cdk:bundling-stacks': [] } });
  const stack = new ExchangeStack(app, 'MxBench', { topology: TOPOLOGY, retainData: false, archiveRetentionDays: 30 });
  return stack.node
    .findAll()
    .filter((c): c is ExchangeFunction => c instanceof ExchangeFunction)
    .map((fn) => {
      const cfn = fn.node.defaultChild as CfnResource;
      const resolved = stack.resolve((cfn as unknown as { environment?: unknown }).environment) as
        | { variables?: Record<string, unknown> }
        | undefined;
      const environment = Object.fromEntries(
        Object.entries(resolved?.variables ?? {}).map(([k, v]) => [k, placeholder(v)]),
      );
      return {
        name: fn.node.path.replace(/^MxBench\//, '').replace(/\/Handler$/, ''),
        handlerModule: fn.handlerModule,
        powertools: fn.powertools,
        environment,
      };
    });
}

/** Package name for node_modules paths, else the first two directories of a first-party path. */
function contributorOf(input: string): string {
  const inModules = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (inModules) return inModules[1]!;
  return input.split('/').slice(0, 2).join('/');
}

/** Whether a bare specifier is one the Powertools layer provides. */
function fromLayer(specifier: string): boolean {
  return LAMBDA_BUNDLING.layerModules.some((pattern) =>
    pattern.endsWith('/*') ? specifier.startsWith(pattern.slice(0, -1)) : specifier === pattern,
  );
}

/** The layer modules a bundle imports, bundled and minified on their own (AWS SDK still external). */
async function layerPartBytes(root: string, specifiers: readonly string[], outDir: string): Promise<number> {
  if (specifiers.length === 0) return 0;
  const outfile = path.join(outDir, 'layer-part.mjs');
  const options = lambdaEsbuildOptions('', outfile, esbuildTarget(LAMBDA_RUNTIME), 'bundled');
  delete options.entryPoints;
  await build({
    ...options,
    stdin: {
      // Every export, as the layer loads each module whole (no tree-shaking across the layer boundary).
      contents: specifiers.map((s, i) => `export * as m${i} from ${JSON.stringify(s)};`).join('\n'),
      resolveDir: root,
      loader: 'js',
    },
    sourcemap: false,
    absWorkingDir: root,
    logLevel: 'error',
  });
  return (await readFile(outfile)).length;
}

/** Bundles one entry module (relative to `root`) into `outDir` with the Lambda options. */
export async function bundleFunction(
  root: string,
  handlerModule: string,
  outDir: string,
  powertools: PowertoolsSource = 'layer',
): Promise<BundleFigures> {
  const outfile = path.join(outDir, LAMBDA_BUNDLE_FILE);
  const result = await build({
    ...lambdaEsbuildOptions(path.join(root, handlerModule), outfile, esbuildTarget(LAMBDA_RUNTIME), powertools),
    absWorkingDir: root,
    metafile: true,
    logLevel: 'error',
  });
  const metafile: Metafile = result.metafile;
  const output = metafile.outputs[path.relative(root, outfile)];
  if (!output) throw new Error(`bench/bundles: esbuild wrote no ${outfile}`);
  const byContributor = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = contributorOf(input);
    byContributor.set(name, (byContributor.get(name) ?? 0) + bytesInOutput);
  }
  const code = await readFile(outfile);
  const externals = [
    ...new Set(output.imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => i.path)),
  ];
  const layerExternals = externals.filter(fromLayer);
  return {
    handlerModule,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    contributors: [...byContributor].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
    externals,
    layerExternals,
    layerBytes: await layerPartBytes(root, layerExternals, outDir),
    file: outfile,
  };
}

/** What the Lambda runtime sets besides the function's variables (placeholder credentials: init signs nothing). */
function lambdaEnvironment(fn: StackFunction): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_EXECUTION_ENV: `AWS_Lambda_${LAMBDA_RUNTIME.name}`,
    AWS_LAMBDA_FUNCTION_NAME: `MxBench-${fn.name.replace(/\W+/g, '-')}`,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_ACCESS_KEY_ID: 'ASIABENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key',
    AWS_SESSION_TOKEN: 'bench-session-token',
    ...fn.environment,
  };
}

/**
 * Run in the fresh process, from the bundle's directory so that bare specifiers
 * resolve as the bundle's own imports do: first the externals the bundle
 * imports (the runtime's AWS SDK), then the bundle itself (its code and the
 * handler built at module scope), each timed.
 */
const INIT_PROBE = `
const [bundle, layerCount, ...externals] = process.argv.slice(2);
const layer = externals.slice(0, Number(layerCount));
let started = performance.now();
for (const specifier of layer) await import(specifier);
const layerMs = performance.now() - started;
for (const specifier of externals.slice(layer.length)) await import(specifier);
const externalsMs = performance.now() - started;
started = performance.now();
const entry = await import(bundle);
if (typeof entry.handler !== 'function') throw new Error('the bundle exports no handler');
process.stdout.write(JSON.stringify({ externalsMs, layerMs, ownMs: performance.now() - started }));
`;

/** Imports the bundle `runs` times, each in a fresh node with the function's Lambda environment. */
export function measureInit(fn: StackFunction, bundle: BundleFigures, runs: number): InitFigures {
  const probe = path.join(path.dirname(bundle.file), 'init-probe.mjs');
  writeFileSync(probe, INIT_PROBE);
  const own: number[] = [];
  const externals: number[] = [];
  const layer: number[] = [];
  const total: number[] = [];
  // The layer's modules first: they import the AWS SDK, whose load then counts as the layer's.
  const sdk = bundle.externals.filter((e) => !bundle.layerExternals.includes(e));
  const args = [probe, `./${path.basename(bundle.file)}`, String(bundle.layerExternals.length)];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [...args, ...bundle.layerExternals, ...sdk], {
      env: lambdaEnvironment(fn),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run = JSON.parse(out) as { externalsMs: number; layerMs: number; ownMs: number };
    own.push(run.ownMs);
    externals.push(run.externalsMs);
    layer.push(run.layerMs);
    total.push(run.ownMs + run.externalsMs);
  }
  return {
    function: fn.name,
    handlerModule: fn.handlerModule,
    own: spread(own),
    externals: spread(externals),
    layer: spread(layer),
    total: spread(total),
  };
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    medianMs: round(sorted[Math.floor(sorted.length / 2)]!),
    minMs: round(sorted[0]!),
    maxMs: round(sorted.at(-1)!),
  };
}

/** Exports `ref`'s tree to a temporary directory that resolves packages from this checkout's node_modules. */
async function checkoutOf(ref: string): Promise<{ root: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'mx-bundles-baseline-'));
  const archive = execFileSync('git', ['archive', '--format=tar', ref], { cwd: REPO_ROOT, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', root], { input: archive });
  await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

export interface BundlesReport {
  readonly label: string;
  readonly bundles: readonly BundleFigures[];
  readonly init: readonly InitFigures[];
}

/**
 * Bundles and times every function of the stack from this checkout, and from
 * `baseline` (a git ref) when given. Bundles go under node_modules/.cache so
 * that their externals resolve from node_modules as on Lambda.
 */
export async function benchBundles(options: {
  runs: number;
  baseline?: string;
  log: (line: string) => void;
}): Promise<BundlesReport[]> {
  const functions = stackFunctions();
  const modules = [...new Set(functions.map((f) => f.handlerModule))];
  const trees: { label: string; root: string; remove?: () => Promise<void> }[] = [
    { label: 'this tree', root: REPO_ROOT },
  ];
  if (options.baseline) trees.unshift({ label: options.baseline, ...(await checkoutOf(options.baseline)) });
  const reports: BundlesReport[] = [];
  try {
    for (const tree of trees) {
      const cache = path.join(
        tree.root,
        'node_modules',
        '.cache',
        'mx-bench-bundles',
        tree.label === 'this tree' ? 'head' : 'baseline',
      );
      const outside = tree.root !== REPO_ROOT;
      const bundles: BundleFigures[] = [];
      for (const module of modules) {
        const outDir = outside
          ? path.join(tree.root, '.bench-bundles', module.replace(/\W+/g, '-'))
          : path.join(cache, module.replace(/\W+/g, '-'));
        await mkdir(outDir, { recursive: true });
        // The baseline deployed before the layer: its Powertools was bundled in.
        const powertools = outside ? 'bundled' : functions.find((f) => f.handlerModule === module)!.powertools;
        bundles.push(await bundleFunction(tree.root, module, outDir, powertools));
      }
      const init: InitFigures[] = [];
      for (const fn of functions) {
        const bundle = bundles.find((b) => b.handlerModule === fn.handlerModule)!;
        try {
          init.push(measureInit(fn, bundle, options.runs));
        } catch (error) {
          const stderr = (error as { stderr?: string }).stderr;
          const why = stderr?.split('\n').find((l) => /Error/.test(l)) ?? String(error);
          options.log(`  ${tree.label}: ${fn.name} did not initialise: ${why}`);
        }
      }
      reports.push({ label: tree.label, bundles, init });
    }
  } finally {
    for (const tree of trees) await tree.remove?.();
  }
  return reports;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The bundle table: one row per entry module (sizes), then one per function (init). */
export function formatBundles(reports: readonly BundlesReport[], limitKb: number, initLimitMs: number): string {
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(`bundles, ${report.label} (goal <= ${limitKb} KB minified, init <= ${initLimitMs} ms)`);
    const width = Math.max(...report.bundles.map((b) => b.handlerModule.length));
    for (const b of report.bundles) {
      const top = b.contributors
        .slice(0, 5)
        .map((c) => `${c.name} ${kb(c.bytes)}`)
        .join(', ');
      const layer = b.layerBytes ? `  + layer ${kb(b.layerBytes)}` : '';
      lines.push(
        `  ${b.handlerModule.padEnd(width)}  ${kb(b.bytes).padStart(9)}  gzip ${kb(b.gzipBytes).padStart(8)}` +
          `${layer}  ${top}`,
      );
    }
    const nameWidth = Math.max(...report.init.map((i) => i.function.length));
    const ms = (s: Spread) => `${s.medianMs.toFixed(1).padStart(6)} ms (${s.minMs.toFixed(1)}–${s.maxMs.toFixed(1)})`;
    for (const i of report.init) {
      lines.push(
        `  init ${i.function.padEnd(nameWidth)}  own ${ms(i.own)}  + externals ${ms(i.externals)}` +
          ` (layer ${i.layer.medianMs.toFixed(1)} ms)  = ${ms(i.total)}`,
      );
    }
  }
  return lines.join('\n');
}
