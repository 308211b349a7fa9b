import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { BusEvent } from '../../schemas/envelope.ts';
import { busEventFromRecord } from './bus-event.ts';

export interface DeliveredEvent {
  readonly messageId: string;
  readonly event: BusEvent;
}

/** A message the processor could not handle, and why (the dead letter's reason if it never succeeds). */
export interface BatchFailure {
  readonly messageId: string;
  readonly reason: string;
}

/**
 * What a batch processor returns: the messages it could not handle. The rest
 * of the batch is deleted; these come back after the visibility timeout and
 * are dead-lettered after the queue's maxReceiveCount. A processor must
 * attribute each failure to the message that caused it, never fail a whole
 * batch for one item.
 */
export type BatchProcessor = (events: readonly DeliveredEvent[], context: Context) => Promise<readonly BatchFailure[]>;

/**
 * Where the embedded local cloud collects each failed message's reason, to
 * park it on the dead letter. Lambda has no such channel (a partial batch
 * response carries ids only), so on AWS the reasons are in the function's
 * log, one line per message id.
 */
export const FAILURE_REASONS = Symbol.for('migration-exchange.failureReasons');
type ReasonSink = { [FAILURE_REASONS]?: Map<string, string> };

export interface FailureLog {
  warn(message: string, extra: Record<string, unknown>): void;
}

/**
 * Turns a whole-batch processor into an SQS handler with partial batch
 * responses (ReportBatchItemFailures). Unlike per-record processing (what
 * Powertools' BatchProcessor offers), the processor sees the whole batch, so
 * it can read and write in batches.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export function sqsBatchHandler(process: BatchProcessor, log?: FailureLog) {
  return async function handleSqsBatch(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const delivered: DeliveredEvent[] = [];
    const failures = new Map<string, string>();
    for (const record of event.Records as SQSRecord[]) {
      try {
        delivered.push({ messageId: record.messageId, event: busEventFromRecord(record) });
      } catch (error) {
        failures.set(record.messageId, (error as Error).message);
      }
    }
    if (delivered.length > 0) for (const { messageId, reason } of await process(delivered, context)) failures.set(messageId, reason);
    const sink = (context as ReasonSink)[FAILURE_REASONS];
    for (const [messageId, reason] of failures) {
      sink?.set(messageId, reason);
      log?.warn('message failed; it will be retried, then dead-lettered', { messageId, reason });
    }
    return { batchItemFailures: [...failures.keys()].map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/** The reason an error gives, for a failure report. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 1000) : String(error).slice(0, 1000);
}
