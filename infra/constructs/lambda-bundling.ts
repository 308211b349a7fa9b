/**
 * How every Lambda bundle is built, in one place: ExchangeFunction hands these
 * options to NodejsFunction (which runs esbuild's command line), and
 * `npm run bench -- --only=bundles` runs esbuild with the same options through
 * its API, so the figures it prints are of what deploys. Plain data and pure
 * functions: importing this module loads neither CDK nor esbuild.
 *
 * Powertools comes from its official Lambda layer (POWERTOOLS_LAYER below), so
 * its packages stay out of the bundles; `-c powertoolsLayer=false` (LocalStack,
 * whose free tier has no layers) bundles them in instead.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BuildOptions } from 'esbuild';

export const LAMBDA_BUNDLING = {
  format: 'esm',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // The Lambda Node.js runtime ships AWS SDK v3 (and the Smithy packages under it).
  externalModules: ['@aws-sdk/*', '@smithy/*'],
  // Left to the Powertools layer when it is attached: its packages, and the X-Ray SDK its Tracer imports (the layer
  // installs each utility with its dependencies under /opt/nodejs/node_modules, which ESM imports resolve too).
  layerModules: ['@aws-lambda-powertools/*', 'aws-xray-sdk-core'],
  // ESM bundles still meet CommonJS dependencies that call require().
  banner:
    "import { createRequire as __mxCreateRequire } from 'node:module';" +
    'const require = __mxCreateRequire(import.meta.url);',
} as const;

/** Set on every function: stack traces point into the TypeScript sources (the bundles ship their source maps). */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

/** NodejsFunction's output file for an ESM bundle. */
export const LAMBDA_BUNDLE_FILE = 'index.mjs';

/**
 * The esbuild API options equal to the command line NodejsFunction builds from
 * {@link LAMBDA_BUNDLING} (aws-cdk-lib/aws-lambda-nodejs/lib/bundling.js,
 * `buildEsbuildArgs`: `--bundle --target --platform=node --format --outfile
 * --minify --sourcemap --sources-content=false --external:… --banner:js=…`).
 * test/unit/lambda-bundling.test.ts checks that both give the same bytes.
 */
export function lambdaEsbuildOptions(
  entry: string,
  outfile: string,
  target: string,
  powertools: PowertoolsSource = 'layer',
): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    target,
    platform: 'node',
    format: LAMBDA_BUNDLING.format,
    outfile,
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMap,
    sourcesContent: LAMBDA_BUNDLING.sourcesContent,
    external: lambdaExternalModules(powertools),
    banner: { js: LAMBDA_BUNDLING.banner },
  };
}

/** Where a function's Powertools packages come from: the official layer, or its own bundle. */
export type PowertoolsSource = 'layer' | 'bundled';

/** The specifiers a bundle leaves to the runtime (and to the Powertools layer when it is attached). */
export function lambdaExternalModules(powertools: PowertoolsSource): string[] {
  return [...LAMBDA_BUNDLING.externalModules, ...(powertools === 'layer' ? LAMBDA_BUNDLING.layerModules : [])];
}

/** The context key that chooses it: `-c powertoolsLayer=false` bundles Powertools in (LocalStack has no layers). */
export const POWERTOOLS_LAYER_CONTEXT = 'powertoolsLayer';

/** The context value (absent, `true` or `false`, as text from `-c` or a boolean from cdk.json) as a source. */
export function powertoolsSourceOf(context: unknown): PowertoolsSource {
  const value = String(context ?? 'true');
  if (value === 'true') return 'layer';
  if (value === 'false') return 'bundled';
  throw new Error(`context ${POWERTOOLS_LAYER_CONTEXT} must be true or false, got ${JSON.stringify(context)}`);
}

/**
 * The Powertools packages the repository depends on, all of one version: the
 * layer carries one release of every utility, so a function whose bundle was
 * tested against another version of one of them would run a different one.
 */
export const POWERTOOLS_PACKAGES = [
  '@aws-lambda-powertools/batch',
  '@aws-lambda-powertools/idempotency',
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/metrics',
  '@aws-lambda-powertools/tracer',
] as const;

/**
 * The version of Powertools installed under `root` (node_modules), read from
 * each package's own package.json: the layer is pinned to it, so upgrading
 * the packages moves the layer with them. Throws when they disagree.
 */
export function installedPowertoolsVersion(root: string): string {
  const versions = POWERTOOLS_PACKAGES.map((name) => {
    const file = path.join(root, 'node_modules', name, 'package.json');
    return { name, version: (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version };
  });
  const distinct = [...new Set(versions.map((v) => v.version))];
  if (distinct.length !== 1) {
    throw new Error(
      `the Powertools packages must share one version (the layer carries one release), got ${versions
        .map((v) => `${v.name}@${v.version}`)
        .join(', ')}`,
    );
  }
  return distinct[0]!;
}

/**
 * The official Powertools for AWS Lambda (TypeScript) layer of one release,
 * through the SSM public parameter AWS publishes for each version in every
 * commercial region (docs: getting-started/lambda-layers, "Lookup Layer ARN via
 * AWS SSM Parameter Store"); its value is the layer version ARN.
 */
export function powertoolsLayerParameter(version: string): string {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`a Powertools release is x.y.z, got ${version}`);
  return `/aws/service/powertools/typescript/generic/all/${version}`;
}
