/**
 * How every Lambda bundle is built, in one place: ExchangeFunction hands these
 * options to NodejsFunction (which runs esbuild's command line), and
 * `npm run bench -- --only=bundles` runs esbuild with the same options through
 * its API, so the figures it prints are of what deploys. Plain data and one
 * pure function: importing this module loads neither CDK nor esbuild.
 */
import type { BuildOptions } from 'esbuild';

export const LAMBDA_BUNDLING = {
  format: 'esm',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // The Lambda Node.js runtime ships AWS SDK v3 (and the Smithy packages under it).
  externalModules: ['@aws-sdk/*', '@smithy/*'],
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
export function lambdaEsbuildOptions(entry: string, outfile: string, target: string): BuildOptions {
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
    external: [...LAMBDA_BUNDLING.externalModules],
    banner: { js: LAMBDA_BUNDLING.banner },
  };
}
