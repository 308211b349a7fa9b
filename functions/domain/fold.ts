/**
 * How a record's state comes from its events. A record keeps the (minimised)
 * state fragments of the events that built it and its state is their fold
 * in occurrence order, so a projection is idempotent (events are kept once
 * by id) and order-aware (a late event is folded into its place, never
 * applied on top of newer state).
 *
 * Records built from one event (a crossing, an offence) keep just that
 * event: they are written blind and read only if their key turns out taken.
 * Records whose state evolves (a visa, a permit, a profile) are read,
 * re-folded and written conditionally on their version.
 */
import type { RecordKind, StateOf } from './record-states.ts';

/** An event as a record remembers it: who sent what when, and the state fields it set that the table keeps. */
export interface AppliedEvent {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly occurredAt: string;
  readonly causationId?: string;
  readonly set: Record<string, unknown>;
}

/** Event order within a record: occurrence time, then id, so every replica folds identically. */
export function byOccurrence(a: AppliedEvent, b: AppliedEvent): number {
  return a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

type Fold = (events: readonly AppliedEvent[]) => Record<string, unknown>;

/** Later events' fields win: an issue, then an extension, then a revocation. */
const merge: Fold = (events) => Object.assign({}, ...events.map((e) => e.set));

const day = (value: unknown) => String(value ?? '').slice(0, 10);

/**
 * Stays in the country from a person's crossings: a day counts by its last
 * crossing; citizenship ends the person's time as a foreigner in the country.
 */
const presence: Fold = (events) => {
  const crossings = events
    .filter((e) => e.set.crossedAt !== undefined)
    .sort((a, b) => String(a.set.crossedAt).localeCompare(String(b.set.crossedAt)) || byOccurrence(a, b));
  const lastOfDay = new Map<string, unknown>();
  for (const c of crossings) lastOfDay.set(day(c.set.crossedAt), c.set.direction);
  const stays: [string, string?][] = [];
  for (const [d, direction] of lastOfDay) {
    const open = stays.at(-1) && stays.at(-1)!.length === 1;
    if (direction === 'entry' && !open) stays.push([d]);
    if (direction === 'exit' && open) stays.at(-1)!.push(d);
  }
  const grantedOn = events.map((e) => e.set.citizenshipGrantedOn).find((g) => g !== undefined) as string | undefined;
  const bounded =
    grantedOn === undefined
      ? stays
      : stays
          .filter(([from]) => from < grantedOn)
          .map(([from, until]): [string, string?] => [
            from,
            until === undefined || until > grantedOn ? grantedOn : until,
          ]);
  const citizenship = crossings
    .map((c) => c.set.citizenship)
    .filter((c) => c !== undefined)
    .at(-1) as string | undefined;
  return {
    ...(citizenship ? { citizenship } : {}),
    stays: bounded,
    ...(grantedOn ? { citizenshipGrantedOn: grantedOn } : {}),
  };
};

/** One person's offences in a year. */
const offender: Fold = (events) => {
  const days = events.map((e) => String(e.set.committedOn)).sort();
  const citizenship = events.map((e) => e.set.citizenship).find((c) => c !== undefined) as string | undefined;
  return {
    year: Number(days[0]!.slice(0, 4)),
    ...(citizenship ? { citizenship } : {}),
    firstOffenceOn: days[0],
    offences: events.length,
  };
};

interface KindRule {
  /** Built from many events over time (read before write, versioned) rather than from one. */
  readonly evolving: boolean;
  readonly fold: Fold;
  /**
   * Kept only to count from (where a person was, their offences in a year): not a record of
   * the register shown in a dossier.
   */
  readonly derived?: boolean;
}

const single: KindRule = { evolving: false, fold: merge };
const evolving: KindRule = { evolving: true, fold: merge };

export const KIND_RULES: Readonly<Record<RecordKind, KindRule>> = {
  profile: evolving,
  alias: single,
  visa: evolving,
  crossing: single,
  denial: single,
  stay: single,
  offence: single,
  deportation: single,
  residence: single,
  citizenship: single,
  overstay: single,
  permit: evolving,
  qandas: evolving,
  subsidy: single,
  patent: single,
  'labour-quota': evolving,
  'qandas-quota': evolving,
  presence: { evolving: true, fold: presence, derived: true },
  offender: { evolving: true, fold: offender, derived: true },
};

/**
 * The events a record keeps after new ones arrive, or undefined if nothing
 * changed. A single-event record keeps the earliest event that claims its
 * key (a second one under the same natural key is a duplicate).
 */
export function mergeEvents(
  kind: RecordKind,
  existing: readonly AppliedEvent[],
  incoming: readonly AppliedEvent[],
): AppliedEvent[] | undefined {
  const seen = new Set(existing.map((e) => e.id));
  const fresh = incoming.filter((e) => {
    if (seen.has(e.id)) return false;
    seen.add(e.id);
    return true;
  });
  if (fresh.length === 0) return undefined;
  const merged = [...existing, ...fresh].sort(byOccurrence);
  if (KIND_RULES[kind].evolving) return merged;
  return existing[0]?.id === merged[0]!.id ? undefined : [merged[0]!];
}

/** A record's state: its events folded in occurrence order. */
export function foldState<K extends RecordKind>(kind: K, events: readonly AppliedEvent[]): StateOf<K> {
  return KIND_RULES[kind].fold(events) as StateOf<K>;
}
