/** `AWS::Lambda::EventSourceMapping`: which queue feeds which function, in what batches. */
import { IntrinsicError } from '../intrinsics.ts';
import type { CfnTemplate } from '../template-types.ts';
import { numberOf, ofType, props, targetOf } from './common.ts';

export interface LocalEventSourceMapping {
  readonly logicalId: string;
  readonly queueLogicalId: string;
  readonly functionLogicalId: string;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** Only partial batch responses are run locally (every subscription asks for them). */
  readonly reportBatchItemFailures: true;
}

/** Lambda's default batch size for SQS (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html). */
const DEFAULT_SQS_BATCH_SIZE = 10;

export function eventSourceMappingsOf(template: CfnTemplate): LocalEventSourceMapping[] {
  return ofType(template, 'AWS::Lambda::EventSourceMapping').map((entry) => {
    const p = props(entry);
    const where = `${entry[0]}.Properties`;
    const responseTypes = (p.FunctionResponseTypes ?? []) as unknown[];
    if (!responseTypes.includes('ReportBatchItemFailures')) {
      throw new IntrinsicError(
        `${where}.FunctionResponseTypes`,
        'the local cloud delivers with ReportBatchItemFailures only ' +
          '(a whole-batch retry would change what handlers see)',
      );
    }
    return {
      logicalId: entry[0],
      queueLogicalId: targetOf(p.EventSourceArn, `${where}.EventSourceArn`),
      functionLogicalId: targetOf(p.FunctionName, `${where}.FunctionName`),
      batchSize: numberOf(p.BatchSize, `${where}.BatchSize`, DEFAULT_SQS_BATCH_SIZE),
      maxBatchingWindowSeconds: numberOf(
        p.MaximumBatchingWindowInSeconds,
        `${where}.MaximumBatchingWindowInSeconds`,
        0,
      ),
      reportBatchItemFailures: true,
    };
  });
}
