/**
 * Dead letters as SQS shows them, without consuming them: SQS has no peek, so
 * a listing receives a page with a visibility timeout (each page hides what
 * was read, so the next receive returns the next messages) and then gives
 * every one back with ChangeMessageVisibilityBatch to 0, also when the
 * listing fails half-way. This is what `mx dlq list` does
 * (infra/cli/dlq-command.ts); a dead-letter queue has no consumer, so hiding
 * its messages for a moment takes them from nobody.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** One dead letter as operators see it: what failed and why, never the event's data (it carries personal data). */
export interface DeadLetterSummary {
  queue: string;
  messageId: string;
  receiveCount: number;
  error?: string;
  /** The subscription queue it was parked from (the local cloud says; SQS keeps no such attribute). */
  sourceQueue?: string;
  deadLetteredAt?: string;
  source?: string;
  detailType?: string;
  eventId?: string;
}

/**
 * Long enough to page through a queue before the first page reappears; if the
 * function dies before it gives the messages back, they are visible again
 * after this, as after any receive.
 */
const LISTING_VISIBILITY_SECONDS = 60;
const PAGE = 10;

/** Receives up to `limit` distinct messages of the queue and gives every one of them back. */
export async function peek(sqs: SQSClient, queueUrl: string, limit: number): Promise<Message[]> {
  const seen = new Map<string, Message>();
  const receipts = new Map<string, string>();
  try {
    // An empty page ends the listing; so does a page of messages already seen (the queue has gone round once).
    for (let fresh = true; fresh && seen.size < limit; ) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(PAGE, limit - seen.size),
          VisibilityTimeout: LISTING_VISIBILITY_SECONDS,
          // A short poll samples only some of SQS's servers and may come back empty with messages waiting; a long poll
          // asks them all and returns as soon as any message is there (only the last, empty page waits this second).
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      fresh = false;
      for (const m of Messages) {
        if (!m.MessageId || !m.ReceiptHandle) continue;
        if (!seen.has(m.MessageId)) {
          seen.set(m.MessageId, m);
          fresh = true;
        }
        // The newest receipt is the one SQS accepts to give the message back.
        receipts.set(m.MessageId, m.ReceiptHandle);
      }
    }
  } finally {
    const handles = [...receipts.values()];
    for (let i = 0; i < handles.length; i += PAGE) {
      const entries = handles
        .slice(i, i + PAGE)
        .map((ReceiptHandle, j) => ({ Id: String(j), ReceiptHandle, VisibilityTimeout: 0 }));
      await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    }
  }
  return [...seen.values()];
}

export function describeBody(body: string | undefined): Pick<DeadLetterSummary, 'source' | 'detailType' | 'eventId'> {
  try {
    const event = JSON.parse(body ?? '') as {
      source?: unknown;
      'detail-type'?: unknown;
      detail?: { meta?: { eventId?: unknown } };
    };
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const source = text(event?.source);
    const detailType = text(event?.['detail-type']);
    const eventId = text(event?.detail?.meta?.eventId);
    return { ...(source ? { source } : {}), ...(detailType ? { detailType } : {}), ...(eventId ? { eventId } : {}) };
  } catch {
    // An unparseable body is still listed: it is exactly what an operator must see.
    return {};
  }
}

/**
 * A received dead letter as the console lists it. The local cloud adds why a
 * message was parked and when (`mx-*` message attributes); SQS keeps neither,
 * so on AWS the reason is in the subscription function's log. The receive
 * count leaves out this listing's own receive (earlier listings still count,
 * as on SQS).
 */
export function toDeadLetter(queue: string, m: Message): DeadLetterSummary {
  const attribute = (key: string) => m.MessageAttributes?.[key]?.StringValue;
  const sourceReceives = attribute('mx-source-receive-count');
  const receives =
    sourceReceives !== undefined
      ? Number(sourceReceives)
      : Math.max(0, Number(m.Attributes?.ApproximateReceiveCount ?? 1) - 1);
  const error = attribute('mx-error');
  const deadLetteredAt = attribute('mx-dead-lettered-at');
  const sourceQueue = attribute('mx-source-queue');
  return {
    queue,
    messageId: m.MessageId ?? '',
    receiveCount: Number.isFinite(receives) ? receives : 0,
    ...(error ? { error } : {}),
    ...(sourceQueue ? { sourceQueue } : {}),
    ...(deadLetteredAt ? { deadLetteredAt } : {}),
    ...describeBody(m.Body),
  };
}
