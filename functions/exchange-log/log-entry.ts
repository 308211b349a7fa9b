import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { isSmoke, smokeExpiry } from '../../schemas/entries.ts';
import type { BusEvent } from '../../schemas/envelope.ts';
import type { PersonRef } from '../../schemas/person.ts';
import { type FieldIssue, validateDetail } from '../../schemas/validate.ts';
import { personKey } from '../domain/person-key.ts';

/**
 * Why a row is on the breaches list: it broke the contract, or reused an id its producer had
 * already used for another event.
 */
export type BreachKind = 'invalid' | 'id-conflict';

/** One row of the exchange log. */
export interface LogEntry {
  /**
   * `<source>#<eventId>`: the producer's own id, scoped to its source, so one
   * agency can never address (let alone overwrite) another's row.
   */
  pk: string;
  /** `detail.meta.eventId` for a valid event; `bus:<bus id>` otherwise. */
  eventId: string;
  busEventId: string;
  source: string;
  detailType: string;
  /** Bus receipt time (EventBridge `time`). */
  time: string;
  occurredAt: string;
  /** Partition for chronological replay: the UTC day of receipt (absent for smoke traffic, which is never replayed). */
  day?: string;
  /** Sort key within a day: receipt time then bus id, so a replay reads in bus order. */
  logPosition?: string;
  /** Smoke traffic only: when DynamoDB's TTL removes the row (epoch seconds). */
  expiresAt?: number;
  subject?: string;
  correlationId?: string;
  causationId?: string;
  /** The event's `detail`, as JSON (kept opaque: the log never reinterprets it). Absent when stored compressed. */
  detail?: string;
  /** The detail gzip-compressed, for breaches too big to keep as text in one item. */
  detailGzip?: Uint8Array;
  /** The compressed detail is split over this many part rows (`partKey(pk, digest, i)`). */
  detailParts?: number;
  /**
   * SHA-256 of source, detail-type and detail: tells a redelivery (same digest) from a second event under the same id.
   */
  digest: string;
  valid: boolean;
  issues?: FieldIssue[];
  /** How many issues the event had (issues keeps the first MAX_ISSUES). */
  issueCount?: number;
  /** Set only on breaches: the sparse `breaches` index lists them per source. */
  breachSource?: string;
  breach?: BreachKind;
  /** For an id conflict: the row that holds the first event under this id. */
  conflictsWith?: string;
  /**
   * The row's leaf in the log's Merkle tree (absent on smoke rows, which are never leaves). See
   * functions/merkle/sequencer.ts.
   */
  leafIndex?: number;
  /** `leafIndex` mod 8: the row's partition of the byLeaf index. */
  leafShard?: number;
}

/** A slice of a compressed detail too large for one DynamoDB item (400 KB). */
export interface LogPart {
  pk: string;
  partOf: string;
  part: number;
  data: Uint8Array;
}

/** Details above this stay compressed; DynamoDB's item limit is 400 KB including attribute names. */
const INLINE_DETAIL_BYTES = 64 * 1024;
const PART_BYTES = 300 * 1024;
const MAX_ISSUES = 20;
const MAX_ISSUE_MESSAGE = 500;

export const logKey = (source: string, eventId: string) => `${source}#${eventId}`;
/** The item listing the days the log has rows for, so a replay reads it day by day through the byDay index. */
export const LOG_DAYS_KEY = '#days';
export const partKey = (pk: string, digest: string, part: number) => `${pk}#part#${digest.slice(0, 16)}#${part}`;
export const conflictKey = (entry: Pick<LogEntry, 'pk' | 'busEventId'>) => `conflict#${entry.pk}#${entry.busEventId}`;

/** Sources the breaches index has a partition for; anything else is filed under `other`. */
export function breachPartition(source: string, known: readonly string[]): string {
  return known.includes(source) ? source : 'other';
}

function boundedIssues(issues: readonly FieldIssue[]): FieldIssue[] {
  return issues
    .slice(0, MAX_ISSUES)
    .map((i) => ({ path: i.path.slice(0, MAX_ISSUE_MESSAGE), message: i.message.slice(0, MAX_ISSUE_MESSAGE) }));
}

/** A log row and the part rows it needs, ready to write. */
export interface LogWrite {
  readonly entry: LogEntry;
  readonly parts: readonly LogPart[];
}

/**
 * Keeps the detail whole whatever its size: inline as JSON when small, else
 * gzip-compressed, split over part rows when even that is too big (a PutEvents
 * entry may be 1 MB). Nothing the bus acknowledged is truncated.
 */
function withDetail(entry: Omit<LogEntry, 'detail'>, detail: string): LogWrite {
  if (Buffer.byteLength(detail) <= INLINE_DETAIL_BYTES) return { entry: { ...entry, detail }, parts: [] };
  const compressed = gzipSync(detail);
  if (compressed.length <= PART_BYTES) return { entry: { ...entry, detailGzip: compressed }, parts: [] };
  const parts: LogPart[] = [];
  for (let offset = 0, part = 0; offset < compressed.length; offset += PART_BYTES, part++) {
    parts.push({
      pk: partKey(entry.pk, entry.digest, part),
      partOf: entry.pk,
      part,
      data: compressed.subarray(offset, offset + PART_BYTES),
    });
  }
  return { entry: { ...entry, detailParts: parts.length }, parts };
}

/**
 * What the exchange log records for an event. An event that breaks the
 * contract is recorded too, with its validation issues and on the breaches
 * index, so nothing that the bus accepted is ever lost silently.
 */
export function toLogWrite(event: BusEvent, personKeySecret: string, knownSources: readonly string[]): LogWrite {
  const write = logWrite(event, personKeySecret, knownSources);
  if (!isSmoke(event)) return write;
  // Smoke traffic is logged apart (its own key prefix, off the replay and breach indexes) and expires.
  const { day: _day, logPosition: _position, breachSource: _breaches, ...entry } = write.entry;
  const pk = `smoke#${entry.pk}`;
  return {
    entry: { ...entry, pk, expiresAt: smokeExpiry(event.time) },
    parts: write.parts.map((p, i) => ({ ...p, pk: partKey(pk, entry.digest, i), partOf: pk })),
  };
}

/**
 * SHA-256 of source, NUL, detail-type, NUL and the detail as logged: tells one event from another under the same id.
 */
export function eventDigest(source: string, detailType: string, detail: string): string {
  return createHash('sha256').update(`${source}\u0000${detailType}\u0000${detail}`).digest('hex');
}

function logWrite(event: BusEvent, personKeySecret: string, knownSources: readonly string[]): LogWrite {
  const detail = JSON.stringify(event.detail ?? null);
  const digest = eventDigest(event.source, event['detail-type'], detail);
  const result = validateDetail(event.source, event['detail-type'], event.detail);
  const base = {
    busEventId: event.id,
    source: event.source,
    detailType: event['detail-type'],
    time: event.time,
    day: event.time.slice(0, 10),
    logPosition: `${event.time}#${event.id}`,
    digest,
  };
  if (!result.ok) {
    const eventId = `bus:${event.id}`;
    return withDetail(
      {
        ...base,
        pk: logKey(event.source, eventId),
        eventId,
        occurredAt: event.time,
        valid: false,
        issues: boundedIssues(result.issues),
        issueCount: result.issues.length,
        breach: 'invalid',
        breachSource: breachPartition(event.source, knownSources),
      },
      detail,
    );
  }
  const { meta, data } = result.detail;
  const person = (data as { person?: PersonRef } | null)?.person;
  return withDetail(
    {
      ...base,
      pk: logKey(event.source, meta.eventId),
      eventId: meta.eventId,
      occurredAt: meta.occurredAt,
      correlationId: meta.correlationId,
      ...(meta.causationId ? { causationId: meta.causationId } : {}),
      ...(person ? { subject: personKey(person, personKeySecret) } : {}),
      valid: true,
    },
    detail,
  );
}

/**
 * The row that records a second, different event published under an id its
 * source had already used: kept in full beside the first, never over it.
 */
export function toConflictWrite(
  write: LogWrite,
  existing: Pick<LogEntry, 'pk' | 'time' | 'busEventId' | 'detailType'>,
  knownSources: readonly string[],
): LogWrite {
  const { entry } = write;
  const pk = conflictKey(entry);
  const issue = {
    path: 'detail.meta.eventId',
    message:
      `${entry.eventId} was already used by ${entry.source} for a different event (${existing.detailType}, ` +
      `received ${existing.time}, bus id ${existing.busEventId}); this one was kept apart, not applied`,
  };
  return {
    entry: {
      ...entry,
      pk,
      // Kept out of replay and lineage: only the first event under an id is the record.
      valid: false,
      issues: [issue],
      issueCount: 1,
      breach: 'id-conflict',
      breachSource: breachPartition(entry.source, knownSources),
      conflictsWith: existing.pk,
      subject: undefined,
    },
    parts: write.parts.map((p, i) => ({ ...p, pk: partKey(pk, entry.digest, i), partOf: pk })),
  };
}

/** Smoke rows expire and are kept out of the Merkle tree. */
export function isSmokeRow(entry: Pick<LogEntry, 'pk'>): boolean {
  return entry.pk.startsWith('smoke#');
}

/**
 * The write with its row placed at a leaf of the Merkle tree (part rows are covered by the row's digest, not leaves).
 */
export function atLeaf(write: LogWrite, position: { leafIndex: number; leafShard: number }): LogWrite {
  return { entry: { ...write.entry, ...position }, parts: write.parts };
}

/** Replayed events are already in the log under their original ids. */
export function isReplay(event: BusEvent): boolean {
  return typeof event['replay-name'] === 'string';
}
