import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { BusEvent } from '../../schemas/envelope.ts';
import { busEventFromRecord } from './bus-event.ts';

export interface DeliveredEvent {
  readonly messageId: string;
  readonly event: BusEvent;
}

/**
 * What a batch processor returns: the message ids it could not handle. The
 * rest of the batch is deleted; these come back after the visibility timeout
 * and are dead-lettered after the queue's maxReceiveCount.
 */
export type BatchProcessor = (events: readonly DeliveredEvent[], context: Context) => Promise<readonly string[]>;

/**
 * Turns a whole-batch processor into an SQS handler with partial batch
 * responses (ReportBatchItemFailures). Unlike per-record processing, the
 * processor sees the whole batch, so it can write in batches.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export function sqsBatchHandler(process: BatchProcessor) {
  return async function handleSqsBatch(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const delivered: DeliveredEvent[] = [];
    const failed = new Set<string>();
    for (const record of event.Records as SQSRecord[]) {
      try {
        delivered.push({ messageId: record.messageId, event: busEventFromRecord(record) });
      } catch {
        failed.add(record.messageId);
      }
    }
    if (delivered.length > 0) for (const id of await process(delivered, context)) failed.add(id);
    return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
