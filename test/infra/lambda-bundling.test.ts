import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { ExchangeFunction, esbuildTarget, LAMBDA_RUNTIME } from '../../infra/constructs/exchange-function.ts';
import {
  LAMBDA_BUNDLE_FILE,
  lambdaEsbuildOptions,
  type PowertoolsSource,
} from '../../infra/constructs/lambda-bundling.ts';
import { REPO_ROOT } from '../../infra/paths.ts';

/** The smallest entry module of the stack: bundling it is quick, and the options do not depend on the entry. */
const ENTRY = 'functions/query-api/whoami-handler.ts';
const scratch = mkdtempSync(path.join(tmpdir(), 'mx-lambda-bundling-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Lambda bundling options', () => {
  it('give the bench (esbuild API) the same bytes as the construct (NodejsFunction running esbuild)', async () => {
    const app = new App({ outdir: path.join(scratch, 'cdk.out') });
    new ExchangeFunction(new Stack(app, 'MxBundling'), 'Whoami', { handlerModule: ENTRY });
    const assembly = app.synth().directory;
    // The one function's asset: the only directory of the assembly holding a bundle.
    const [asset, ...others] = readdirSync(assembly).filter((entry) =>
      existsSync(path.join(assembly, entry, LAMBDA_BUNDLE_FILE)),
    );
    expect(others).toEqual([]);
    const deployed = readFileSync(path.join(assembly, asset!, LAMBDA_BUNDLE_FILE));

    const outfile = path.join(scratch, 'bench', LAMBDA_BUNDLE_FILE);
    await build({
      ...lambdaEsbuildOptions(path.join(REPO_ROOT, ENTRY), outfile, esbuildTarget(LAMBDA_RUNTIME)),
      logLevel: 'error',
    });
    const benched = readFileSync(outfile);

    expect(deployed.length).toBeGreaterThan(0);
    expect(benched.toString('utf8')).toBe(deployed.toString('utf8'));
  });

  it('leave Powertools to its layer (imported, not bundled) unless told to bundle it', async () => {
    const bundle = async (powertools: PowertoolsSource) => {
      const outfile = path.join(scratch, powertools, LAMBDA_BUNDLE_FILE);
      const { metafile } = await build({
        ...lambdaEsbuildOptions(path.join(REPO_ROOT, ENTRY), outfile, esbuildTarget(LAMBDA_RUNTIME), powertools),
        metafile: true,
        logLevel: 'error',
      });
      const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined)!;
      return {
        bundledPowertools: Object.keys(output.inputs).filter((i) => i.includes('node_modules/@aws-lambda-powertools/')),
        imported: output.imports.filter((i) => i.external).map((i) => i.path),
      };
    };
    const layered = await bundle('layer');
    expect(layered.bundledPowertools).toEqual([]);
    expect(layered.imported).toContain('@aws-lambda-powertools/metrics');
    const bundled = await bundle('bundled');
    expect(bundled.bundledPowertools.length).toBeGreaterThan(0);
    expect(bundled.imported.filter((i) => i.startsWith('@aws-lambda-powertools/'))).toEqual([]);
  });
});
