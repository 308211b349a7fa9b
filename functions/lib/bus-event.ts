import type { SQSRecord } from 'aws-lambda';
import type { BusEvent } from '../../schemas/envelope.ts';

/** The EventBridge event an SQS target wrote into a message body. */
export function busEventFromRecord(record: SQSRecord): BusEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.body);
  } catch (cause) {
    throw new Error(`SQS message ${record.messageId} is not JSON`, { cause });
  }
  const event = parsed as Partial<BusEvent> | null;
  if (!event || typeof event.source !== 'string' || typeof event['detail-type'] !== 'string' || typeof event.id !== 'string') {
    throw new Error(`SQS message ${record.messageId} is not an EventBridge event (needs id, source, detail-type)`);
  }
  return event as BusEvent;
}
