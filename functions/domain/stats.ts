/**
 * The figures each ministry works with, read from the counters its projector
 * keeps (aggregates.ts) — never from its records. Pure: the query API fetches
 * the buckets a ministry's figures need and hands them here.
 */
import type { Ministry } from './ministries.ts';

export interface Period {
  /** First and last day counted (inclusive, YYYY-MM-DD). */
  readonly from: string;
  readonly to: string;
  /** The day for "in force on" figures (active permits, people in the country). */
  readonly asOf: string;
}

/** --year Y counts Y; --as-of D counts from 1 January of D's year up to D; nothing: this year up to today. */
export function periodOf(
  options: { year?: number; asOf?: string },
  today = new Date().toISOString().slice(0, 10),
): Period {
  if (options.year !== undefined && options.asOf !== undefined) throw new RangeError('give year or asOf, not both');
  if (options.asOf !== undefined)
    return { from: `${options.asOf.slice(0, 4)}-01-01`, to: options.asOf, asOf: options.asOf };
  const year = options.year ?? Number(today.slice(0, 4));
  const last = `${year}-12-31`;
  return { from: `${year}-01-01`, to: last, asOf: last < today ? last : today };
}

export type Counters = Readonly<Record<string, number>>;

/** A period's counters: summed, and month by month (a partial month counts its days in the period). */
export interface PeriodCounters {
  readonly total: Counters;
  readonly months: Readonly<Record<string, Counters>>;
}

/** Which counter families a ministry's figures read, as period sums or as running balances. */
export const STATS_FAMILIES: Readonly<
  Record<Ministry, { readonly period: readonly string[]; readonly balance: readonly string[] }>
> = {
  labour: { period: ['qandas', 'subsidies', 'permits'], balance: ['permits-active'] },
  interior: { period: ['offences', 'deportations', 'interior', 'patents'], balance: ['presence', 'patents-active'] },
  'foreign-affairs': { period: ['visas'], balance: [] },
  'border-service': { period: ['crossings'], balance: [] },
};

export interface StatsInput {
  readonly period: Readonly<Record<string, PeriodCounters>>;
  readonly balance: Readonly<Record<string, Counters>>;
}

const EMPTY: PeriodCounters = { total: {}, months: {} };
const n = (counters: Counters, name: string) => counters[name] ?? 0;
const sorted = (counts: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));

/** `by:KEY` counters as `{ KEY: n }`, zeros dropped. */
function breakdown(counters: Counters, by: string): Record<string, number> {
  const out: Record<string, number> = {};
  const prefix = `${by}:`;
  for (const [name, value] of Object.entries(counters))
    if (name.startsWith(prefix) && value !== 0) out[name.slice(prefix.length)] = value;
  return sorted(out);
}

/** One counter month by month, zero months left out. */
function byMonth(
  months: PeriodCounters['months'],
  name: string,
  label: (month: string) => string = (m) => m,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [month, counters] of Object.entries(months))
    if (n(counters, name) !== 0) out[label(month)] = n(counters, name);
  return sorted(out);
}

function labourStats(input: StatsInput, period: Period) {
  const qandas = input.period.qandas ?? EMPTY;
  const subsidies = input.period.subsidies ?? EMPTY;
  const permits = input.period.permits ?? EMPTY;
  const active = input.balance['permits-active'] ?? {};
  const q = qandas.total;
  const quotaUse: Record<string, { quota: number; issued: number }> = {};
  const quotaUseOf = (key: string) => {
    quotaUse[key] ??= { quota: 0, issued: 0 };
    return quotaUse[key];
  };
  for (const [key, value] of Object.entries(breakdown(permits.total, 'quotaUse.quota'))) quotaUseOf(key).quota = value;
  for (const [key, value] of Object.entries(breakdown(permits.total, 'quotaUse.issued')))
    quotaUseOf(key).issued = value;
  return {
    qandas: {
      granted: n(q, 'granted'),
      people: n(q, 'people'),
      byOrigin: breakdown(q, 'byOrigin'),
      bySettlementRegion: breakdown(q, 'bySettlementRegion'),
      byMonth: byMonth(qandas.months, 'granted'),
      /** The quota is a number of people: what counts against it is people, shown beside the statuses. */
      quota: n(q, 'quota'),
      quotaByRegion: breakdown(q, 'quotaByRegion'),
      grantedInQuota: n(q, 'grantedInQuota'),
      peopleInQuota: n(q, 'peopleInQuota'),
      closed: n(q, 'closed'),
    },
    subsidies: {
      paid: n(subsidies.total, 'paid'),
      amountKzt: n(subsidies.total, 'amountKzt'),
      byKind: breakdown(subsidies.total, 'byKind'),
    },
    workPermits: {
      activeOn: period.asOf,
      active: n(active, 'lea'),
      activeByCountry: breakdown(active, 'lea.byCountry'),
      activeByRegion: breakdown(active, 'lea.byRegion'),
      activeByCategory: breakdown(active, 'lea.byCategory'),
      issued: n(permits.total, 'lea.issued'),
      revoked: n(permits.total, 'lea.revoked'),
      individual: {
        active: n(active, 'individual'),
        activeByCountry: breakdown(active, 'individual.byCountry'),
        issued: n(permits.total, 'individual.issued'),
        revoked: n(permits.total, 'individual.revoked'),
      },
      quotaUse: Object.fromEntries(Object.entries(quotaUse).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}

function interiorStats(input: StatsInput, period: Period) {
  const offences = input.period.offences ?? EMPTY;
  const deportations = input.period.deportations ?? EMPTY;
  const interior = input.period.interior ?? EMPTY;
  const presence = input.balance.presence ?? {};
  const patents = input.period.patents ?? EMPTY;
  const activePatents = input.balance['patents-active'] ?? {};
  return {
    offences: n(offences.total, 'offences'),
    /** Distinct people held liable in the period (counted on their first offence of the year). */
    offenders: n(offences.total, 'offenders'),
    offencesByCitizenship: breakdown(offences.total, 'byCitizenship'),
    offendersByCitizenship: breakdown(offences.total, 'offendersByCitizenship'),
    offencesByMonth: byMonth(offences.months, 'offences'),
    offencesByArticle: breakdown(offences.total, 'byArticle'),
    deportations: n(deportations.total, 'deportations'),
    deportationsByCitizenship: breakdown(deportations.total, 'byCitizenship'),
    overstays: n(interior.total, 'overstays'),
    staysRegistered: n(interior.total, 'staysRegistered'),
    peopleInCountry: {
      on: period.asOf,
      total: n(presence, 'inCountry'),
      byCitizenship: breakdown(presence, 'byCitizenship'),
    },
    /** Permits to work for individuals ("patents"), issued by the Interior until 2022. */
    patents: {
      issued: n(patents.total, 'issued'),
      activeOn: period.asOf,
      active: n(activePatents, 'active'),
      activeByCountry: breakdown(activePatents, 'byCountry'),
    },
  };
}

function foreignAffairsStats(input: StatsInput) {
  const visas = input.period.visas ?? EMPTY;
  return {
    visas: {
      issued: n(visas.total, 'issued'),
      byType: breakdown(visas.total, 'byType'),
      byCitizenship: breakdown(visas.total, 'byCitizenship'),
      byMonth: byMonth(visas.months, 'issued'),
      revoked: n(visas.total, 'revoked'),
    },
    deportationsNeedingConsularNotice: n(visas.total, 'consularNotices'),
  };
}

function borderStats(input: StatsInput) {
  const crossings = input.period.crossings ?? EMPTY;
  return {
    crossings: {
      entry: n(crossings.total, 'entry'),
      exit: n(crossings.total, 'exit'),
      byCheckpoint: breakdown(crossings.total, 'byCheckpoint'),
      byMonth: sorted({
        ...byMonth(crossings.months, 'entry', (m) => `${m} entry`),
        ...byMonth(crossings.months, 'exit', (m) => `${m} exit`),
      }),
    },
    entryDenied: n(crossings.total, 'denied'),
    entryDeniedByReason: breakdown(crossings.total, 'deniedByReason'),
  };
}

export function computeStats(ministry: Ministry, input: StatsInput, period: Period): Record<string, unknown> {
  const figures =
    ministry === 'labour'
      ? labourStats(input, period)
      : ministry === 'interior'
        ? interiorStats(input, period)
        : ministry === 'foreign-affairs'
          ? foreignAffairsStats(input)
          : borderStats(input);
  return { ministry, period, ...figures };
}
