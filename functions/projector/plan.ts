/**
 * Pure planning for a projection batch: which records the events touch,
 * what those records become, and how the table's counters move with them.
 * No I/O: the handler loads and stores.
 */

import { isSmoke, smokeExpiry } from '../../schemas/entries.ts';
import type { BusEvent, Detail } from '../../schemas/envelope.ts';
import type { PersonRef } from '../../schemas/person.ts';
import { visaRequired } from '../../schemas/reference/visa-regime.ts';
import { type CounterDelta, contributions, difference } from '../domain/aggregates.ts';
import { type AppliedEvent, foldState, KIND_RULES, mergeEvents } from '../domain/fold.ts';
import { personKey } from '../domain/person-key.ts';
import { aliasPk, type EventData, fragmentOf, personPk, projectionOf, QUOTA_PK } from '../domain/projections.ts';
import type { RecordKind } from '../domain/record-states.ts';
import { VISA_FREE_STAY_DAYS } from '../domain/stay-rules.ts';
import { recordKey, type StoredRecord } from '../domain/stored-record.ts';
import { minimise, type TableView } from '../domain/views.ts';

export type { EventData } from '../domain/projections.ts';
export { ofKind, type RecordOf, recordKey, type StoredRecord } from '../domain/stored-record.ts';

export interface ValidEvent {
  readonly messageId: string;
  readonly bus: BusEvent<Detail<EventData>>;
}

export interface Touch {
  readonly pk: string;
  readonly sk: string;
  readonly kind: RecordKind;
  readonly events: AppliedEvent[];
  readonly messageIds: Set<string>;
  /** Set when smoke traffic built the record: it expires then, and moves no counter. */
  expiresAt?: number;
}

export interface PlannedWrite {
  readonly record: StoredRecord;
  /** The version the stored record must still have (0: must not exist yet). */
  readonly expectedVersion: number;
  /** Messages whose events this write carries: if it fails, they are retried. */
  readonly messageIds: ReadonlySet<string>;
  /** How the table's counters move with this change. */
  readonly deltas: readonly CounterDelta[];
}

/** The person keys an event is filed under: its own, and the one an IIN it links the person to would give. */
export function keysOf(data: EventData, detailType: string, secret: string): { personKey?: string; iinKey?: string } {
  const person = data.person as PersonRef | undefined;
  if (!person) return {};
  const own = personKey(person, secret);
  const iin = projectionOf(detailType)?.linksIin?.(data);
  return { personKey: own, ...(iin ? { iinKey: personKey({ iin }, secret) } : {}) };
}

/** Groups a batch's events by the records of this table they touch, each event minimised for that record. */
export function touches(view: TableView, events: readonly ValidEvent[], secret: string): Touch[] {
  const byKey = new Map<string, Touch>();
  let expiresAt: number | undefined;
  const touch = (pk: string, sk: string, kind: RecordKind, applied: AppliedEvent, messageId: string) => {
    const k = recordKey(pk, sk);
    const entry: Touch = byKey.get(k) ?? { pk, sk, kind, events: [], messageIds: new Set<string>() };
    entry.events.push(applied);
    entry.messageIds.add(messageId);
    if (expiresAt !== undefined) entry.expiresAt = expiresAt;
    byKey.set(k, entry);
  };
  for (const { messageId, bus } of events) {
    expiresAt = isSmoke(bus) ? smokeExpiry(bus.time) : undefined;
    const projection = projectionOf(bus['detail-type']);
    if (!projection) continue;
    const { meta, data } = bus.detail;
    const { personKey: key, iinKey } = keysOf(data, bus['detail-type'], secret);
    const applied = (set: Record<string, unknown>): AppliedEvent => ({
      id: meta.eventId,
      type: bus['detail-type'],
      source: bus.source,
      occurredAt: meta.occurredAt,
      ...(meta.causationId ? { causationId: meta.causationId } : {}),
      set,
    });
    for (const t of projection.touches) {
      if (t.partition === 'person' && !key) continue;
      const kept = minimise(view, t.kind, fragmentOf(t, data));
      if (!kept) continue;
      touch(t.partition === 'quota' ? QUOTA_PK : personPk(key!), t.sk(data), t.kind, applied(kept), messageId);
    }
    if (key && iinKey && iinKey !== key) {
      const kept = minimise(view, 'alias', { personKey: key });
      if (kept) touch(aliasPk(iinKey), 'alias', 'alias', applied(kept), messageId);
    }
  }
  return [...byKey.values()];
}

const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day.slice(0, 10)}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * When a ground to stay ends, as Berkut's overstay check counts it: a visa on
 * its expiry (or its revocation, if earlier), a registered stay on its end, an
 * entry on the last day a visa-free stay could last.
 */
function groundEnds(kind: RecordKind, state: Record<string, unknown>): string | undefined {
  if (kind === 'visa' && typeof state.validUntil === 'string') {
    const revoked = state.status === 'revoked' && typeof state.revokedOn === 'string' ? state.revokedOn : undefined;
    return revoked !== undefined && revoked < state.validUntil ? revoked : state.validUntil;
  }
  if (kind === 'stay' && typeof state.validUntil === 'string') return state.validUntil;
  // Only a visa-free national's entry is a ground of its own (a visa national stays on a visa or a registration).
  if (
    kind === 'crossing' &&
    state.direction === 'entry' &&
    typeof state.crossedAt === 'string' &&
    !visaRequired(String((state.person as { citizenship?: string } | undefined)?.citizenship ?? ''))
  ) {
    return addDays(state.crossedAt, VISA_FREE_STAY_DAYS);
  }
  return undefined;
}

/** Keys a table indexes a record under (only Berkut's registry: when a ground to stay ends, for the overstay check). */
function indexAttributes(
  view: TableView,
  kind: RecordKind,
  state: Record<string, unknown>,
): { endsMonth?: string; endsOn?: string } {
  if (view.name !== 'berkut') return {};
  const ends = groundEnds(kind, state);
  return ends === undefined ? {} : { endsMonth: ends.slice(0, 7), endsOn: ends };
}

/**
 * What each touched record becomes, and how the counters move; records the
 * batch does not change are left out. `existing` holds what was read: a
 * record, or undefined for a key known to be free. A single-event record not
 * in it is assumed free (written blind; the write is conditional).
 */
export function planWrites(
  view: TableView,
  touched: readonly Touch[],
  existing: ReadonlyMap<string, StoredRecord | undefined>,
): PlannedWrite[] {
  const writes: PlannedWrite[] = [];
  for (const touch of touched) {
    const current = existing.get(recordKey(touch.pk, touch.sk));
    const events = mergeEvents(touch.kind, current?.events ?? [], touch.events);
    if (!events) continue;
    const state = foldState(touch.kind, events) as Record<string, unknown>;
    // Smoke traffic never moves a ministry's figures.
    const expiresAt = touch.expiresAt ?? current?.expiresAt;
    const counts = expiresAt === undefined;
    const before = current && counts ? contributions(view.name, current.kind, current.state) : [];
    const after = counts ? contributions(view.name, touch.kind, state) : [];
    writes.push({
      record: {
        pk: touch.pk,
        sk: touch.sk,
        kind: touch.kind,
        version: (current?.version ?? 0) + 1,
        state,
        events,
        ...(counts ? indexAttributes(view, touch.kind, state) : { expiresAt }),
      } as StoredRecord,
      expectedVersion: current?.version ?? 0,
      messageIds: touch.messageIds,
      deltas: difference(before, after),
    });
  }
  return writes;
}

/** Whether a kind's records must be read before they are written. */
export const mustRead = (kind: RecordKind) => KIND_RULES[kind].evolving;
