/** `AWS::Lambda::Function`: which source module runs, with which environment, timeout and role. */
import { HANDLER_MODULE_METADATA } from '../../../template-metadata.ts';
import { IntrinsicError } from '../intrinsics.ts';
import { physicalName } from '../names.ts';
import type { CfnTemplate } from '../template-types.ts';
import { numberOf, ofType, props, targetOf } from './common.ts';

export interface LocalFunction {
  readonly logicalId: string;
  readonly name: string;
  /** The source module, relative to the repository root (`mx:handler-module`). */
  readonly module: string;
  /** `Environment.Variables`, intrinsics unresolved (resolved when the function is built). */
  readonly environment: Readonly<Record<string, unknown>>;
  readonly timeoutSeconds: number;
  readonly roleLogicalId: string;
}

/** Lambda's default timeout (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html). */
const DEFAULT_TIMEOUT_SECONDS = 3;

/** Functions without `mx:handler-module` are CDK's own (custom resource providers), listed by what they do. */
export function functionsOf(template: CfnTemplate): LocalFunction[] {
  return ofType(template, 'AWS::Lambda::Function').flatMap((entry) => {
    const module = entry[1].Metadata?.[HANDLER_MODULE_METADATA];
    const where = `${entry[0]}.Properties`;
    if (typeof module !== 'string') {
      if (
        entry[1].Metadata?.['aws:cdk:path'] &&
        /Custom::|CDKBucketDeployment|Provider/.test(String(entry[1].Metadata['aws:cdk:path']))
      )
        return [];
      throw new IntrinsicError(
        `${entry[0]}.Metadata`,
        `a function without ${HANDLER_MODULE_METADATA}: ` +
          'build it with ExchangeFunction so the local cloud knows its module',
      );
    }
    const p = props(entry);
    return [
      {
        logicalId: entry[0],
        name: physicalName(...entry),
        module,
        environment: ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
          {}) as Record<string, unknown>,
        timeoutSeconds: numberOf(p.Timeout, `${where}.Timeout`, DEFAULT_TIMEOUT_SECONDS),
        roleLogicalId: targetOf(p.Role, `${where}.Role`),
      },
    ];
  });
}
