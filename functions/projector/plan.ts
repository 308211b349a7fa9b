/**
 * Pure planning for a projection batch: which records the events touch, and
 * what those records become. No I/O: the handler loads and stores.
 */
import type { BusEvent, Detail } from '../../schemas/envelope.ts';
import type { PersonRef } from '../../schemas/person.ts';
import { foldRecord, mergeEvents, recordRefs, type AppliedEvent, type EventData, type RecordKind } from '../domain/records.ts';
import { minimise, type TableView } from '../domain/views.ts';
import { personKey } from '../lib/person-key.ts';

export interface StoredRecord {
  pk: string;
  sk: string;
  kind: RecordKind;
  version: number;
  state: Record<string, unknown>;
  events: AppliedEvent[];
}

export interface ValidEvent {
  readonly messageId: string;
  readonly bus: BusEvent<Detail<EventData>>;
}

export interface PlannedWrite {
  readonly record: StoredRecord;
  /** The version the stored record must still have (0: must not exist yet). */
  readonly expectedVersion: number;
  /** Messages whose events this write carries: if it fails, they are retried. */
  readonly messageIds: ReadonlySet<string>;
}

export const recordKey = (pk: string, sk: string) => `${pk}\u0000${sk}`;

interface Touch {
  pk: string;
  sk: string;
  kind: RecordKind;
  events: AppliedEvent[];
  messageIds: Set<string>;
}

/** The person keys an event is filed under: its own, and the one its IIN alone would give. */
export function keysOf(data: EventData, type: string, secret: string): { personKey?: string; iinKey?: string } {
  const person = data.person as PersonRef | undefined;
  if (!person) return {};
  const own = personKey(person, secret);
  const iin = type === 'CitizenshipGranted' ? (data.iin as string | undefined) : person.iin;
  return { personKey: own, ...(iin ? { iinKey: personKey({ iin }, secret) } : {}) };
}

/** Groups a batch's events by the records of this table they touch, each event minimised for that record. */
export function touches(view: TableView, events: readonly ValidEvent[], secret: string): Touch[] {
  const byKey = new Map<string, Touch>();
  for (const { messageId, bus } of events) {
    const { meta, data } = bus.detail;
    const type = bus['detail-type'];
    const { personKey: key, iinKey } = keysOf(data, type, secret);
    for (const ref of recordRefs(type, data, key, iinKey)) {
      const kept = ref.kind === 'alias' ? minimise(view, 'alias', { personKey: key }) : minimise(view, ref.kind, data);
      if (!kept) continue;
      const applied: AppliedEvent = {
        id: meta.eventId,
        type,
        source: bus.source,
        occurredAt: meta.occurredAt,
        ...(meta.causationId ? { causationId: meta.causationId } : {}),
        data: kept,
      };
      const k = recordKey(ref.pk, ref.sk);
      const touch = byKey.get(k) ?? { pk: ref.pk, sk: ref.sk, kind: ref.kind, events: [], messageIds: new Set<string>() };
      touch.events.push(applied);
      touch.messageIds.add(messageId);
      byKey.set(k, touch);
    }
  }
  return [...byKey.values()];
}

/** What each touched record becomes; records the batch does not change are left out. */
export function planWrites(touched: readonly Touch[], existing: ReadonlyMap<string, StoredRecord>): PlannedWrite[] {
  const writes: PlannedWrite[] = [];
  for (const touch of touched) {
    const current = existing.get(recordKey(touch.pk, touch.sk));
    const events = mergeEvents(current?.events ?? [], touch.events);
    if (!events) continue;
    const state = touch.kind === 'alias' ? { personKey: events.at(-1)!.data.personKey } : foldRecord(touch.kind, events);
    writes.push({
      record: { pk: touch.pk, sk: touch.sk, kind: touch.kind, version: (current?.version ?? 0) + 1, state, events },
      expectedVersion: current?.version ?? 0,
      messageIds: touch.messageIds,
    });
  }
  return writes;
}
