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
  if (
    !event ||
    typeof event.source !== 'string' ||
    typeof event['detail-type'] !== 'string' ||
    typeof event.id !== 'string'
  ) {
    throw new Error(`SQS message ${record.messageId} is not an EventBridge event (needs id, source, detail-type)`);
  }
  return event as BusEvent;
}

/**
 * An event in the shape a target receives, rebuilt from what this platform
 * keeps of it (a published entry, a log row). Account and region are not
 * kept and stay empty; no consumer reads them.
 */
export function rebuiltBusEvent<D>(fields: {
  id: string;
  source: string;
  detailType: string;
  time: string;
  detail: D;
}): BusEvent<D> {
  return {
    version: '0',
    id: fields.id,
    source: fields.source,
    'detail-type': fields.detailType,
    account: '',
    time: fields.time,
    region: '',
    resources: [],
    detail: fields.detail,
  };
}
