import { randomUUID } from 'node:crypto';
import type { EventDefinition } from './define.ts';
import type { Detail, Meta } from './envelope.ts';

/** A PutEvents request entry, with the AWS SDK's field names. */
export interface PutEventsEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName?: string;
  Time?: Date;
  Resources?: string[];
}

export function newMeta(definition: EventDefinition, overrides: Partial<Meta> = {}): Meta {
  const eventId = overrides.eventId ?? randomUUID();
  return {
    eventId,
    schemaVersion: definition.schemaVersion,
    occurredAt: overrides.occurredAt ?? new Date().toISOString(),
    correlationId: overrides.correlationId ?? eventId,
    ...(overrides.causationId ? { causationId: overrides.causationId } : {}),
    ...(overrides.subject ? { subject: overrides.subject } : {}),
  };
}

export function toEntry(definition: EventDefinition, detail: Detail, eventBusName?: string): PutEventsEntry {
  return {
    Source: definition.source,
    DetailType: definition.detailType,
    Detail: JSON.stringify(detail),
    ...(eventBusName ? { EventBusName: eventBusName } : {}),
  };
}

/** The definition's example as a ready-to-send PutEvents entry. */
export function exampleEntry(definition: EventDefinition, eventBusName: string, meta: Partial<Meta> = {}): PutEventsEntry {
  return toEntry(definition, { meta: newMeta(definition, meta), data: definition.example }, eventBusName);
}
