/**
 * PutEvents request checks and entry-to-event conversion, as EventBridge does
 * them, without any I/O. Limits: at most 10 entries; since January 2026 an
 * entry may be up to 1 MB, and the request as a whole is held to the same
 * 1 MB. Entry size is measured as AWS documents it
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html).
 */
import { randomUUID } from 'node:crypto';
import type { BusEvent } from '../../schemas/envelope.ts';
import { validationError } from './aws-protocol.ts';
import { depthProblem, MAX_JSON_DEPTH } from './json-limits.ts';

export const MAX_ENTRIES = 10;
export const MAX_REQUEST_BYTES = 1024 * 1024;

export interface RawEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  EventBusName?: unknown;
  Resources?: unknown;
  Time?: unknown;
  TraceHeader?: unknown;
}

export type EntryOutcome =
  | { ok: true; event: BusEvent; busName: string }
  | { ok: false; ErrorCode: string; ErrorMessage: string };

export function entrySize(entry: RawEntry): number {
  let size = entry.Time !== undefined ? 14 : 0;
  for (const text of [entry.Source, entry.DetailType, entry.Detail])
    if (typeof text === 'string') size += Buffer.byteLength(text);
  if (Array.isArray(entry.Resources))
    for (const r of entry.Resources) if (typeof r === 'string') size += Buffer.byteLength(r);
  return size;
}

/** Request-level checks: these fail the whole call with a ValidationException. */
export function checkRequest(body: Record<string, unknown>): RawEntry[] {
  const entries = body.Entries;
  if (!Array.isArray(entries))
    throw validationError(
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  if (entries.length < 1 || entries.length > MAX_ENTRIES) {
    throw validationError(
      `1 validation error detected: Value '[${entries.length} entries]' at 'entries' failed to satisfy ` +
        `constraint: Member must have length ` +
        `${entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`}`,
    );
  }
  const total = entries.reduce((sum: number, entry: RawEntry) => sum + entrySize(entry ?? {}), 0);
  if (total > MAX_REQUEST_BYTES) throw validationError('Total size of the entries in the request is over the limit.');
  return entries as RawEntry[];
}

function busNameOf(value: unknown): string {
  if (typeof value !== 'string' || value === '') return 'default';
  const arn = /^arn:aws[\w-]*:events:[^:]*:\d{12}:event-bus\/(.+)$/.exec(value);
  return arn ? arn[1]! : value;
}

function timeOf(value: unknown, now: Date): string {
  // The SDK sends Time as epoch seconds (JSON 1.1 timestamps); EventBridge keeps second precision.
  const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : now;
  const valid = Number.isNaN(date.getTime()) ? now : date;
  return `${valid.toISOString().slice(0, 19)}Z`;
}

const invalid = (field: string, reason: string): EntryOutcome => ({
  ok: false,
  ErrorCode: 'InvalidArgument',
  ErrorMessage: `Parameter ${field} is not valid. Reason: ${reason}`,
});

/** Entry-level checks and the event a target will receive. */
export function toBusEvent(
  entry: RawEntry,
  context: { account: string; region: string; now: Date; buses: ReadonlySet<string> },
): EntryOutcome {
  if (typeof entry.Source !== 'string' || entry.Source === '')
    return invalid('Source', 'Source is a required argument.');
  if (typeof entry.DetailType !== 'string' || entry.DetailType === '')
    return invalid('DetailType', 'DetailType is a required argument.');
  if (typeof entry.Detail !== 'string' || entry.Detail === '')
    return invalid('Detail', 'Detail is a required argument.');
  // Bounded before it is parsed: the rules' matcher and the queue message's JSON.stringify both recurse.
  const tooDeep = depthProblem(entry.Detail);
  if (tooDeep)
    return {
      ok: false,
      ErrorCode: 'MalformedDetail',
      ErrorMessage: `Detail is malformed: ${tooDeep}; PutEvents processes nested JSON up to ${MAX_JSON_DEPTH} levels.`,
    };
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return { ok: false, ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return { ok: false, ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  const busName = busNameOf(entry.EventBusName);
  if (!context.buses.has(busName))
    return { ok: false, ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
  const resources = Array.isArray(entry.Resources)
    ? entry.Resources.filter((r): r is string => typeof r === 'string')
    : [];
  return {
    ok: true,
    busName,
    event: {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: context.account,
      time: timeOf(entry.Time, context.now),
      region: context.region,
      resources,
      detail,
    },
  };
}
