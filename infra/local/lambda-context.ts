import { createHash, randomUUID } from 'node:crypto';
import type { Context, SQSEvent } from 'aws-lambda';
import { FAILURE_REASONS } from '../../functions/lib/sqs-batch.ts';
import type { StoredMessage } from './queue-store.ts';

/**
 * A Lambda context as the runtime passes it, for a function invoked in-process; `reasons` collects why messages failed.
 */
export function lambdaContext(
  functionName: string,
  region: string,
  timeoutMs: number,
  reasons?: Map<string, string>,
): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    ...(reasons ? { [FAILURE_REASONS]: reasons } : {}),
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The SQS event Lambda's event source mapping builds from a received batch. */
export function sqsEvent(messages: readonly StoredMessage[], queueArn: string, region: string): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.id,
      receiptHandle: `${m.id}:${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'AIDAEVENTBRIDGE',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(m.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: region,
    })),
  };
}
