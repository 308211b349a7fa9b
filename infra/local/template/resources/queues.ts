/** `AWS::SQS::Queue`: name, visibility timeout and redrive policy. */
import { physicalName } from '../names.ts';
import type { CfnTemplate } from '../template-types.ts';
import { numberOf, ofType, props, targetOf } from './common.ts';

export interface LocalQueue {
  readonly logicalId: string;
  readonly name: string;
  readonly visibilityTimeoutSeconds: number;
  readonly deadLetter?: { readonly queueLogicalId: string; readonly maxReceiveCount: number };
}

/**
 * SQS's default visibility timeout
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html).
 */
const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;

export function queuesOf(template: CfnTemplate): LocalQueue[] {
  return ofType(template, 'AWS::SQS::Queue').map((entry) => {
    const p = props(entry);
    const where = `${entry[0]}.Properties`;
    const redrive = p.RedrivePolicy as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown } | undefined;
    return {
      logicalId: entry[0],
      name: physicalName(...entry),
      visibilityTimeoutSeconds: numberOf(
        p.VisibilityTimeout,
        `${where}.VisibilityTimeout`,
        DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
      ),
      ...(redrive
        ? {
            deadLetter: {
              queueLogicalId: targetOf(redrive.deadLetterTargetArn, `${where}.RedrivePolicy.deadLetterTargetArn`),
              maxReceiveCount: numberOf(redrive.maxReceiveCount, `${where}.RedrivePolicy.maxReceiveCount`),
            },
          }
        : {}),
    };
  });
}
