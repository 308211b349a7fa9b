import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ExchangeFunction } from '../../infra/constructs/exchange-function.ts';
import {
  installedPowertoolsVersion,
  POWERTOOLS_LAYER_CONTEXT,
  POWERTOOLS_PACKAGES,
  powertoolsLayerParameter,
  powertoolsSourceOf,
} from '../../infra/constructs/lambda-bundling.ts';
import { planOf, resolveContext } from '../../infra/local/template/plan.ts';
import { synthesizeTemplate } from '../../infra/local/template/source.ts';
import type { CfnTemplate } from '../../infra/local/template/template-types.ts';
import { REPO_ROOT } from '../../infra/paths.ts';
import { ExchangeStack } from '../../infra/stacks/exchange-stack.ts';
import { TOPOLOGY } from '../../infra/topology.ts';

interface Resource {
  readonly Type: string;
  readonly Properties: { Layers?: unknown[]; Handler?: string };
  readonly Metadata?: Record<string, unknown>;
}
interface Json {
  readonly Parameters?: Record<string, { Type: string; Default?: unknown }>;
  readonly Resources: Record<string, Resource>;
}

/** The whole stack as `cdk synth` builds it with `-c powertoolsLayer=<value>` (bundling skipped: templates only). */
function stackTemplate(powertoolsLayer?: string): Json {
  const context: Record<string, unknown> = { stage: 'test', 'aws:cdk:bundling-stacks': [] };
  if (powertoolsLayer !== undefined) context[POWERTOOLS_LAYER_CONTEXT] = powertoolsLayer;
  const stack = new ExchangeStack(new App({ context }), 'MxLayer', {
    topology: TOPOLOGY,
    retainData: false,
    archiveRetentionDays: 30,
  });
  return Template.fromStack(stack).toJSON() as Json;
}

/** The platform's own functions (ExchangeFunction marks each with its handler module), not CDK's helpers. */
const exchangeFunctions = (json: Json) =>
  Object.entries(json.Resources).filter(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['mx:handler-module'] !== undefined,
  );

const version = installedPowertoolsVersion(REPO_ROOT);
const parameterName = `/aws/service/powertools/typescript/generic/all/${version}`;

describe('Powertools versions', () => {
  it('every Powertools package installed, nested copies included, is one release (the layer carries one)', () => {
    const found: string[] = [];
    const scan = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const pkg = path.join(dir, name, 'package.json');
        if (existsSync(pkg)) {
          found.push(`${name}@${(JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version}`);
        }
        const nested = path.join(dir, name, 'node_modules', '@aws-lambda-powertools');
        if (existsSync(nested)) scan(nested);
      }
    };
    scan(path.join(REPO_ROOT, 'node_modules', '@aws-lambda-powertools'));
    expect(found.length).toBeGreaterThanOrEqual(POWERTOOLS_PACKAGES.length);
    expect(new Set(found.map((f) => f.split('@')[1]))).toEqual(new Set([version]));
  });

  it('package.json pins each Powertools package to exactly the installed release', () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const declared = Object.entries(manifest.dependencies).filter(([name]) =>
      name.startsWith('@aws-lambda-powertools/'),
    );
    expect(declared.map(([name]) => name).sort()).toEqual([...POWERTOOLS_PACKAGES].sort());
    for (const [name, range] of declared) expect(range, name).toBe(version);
  });

  it('the layer parameter is the documented per-release path, and refuses anything but x.y.z', () => {
    expect(powertoolsLayerParameter('2.35.0')).toBe('/aws/service/powertools/typescript/generic/all/2.35.0');
    expect(() => powertoolsLayerParameter('latest')).toThrow(/x\.y\.z/);
    expect(() => powertoolsLayerParameter('^2.35.0')).toThrow(/x\.y\.z/);
  });

  it('the context switch is true or false, and names itself otherwise', () => {
    expect(powertoolsSourceOf(undefined)).toBe('layer');
    expect(powertoolsSourceOf('true')).toBe('layer');
    expect(powertoolsSourceOf(false)).toBe('bundled');
    expect(() => powertoolsSourceOf('no')).toThrow(/powertoolsLayer must be true or false/);
  });
});

describe('the stack with the Powertools layer (default)', () => {
  const json = stackTemplate();

  it('reads the layer ARN of the installed release from its SSM public parameter, once', () => {
    const parameters = Object.entries(json.Parameters ?? {}).filter(([, p]) => p.Default === parameterName);
    expect(parameters).toHaveLength(1);
    expect(parameters[0]![1].Type).toBe('AWS::SSM::Parameter::Value<String>');
  });

  it('attaches that layer, and only it, to every function of the platform', () => {
    const [parameterId] = Object.entries(json.Parameters ?? {}).find(([, p]) => p.Default === parameterName)!;
    const functions = exchangeFunctions(json);
    expect(functions.length).toBeGreaterThan(5);
    for (const [id, fn] of functions) expect(fn.Properties.Layers, id).toEqual([{ Ref: parameterId }]);
  });

  it('is accepted by the local cloud: its plan builds; each layer is a Ref its parameter answers', async () => {
    // The template the local cloud itself synthesizes and runs (infra/local/template/source.ts), layer included.
    const template: CfnTemplate = await synthesizeTemplate();
    const local = template as unknown as Json;
    const plan = planOf(template);
    const [parameterId] = Object.entries(local.Parameters ?? {}).find(([, p]) => p.Default === parameterName)!;
    const context = resolveContext(plan, {
      pseudo: {
        region: 'us-east-1',
        accountId: '000000000000',
        partition: 'aws',
        urlSuffix: 'amazonaws.com',
        stackName: 'MxLocal',
      },
      tableName: (id) => id,
      secretValue: () => 'local-secret',
    });
    expect(context.parameter?.(parameterId)).toBe(parameterName);
    expect(plan.functions.length).toBe(exchangeFunctions(local).length);
    for (const [id, fn] of exchangeFunctions(local)) expect(fn.Properties.Layers, id).toEqual([{ Ref: parameterId }]);
  });
});

describe('the stack with -c powertoolsLayer=false (LocalStack: no layers)', () => {
  const json = stackTemplate('false');

  it('attaches no layer and reads no layer parameter', () => {
    for (const [id, fn] of exchangeFunctions(json)) expect(fn.Properties.Layers, id).toBeUndefined();
    expect(Object.values(json.Parameters ?? {}).filter((p) => p.Default === parameterName)).toEqual([]);
  });
});

describe('the ExchangeFunction bundling options', () => {
  const externalsOf = (context: Record<string, unknown>) => {
    const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
    const fn = new ExchangeFunction(new Stack(app, 'MxOne'), 'Whoami', {
      handlerModule: 'functions/query-api/whoami-handler.ts',
    });
    return fn.powertools;
  };

  it('take Powertools from the layer by default and bundle it with -c powertoolsLayer=false', () => {
    expect(externalsOf({})).toBe('layer');
    expect(externalsOf({ [POWERTOOLS_LAYER_CONTEXT]: 'false' })).toBe('bundled');
    expect(() => externalsOf({ [POWERTOOLS_LAYER_CONTEXT]: 'maybe' })).toThrow(/powertoolsLayer/);
  });
});
