import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
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
export type WholeBatchProcessor = (
  events: readonly DeliveredEvent[],
  context: Context,
) => Promise<readonly BatchFailure[]>;

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
 * A record's failure as Powertools' batch processor sees it: thrown by the record
 * handler, with the record's own reason.
 */
class RecordFailed extends Error {}

/**
 * The record handler of one invocation: each record joins the invocation's
 * batch (or fails at once if it is not a bus event); when every record has
 * joined, the whole-batch processor runs once, and each record's handler
 * settles with that record's own outcome. Powertools' processor calls the
 * record handlers in parallel, so all of them are waiting when the batch runs.
 */
function joinedBatch(
  expected: number,
  run: (delivered: readonly DeliveredEvent[]) => Promise<readonly BatchFailure[]>,
) {
  const delivered: DeliveredEvent[] = [];
  let arrived = 0;
  let settle!: (failures: Promise<Map<string, string>>) => void;
  const outcome = new Promise<Map<string, string>>((resolve) => (settle = resolve));
  const arrive = () => {
    arrived += 1;
    if (arrived !== expected) return;
    const failures = delivered.length === 0 ? Promise.resolve([]) : Promise.resolve().then(() => run(delivered));
    settle(failures.then((list) => new Map(list.map((f) => [f.messageId, f.reason]))));
  };
  return async (record: SQSRecord): Promise<void> => {
    let event: BusEvent;
    try {
      event = busEventFromRecord(record);
    } catch (error) {
      arrive();
      throw new RecordFailed((error as Error).message);
    }
    delivered.push({ messageId: record.messageId, event });
    arrive();
    let failures: Map<string, string>;
    try {
      failures = await outcome;
    } catch (error) {
      // The processor itself failed: every message of the batch comes back, each saying why.
      throw new RecordFailed(`the batch failed: ${reasonOf(error)}`);
    }
    const reason = failures.get(record.messageId);
    if (reason !== undefined) throw new RecordFailed(reason);
  };
}

/**
 * Turns a whole-batch processor into an SQS handler with partial batch
 * responses (ReportBatchItemFailures), through Powertools' BatchProcessor.
 * The processor sees the whole batch, so it can read and write in batches
 * (the projector and the exchange log do); Powertools settles each record
 * and builds the response.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export function sqsBatchHandler(process: WholeBatchProcessor, log?: FailureLog) {
  return async function handleSqsBatch(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const records = (event.Records ?? []) as SQSRecord[];
    const failures = new Map<string, string>();
    const join = joinedBatch(records.length, (delivered) => process(delivered, context));
    const recordHandler = async (record: SQSRecord) => {
      try {
        await join(record);
      } catch (error) {
        failures.set(record.messageId, (error as Error).message);
        throw error;
      }
    };
    // Not throwing on a fully failed batch: the response names every message, and each keeps its own reason.
    const response = await processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    });
    const sink = (context as ReasonSink)[FAILURE_REASONS];
    for (const [messageId, reason] of failures) {
      sink?.set(messageId, reason);
      log?.warn('message failed; it will be retried, then dead-lettered', { messageId, reason });
    }
    return response;
  };
}

/** The reason an error gives, for a failure report. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 1000) : String(error).slice(0, 1000);
}
