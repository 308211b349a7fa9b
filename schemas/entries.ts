import { randomUUID } from 'node:crypto';
import type { EventDefinition } from './define.ts';
import type { Detail, Meta } from './envelope.ts';

/**
 * Marks smoke traffic (`mx smoke`) in an entry's `Resources`: it travels the
 * whole exchange like any event, but is kept apart, never counted in a
 * ministry's figures, and expires (DynamoDB TTL on `expiresAt`).
 */
export const SMOKE_RESOURCE = 'urn:migration-exchange:smoke';

/** Whether a bus event (its `resources`) is smoke traffic. */
export function isSmoke(event: { resources?: readonly string[] | undefined }): boolean {
  return event.resources?.includes(SMOKE_RESOURCE) === true;
}

/** How long smoke records live: long enough to inspect a failed run, short enough that nothing accumulates. */
export const SMOKE_TTL_SECONDS = 24 * 3600;

/** When a smoke record made from an event received at `time` expires (epoch seconds, DynamoDB TTL). */
export const smokeExpiry = (time: string) => Math.floor(Date.parse(time) / 1000) + SMOKE_TTL_SECONDS;

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
export function exampleEntry(
  definition: EventDefinition,
  eventBusName: string,
  meta: Partial<Meta> = {},
): PutEventsEntry {
  return toEntry(definition, { meta: newMeta(definition, meta), data: definition.example }, eventBusName);
}
