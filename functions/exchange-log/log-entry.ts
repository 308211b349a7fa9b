import type { BusEvent } from '../../schemas/envelope.ts';
import { validateDetail, type FieldIssue } from '../../schemas/validate.ts';
import type { PersonRef } from '../../schemas/person.ts';
import { personKey } from '../lib/person-key.ts';

/** One row of the exchange log. */
export interface LogEntry {
  /** `detail.meta.eventId` for a valid event; the bus's event id otherwise. */
  eventId: string;
  busEventId: string;
  source: string;
  detailType: string;
  /** Bus receipt time (EventBridge `time`). */
  time: string;
  occurredAt: string;
  /** Partition for chronological replay: the UTC day of receipt. */
  day: string;
  /** Sort key within a day: receipt time then bus id, so a replay reads in bus order. */
  logPosition: string;
  subject?: string;
  correlationId?: string;
  causationId?: string;
  /** The event's `detail`, as JSON (kept opaque: the log never reinterprets it). */
  detail: string;
  valid: boolean;
  issues?: FieldIssue[];
}

/**
 * What the exchange log records for an event. An event that breaks the
 * contract is recorded too, with its validation issues, so nothing that the
 * bus accepted is ever lost silently.
 */
export function toLogEntry(event: BusEvent, personKeySecret: string): LogEntry {
  const result = validateDetail(event.source, event['detail-type'], event.detail);
  const base = {
    busEventId: event.id,
    source: event.source,
    detailType: event['detail-type'],
    time: event.time,
    day: event.time.slice(0, 10),
    logPosition: `${event.time}#${event.id}`,
    detail: JSON.stringify(event.detail ?? null),
  };
  if (!result.ok) {
    return { ...base, eventId: `bus:${event.id}`, occurredAt: event.time, valid: false, issues: [...result.issues] };
  }
  const { meta, data } = result.detail;
  const person = (data as { person?: PersonRef } | null)?.person;
  return {
    ...base,
    eventId: meta.eventId,
    occurredAt: meta.occurredAt,
    correlationId: meta.correlationId,
    ...(meta.causationId ? { causationId: meta.causationId } : {}),
    ...(person ? { subject: personKey(person, personKeySecret) } : {}),
    valid: true,
  };
}

/** Replayed events are already in the log under their original ids. */
export function isReplay(event: BusEvent): boolean {
  return typeof event['replay-name'] === 'string';
}
