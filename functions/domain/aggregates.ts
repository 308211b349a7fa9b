/**
 * Aggregates kept up to date by the projector instead of recomputed by scans.
 * Each kind of record contributes counters from its state alone; when a
 * record changes, the projector adds (what the new state contributes) −
 * (what the old state contributed), in the same transaction as the record
 * write, so a counter moves exactly once per event however often the event
 * is delivered.
 *
 * Counters live in day and month buckets (`agg#<family>`, `d#YYYY-MM-DD` and
 * `m#YYYY-MM`): a period figure sums the buckets inside the period; an "in
 * force on a day" figure (permits in force, people in the country) is a
 * running balance: +1 on the day something starts, −1 on the day it ends,
 * summed over all buckets up to that day. Either way a stats read touches a
 * bounded number of small items, whatever the size of the view.
 */
import type { RecordKind, StateOf } from './record-states.ts';

/** One change to one counter of one item. */
export interface CounterDelta {
  readonly pk: string;
  readonly sk: string;
  readonly counter: string;
  readonly amount: number;
  /** Bucket items may be spread over shards to keep concurrent batches apart; a quota counter must stay one item. */
  readonly sharded: boolean;
}

export const aggregatePk = (family: string) => `agg#${family}`;
export const dayBucket = (day: string) => `d#${day}`;
export const monthBucket = (month: string) => `m#${month}`;

const day = (value: unknown) => String(value ?? '').slice(0, 10);
const isDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

/** A counter moved on a day: the day's bucket and its month's. Nothing for an unknown day. */
function on(family: string, when: unknown, counter: string, amount = 1): CounterDelta[] {
  const d = day(when);
  if (!isDay(d) || amount === 0) return [];
  const pk = aggregatePk(family);
  return [
    { pk, sk: dayBucket(d), counter, amount, sharded: true },
    { pk, sk: monthBucket(d.slice(0, 7)), counter, amount, sharded: true },
  ];
}

/** The same counters for a total and its breakdowns (`byCountry:UZB`). */
function counted(
  family: string,
  when: unknown,
  total: string,
  breakdowns: Record<string, unknown>,
  amount = 1,
): CounterDelta[] {
  return [
    ...on(family, when, total, amount),
    ...Object.entries(breakdowns).flatMap(([by, value]) =>
      value === undefined ? [] : on(family, when, `${by}:${String(value)}`, amount),
    ),
  ];
}

/** Something in force from `from` until the day before `until` (open-ended if absent). */
function interval(
  family: string,
  from: unknown,
  until: string | undefined,
  total: string,
  breakdowns: Record<string, unknown>,
): CounterDelta[] {
  if (until !== undefined && until <= day(from)) return [];
  return [
    ...counted(family, from, total, breakdowns),
    ...(until === undefined ? [] : counted(family, until, total, breakdowns, -1)),
  ];
}

const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const firstOfYear = (y: unknown) => (y === undefined ? undefined : `${y}-01-01`);

/**
 * A permit is in force from validFrom through validUntil, unless revoked earlier (not in force on the revocation day).
 */
export function permitEnd(state: StateOf<'permit'>): string | undefined {
  const expiry = state.validUntil ? nextDay(day(state.validUntil)) : undefined;
  const revoked = state.status === 'revoked' && state.revokedOn ? day(state.revokedOn) : undefined;
  if (expiry === undefined) return revoked;
  return revoked !== undefined && revoked < expiry ? revoked : expiry;
}

/** A permit in force on a day: started, not ended, not revoked by then. */
export function permitActiveOn(state: StateOf<'permit'>, onDay: string): boolean {
  const end = permitEnd(state);
  return day(state.validFrom) <= onDay && (end === undefined || onDay < end);
}

type Contributor<K extends RecordKind> = (state: StateOf<K>) => CounterDelta[];
type Contributors = { readonly [K in RecordKind]?: Contributor<K> };

/** Families whose counters are running balances (summed over all history), not period counts. */
export const BALANCE_FAMILIES: ReadonlySet<string> = new Set(['permits-active', 'patents-active', 'presence']);

const citizenshipOf = (state: { person?: { citizenship?: string | undefined } | undefined }) =>
  state.person?.citizenship;

const LABOUR: Contributors = {
  qandas: (s) => [
    ...counted('qandas', s.grantedOn, 'granted', { byOrigin: s.originCountry, bySettlementRegion: s.settlementRegion }),
    ...on('qandas', s.grantedOn, 'people', s.familyMembers ?? 0),
    ...(s.inQuota === true
      ? [
          ...on('qandas', s.grantedOn, 'grantedInQuota'),
          ...on('qandas', s.grantedOn, 'peopleInQuota', s.familyMembers ?? 0),
        ]
      : []),
    ...(s.status === 'closed' ? on('qandas', s.closedOn, 'closed') : []),
  ],
  'qandas-quota': (s) => counted('qandas', firstOfYear(s.year), 'quota', { quotaByRegion: s.region }, s.quota ?? 0),
  subsidy: (s) => [
    ...counted('subsidies', s.paidOn, 'paid', { byKind: s.kind }),
    ...on('subsidies', s.paidOn, 'amountKzt', s.amountKzt ?? 0),
  ],
  permit: (s) => {
    const kind = s.kind === 'lea-employer' ? 'lea' : 'individual';
    const breakdowns =
      kind === 'lea'
        ? { 'lea.byCountry': citizenshipOf(s), 'lea.byRegion': s.region, 'lea.byCategory': s.category }
        : { 'individual.byCountry': citizenshipOf(s) };
    return [
      ...on('permits', s.validFrom, `${kind}.issued`),
      ...(s.status === 'revoked' ? on('permits', s.revokedOn, `${kind}.revoked`) : []),
      // Quota use counts a year's LEA permits against that year's quota, whenever in the year they start.
      ...(kind === 'lea'
        ? on('permits', firstOfYear(day(s.validFrom).slice(0, 4)), `quotaUse.issued:${s.region}#${s.category}`)
        : []),
      ...interval('permits-active', s.validFrom, permitEnd(s), kind, breakdowns),
    ];
  },
  'labour-quota': (s) => on('permits', firstOfYear(s.year), `quotaUse.quota:${s.region}#${s.category}`, s.quota ?? 0),
};

const INTERIOR: Contributors = {
  offence: (s) =>
    counted('offences', s.committedOn, 'offences', { byCitizenship: citizenshipOf(s), byArticle: s.article }),
  offender: (s) => counted('offences', s.firstOffenceOn, 'offenders', { offendersByCitizenship: s.citizenship }),
  deportation: (s) => counted('deportations', s.orderedOn, 'deportations', { byCitizenship: citizenshipOf(s) }),
  overstay: (s) => on('interior', s.detectedOn, 'overstays'),
  stay: (s) => on('interior', s.validFrom, 'staysRegistered'),
  patent: (s) => [
    ...on('patents', s.validFrom, 'issued'),
    // In force from validFrom through validUntil.
    ...interval('patents-active', s.validFrom, s.validUntil ? nextDay(day(s.validUntil)) : undefined, 'active', {
      byCountry: citizenshipOf(s),
    }),
  ],
  presence: (s) =>
    (s.stays ?? []).flatMap(([from, until]) =>
      interval('presence', from, until, 'inCountry', { byCitizenship: s.citizenship }),
    ),
};

const FOREIGN_AFFAIRS: Contributors = {
  // A visa counts in the month it starts (the registry does not carry the day of issue).
  visa: (s) => [
    ...counted('visas', s.validFrom, 'issued', { byType: s.visaType, byCitizenship: citizenshipOf(s) }),
    ...(s.status === 'revoked' ? on('visas', s.revokedOn, 'revoked') : []),
  ],
  deportation: (s) => on('visas', s.orderedOn, 'consularNotices'),
};

const BORDER: Contributors = {
  crossing: (s) =>
    s.direction
      ? counted('crossings', s.crossedAt, s.direction, { byCheckpoint: `${s.checkpoint} ${s.direction}` })
      : [],
  denial: (s) => counted('crossings', s.deniedAt, 'denied', { deniedByReason: s.reason }),
};

/**
 * Counters a ministry's view keeps: what its `stats` reads. Registries keep none (they have quota counters instead).
 */
export const VIEW_AGGREGATES: Readonly<Record<string, Contributors>> = {
  labour: LABOUR,
  interior: INTERIOR,
  'foreign-affairs': FOREIGN_AFFAIRS,
  'border-service': BORDER,
};

/** The free places of a quota, which a command takes with one conditional update. */
export const quotaCounterKey = (sk: string) => ({ pk: 'counter', sk });
const free = (sk: string, quota: number | undefined): CounterDelta[] =>
  quota ? [{ ...quotaCounterKey(sk), counter: 'free', amount: quota, sharded: false }] : [];

/** Registries keep their quotas' free places up to date: setting a quota (again) moves them by the change. */
export const REGISTRY_COUNTERS: Readonly<Record<string, Contributors>> = {
  'foreign-labour': { 'labour-quota': (s) => free(`labour#${s.year}#${s.region}#${s.category}`, s.quota) },
  qandas: { 'qandas-quota': (s) => free(`qandas#${s.year}#${s.region}`, s.quota) },
};

/** What one record contributes to its table's counters. */
export function contributions(table: string, kind: RecordKind, state: unknown): CounterDelta[] {
  const contributor = (VIEW_AGGREGATES[table]?.[kind] ?? REGISTRY_COUNTERS[table]?.[kind]) as
    | Contributor<RecordKind>
    | undefined;
  return contributor && state ? contributor(state as StateOf<RecordKind>) : [];
}

const deltaKey = (d: Pick<CounterDelta, 'pk' | 'sk' | 'counter'>) => `${d.pk}\u0000${d.sk}\u0000${d.counter}`;

/** new − old, per counter, without the zeros. */
export function difference(before: readonly CounterDelta[], after: readonly CounterDelta[]): CounterDelta[] {
  const sums = new Map<string, CounterDelta>();
  const add = (d: CounterDelta, sign: number) => {
    const key = deltaKey(d);
    const current = sums.get(key);
    sums.set(key, { ...d, amount: (current?.amount ?? 0) + sign * d.amount });
  };
  for (const d of before) add(d, -1);
  for (const d of after) add(d, 1);
  return [...sums.values()].filter((d) => d.amount !== 0);
}

/** A range of bucket sort keys to read (inclusive; `~` sorts after every shard suffix). */
export interface BucketRange {
  readonly from: string;
  readonly to: string;
}

const monthOf = (d: string) => d.slice(0, 7);
const lastDayOfMonth = (month: string) =>
  new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
const addMonths = (month: string, count: number) => {
  const date = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1 + count, 1));
  return date.toISOString().slice(0, 7);
};

/**
 * The buckets that add up to the days from..to: whole months from month
 * buckets, the ragged ends from day buckets. At most two day ranges and one
 * month range, whatever the period's length.
 */
export function periodRanges(from: string, to: string): BucketRange[] {
  if (from > to) return [];
  const ranges: BucketRange[] = [];
  let firstFull = monthOf(from);
  let lastFull = monthOf(to);
  if (!from.endsWith('-01')) {
    const end = lastDayOfMonth(monthOf(from)) < to ? lastDayOfMonth(monthOf(from)) : to;
    ranges.push({ from: dayBucket(from), to: `${dayBucket(end)}~` });
    firstFull = addMonths(monthOf(from), 1);
  }
  if (to !== lastDayOfMonth(monthOf(to)) && monthOf(to) >= firstFull) {
    ranges.push({ from: dayBucket(`${monthOf(to)}-01`), to: `${dayBucket(to)}~` });
    lastFull = addMonths(monthOf(to), -1);
  }
  if (firstFull <= lastFull) ranges.push({ from: monthBucket(firstFull), to: `${monthBucket(lastFull)}~` });
  return ranges;
}

/** The buckets whose sum is a running balance on a day: every month before it, and its month's days up to it. */
export function balanceRanges(onDay: string): BucketRange[] {
  return periodRanges('0000-01-01', onDay);
}

/** Adds bucket items (counters as attributes) into one set of counters, and month by month. */
export function sumBuckets(items: readonly Record<string, unknown>[]): {
  total: Record<string, number>;
  months: Record<string, Record<string, number>>;
} {
  const total: Record<string, number> = {};
  const months: Record<string, Record<string, number>> = {};
  for (const item of items) {
    const sk = String(item.sk);
    const month = sk.slice(2, 9);
    let bucket = months[month];
    if (!bucket) {
      bucket = {};
      months[month] = bucket;
    }
    for (const [name, value] of Object.entries(item)) {
      if (name === 'pk' || name === 'sk' || typeof value !== 'number') continue;
      total[name] = (total[name] ?? 0) + value;
      bucket[name] = (bucket[name] ?? 0) + value;
    }
  }
  return { total, months };
}
