import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

import { REPO_ROOT } from '../paths.ts';
export { REPO_ROOT };

export interface ExchangeFunctionProps extends Omit<NodejsFunctionProps, 'entry'> {
  /** Handler module, relative to the repository root (as the topology names it). */
  readonly handlerModule: string;
}

/**
 * The team's Lambda defaults in one place: Node 22 on arm64, ESM bundled and
 * minified by the local esbuild (no Docker), AWS SDK v3 left to the runtime,
 * source maps on, logs kept a month.
 */
export class ExchangeFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ExchangeFunctionProps) {
    const { handlerModule, environment, bundling, ...rest } = props;
    super(scope, id, {
      // An explicit log group (instead of the deprecated logRetention custom resource) keeps retention in the template.
      logGroup: new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
      entry: path.join(REPO_ROOT, handlerModule),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(30),
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        externalModules: ['@aws-sdk/*', '@smithy/*'],
        // ESM bundles still meet CommonJS dependencies that call require().
        banner: "import { createRequire as __mxCreateRequire } from 'node:module';const require = __mxCreateRequire(import.meta.url);",
        ...bundling,
      },
      ...rest,
    });
  }

  /** Sets TABLE_NAME and grants read/write in one call, so the two cannot drift apart. */
  bindTable(table: ITable, envName = 'TABLE_NAME'): this {
    this.addEnvironment(envName, table.tableName);
    table.grantReadWriteData(this);
    return this;
  }
}
