import * as path from 'node:path';
import { type CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type ILayerVersion, LayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';

import { REPO_ROOT } from '../paths.ts';
import { HANDLER_MODULE_METADATA } from '../template-metadata.ts';
import {
  installedPowertoolsVersion,
  LAMBDA_BUNDLING,
  LAMBDA_NODE_OPTIONS,
  lambdaExternalModules,
  POWERTOOLS_LAYER_CONTEXT,
  type PowertoolsSource,
  powertoolsLayerParameter,
  powertoolsSourceOf,
} from './lambda-bundling.ts';

export { REPO_ROOT };

/**
 * The Node.js runtime the platform targets: nodejs22.x, the runtime its
 * bundles are built and tested for (the project's charter fixes it). Pinned
 * rather than `NODEJS_LATEST`, so a CDK upgrade never moves the functions to
 * another runtime unreviewed; cdk-nag's AwsSolutions-L1 (not the newest
 * runtime) is suppressed on each function with that reason. Moving on is one
 * line here; every handler is already an async (event, context) handler, as
 * Node.js 24 requires.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;

/**
 * esbuild's target for a Lambda Node.js runtime (`nodejs22.x` → `node22`), so syntax is never lowered
 * for an older Node than runs it.
 */
export function esbuildTarget(runtime: Runtime): string {
  const major = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
  if (!major) throw new Error(`ExchangeFunction runs on a nodejsNN.x runtime, got ${runtime.name}`);
  return `node${major}`;
}

export interface ExchangeFunctionProps extends Omit<NodejsFunctionProps, 'entry'> {
  /** Handler module, relative to the repository root (as the topology names it). */
  readonly handlerModule: string;
  /** Powertools from its official layer (default) or bundled in; by default the `powertoolsLayer` context decides. */
  readonly powertools?: PowertoolsSource;
}

/**
 * The stack's one reference to the official Powertools layer of the installed
 * release: a template parameter of type AWS::SSM::Parameter::Value<String>
 * that CloudFormation resolves, at deploy time, to the layer version ARN.
 */
export function powertoolsLayer(scope: Construct): ILayerVersion {
  const stack = Stack.of(scope);
  const id = 'PowertoolsLayer';
  const existing = stack.node.tryFindChild(id) as ILayerVersion | undefined;
  if (existing) return existing;
  const parameterName = powertoolsLayerParameter(installedPowertoolsVersion(REPO_ROOT));
  return LayerVersion.fromLayerVersionArn(stack, id, StringParameter.valueForStringParameter(stack, parameterName));
}

/**
 * The team's Lambda defaults in one place: the newest Node runtime on arm64,
 * ESM bundled and minified by the local esbuild (no Docker), AWS SDK v3 left
 * to the runtime, source maps on, logs kept a month, and a role of its own
 * that may write only its own log group.
 */
export class ExchangeFunction extends NodejsFunction {
  /** The entry module it bundles, relative to the repository root (read by `npm run bench -- --only=bundles`). */
  readonly handlerModule: string;
  /** Where its Powertools packages come from (read by the bench, which bundles as this function is bundled). */
  readonly powertools: PowertoolsSource;

  constructor(scope: Construct, id: string, props: ExchangeFunctionProps) {
    const { handlerModule, environment, bundling, powertools: chosen, ...rest } = props;
    const powertools = chosen ?? powertoolsSourceOf(scope.node.tryGetContext(POWERTOOLS_LAYER_CONTEXT));
    const runtime = rest.runtime ?? LAMBDA_RUNTIME;
    // An explicit log group (instead of the deprecated logRetention custom resource) keeps retention in the template.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Not the default role: it carries AWSLambdaBasicExecutionRole, which may create and write every log group in the
    // account (AwsSolutions-IAM4). This one gets only CreateLogStream/PutLogEvents on the function's own group, below.
    const role =
      rest.role ?? new Role(scope, `${id}ServiceRole`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    super(scope, id, {
      logGroup,
      role,
      entry: path.join(REPO_ROOT, handlerModule),
      handler: 'handler',
      runtime,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(30),
      // Powertools Tracer records each invocation and its SDK calls (functions/lib/observability.ts).
      tracing: Tracing.ACTIVE,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      environment: { NODE_OPTIONS: LAMBDA_NODE_OPTIONS, ...environment },
      bundling: {
        format: { esm: OutputFormat.ESM, cjs: OutputFormat.CJS }[LAMBDA_BUNDLING.format],
        target: esbuildTarget(runtime),
        minify: LAMBDA_BUNDLING.minify,
        sourceMap: LAMBDA_BUNDLING.sourceMap,
        sourcesContent: LAMBDA_BUNDLING.sourcesContent,
        externalModules: lambdaExternalModules(powertools),
        banner: LAMBDA_BUNDLING.banner,
        ...bundling,
      },
      ...rest,
    });
    this.handlerModule = handlerModule;
    this.powertools = powertools;
    if (powertools === 'layer') this.addLayers(powertoolsLayer(this));
    logGroup.grantWrite(this);
    // The local cloud runs this module itself rather than the bundle (infra/local/template/source.ts says why).
    (this.node.defaultChild as CfnResource).addMetadata(HANDLER_MODULE_METADATA, handlerModule);
    if (this.role) {
      NagSuppressions.addResourceSuppressions(
        this.role,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason:
              'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords take no resource but *; they ' +
              "send only this function's own traces.",
            appliesTo: ['Resource::*'],
          },
        ],
        true,
      );
    }
    if (runtime === LAMBDA_RUNTIME) {
      NagSuppressions.addResourceSuppressions(this, [
        {
          id: 'AwsSolutions-L1',
          reason:
            'The platform targets nodejs22.x, the runtime its bundles are built and tested for; a newer runtime ' +
            'is adopted deliberately (LAMBDA_RUNTIME), not by default.',
        },
      ]);
    }
  }

  /** Sets TABLE_NAME and grants read/write in one call, so the two cannot drift apart. */
  bindTable(table: ITable, envName = 'TABLE_NAME'): this {
    this.addEnvironment(envName, table.tableName);
    table.grantReadWriteData(this);
    const cfnTable = table instanceof Table ? (table.node.defaultChild as CfnResource) : undefined;
    if (cfnTable && this.role) {
      // grantReadWriteData adds `<table>/index/*` when the table has global secondary indexes.
      NagSuppressions.addResourceSuppressions(
        this.role,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason:
              'Query access to the global secondary indexes of the one table this function owns: index ARNs ' +
              "exist only under the table's index/* path, and nothing outside that table is granted.",
            appliesTo: [`Resource::<${Stack.of(table).resolve(cfnTable.logicalId) as string}.Arn>/index/*`],
          },
        ],
        true,
      );
    }
    return this;
  }
}
