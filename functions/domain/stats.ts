/**
 * The aggregates each ministry works with, computed from its view's records.
 * Counting from records (not from counters kept beside them) means a stat can
 * never be counted twice: records are keyed by natural ids and deduplicated
 * by event id, whatever the delivery did.
 */
import type { Ministry } from '../../infra/topology.ts';
import type { StoredRecord } from '../projector/plan.ts';

export interface Period {
  /** First and last day counted (inclusive, YYYY-MM-DD). */
  readonly from: string;
  readonly to: string;
  /** The day for "in force on" figures (active permits, people in the country). */
  readonly asOf: string;
}

/** --year Y counts Y; --as-of D counts from 1 January of D's year up to D; nothing: this year up to today. */
export function periodOf(options: { year?: number; asOf?: string }, today = new Date().toISOString().slice(0, 10)): Period {
  if (options.year !== undefined && options.asOf !== undefined) throw new RangeError('give year or asOf, not both');
  if (options.asOf !== undefined) return { from: `${options.asOf.slice(0, 4)}-01-01`, to: options.asOf, asOf: options.asOf };
  const year = options.year ?? Number(today.slice(0, 4));
  const last = `${year}-12-31`;
  return { from: `${year}-01-01`, to: last, asOf: last < today ? last : today };
}

type Counts = Record<string, number>;
const bump = (counts: Counts, key: unknown, by = 1) => {
  const k = String(key ?? 'unknown');
  counts[k] = (counts[k] ?? 0) + by;
};
const sorted = (counts: Counts): Counts => Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
const day = (value: unknown) => String(value ?? '').slice(0, 10);
const within = (value: unknown, period: Period) => {
  const d = day(value);
  return d >= period.from && d <= period.to;
};
const month = (value: unknown) => String(value ?? '').slice(0, 7);

/** A permit in force on a day: started, not ended, not revoked by then. */
export function permitActiveOn(state: Record<string, unknown>, on: string): boolean {
  if (day(state.validFrom) > on || day(state.validUntil) < on) return false;
  return !(state.status === 'revoked' && day(state.revokedOn) <= on);
}

function labourStats(records: readonly StoredRecord[], period: Period) {
  const qandas = { granted: 0, byOrigin: {} as Counts, bySettlementRegion: {} as Counts, byMonth: {} as Counts, quota: 0, quotaByRegion: {} as Counts, grantedInQuota: 0, closed: 0 };
  const subsidies = { paid: 0, amountKzt: 0, byKind: {} as Counts };
  const lea = { active: 0, activeByCountry: {} as Counts, activeByRegion: {} as Counts, activeByCategory: {} as Counts, issued: 0, revoked: 0 };
  const individual = { active: 0, activeByCountry: {} as Counts, issued: 0, revoked: 0 };
  const quotaUse: Record<string, { quota: number; issued: number }> = {};
  const year = Number(period.from.slice(0, 4));
  for (const { kind, state } of records) {
    if (kind === 'qandas' && within(state.grantedOn, period)) {
      qandas.granted += 1;
      bump(qandas.byOrigin, state.originCountry);
      bump(qandas.bySettlementRegion, state.settlementRegion);
      bump(qandas.byMonth, month(state.grantedOn));
      if (state.inQuota === true) qandas.grantedInQuota += 1;
    }
    if (kind === 'qandas' && state.status === 'closed' && within(state.closedOn, period)) qandas.closed += 1;
    if (kind === 'qandas-quota' && Number(state.year) === year) {
      qandas.quota += Number(state.quota);
      bump(qandas.quotaByRegion, state.region, Number(state.quota));
    }
    if (kind === 'subsidy' && within(state.paidOn, period)) {
      subsidies.paid += 1;
      subsidies.amountKzt += Number(state.amountKzt ?? 0);
      bump(subsidies.byKind, state.kind);
    }
    if (kind === 'labour-quota' && Number(state.year) === year) {
      const key = `${state.region}#${state.category}`;
      (quotaUse[key] ??= { quota: 0, issued: 0 }).quota += Number(state.quota);
    }
    if (kind === 'permit') {
      const target = state.kind === 'lea-employer' ? lea : individual;
      if (within(state.validFrom, period)) target.issued += 1;
      if (state.status === 'revoked' && within(state.revokedOn, period)) target.revoked += 1;
      if (state.kind === 'lea-employer' && Number(day(state.validFrom).slice(0, 4)) === year) {
        (quotaUse[`${state.region}#${state.category}`] ??= { quota: 0, issued: 0 }).issued += 1;
      }
      if (permitActiveOn(state, period.asOf)) {
        target.active += 1;
        bump(target.activeByCountry, state.citizenship);
        if (target === lea) {
          bump(lea.activeByRegion, state.region);
          bump(lea.activeByCategory, state.category);
        }
      }
    }
  }
  return {
    qandas: { ...qandas, byOrigin: sorted(qandas.byOrigin), bySettlementRegion: sorted(qandas.bySettlementRegion), byMonth: sorted(qandas.byMonth), quotaByRegion: sorted(qandas.quotaByRegion) },
    subsidies: { ...subsidies, byKind: sorted(subsidies.byKind) },
    workPermits: {
      activeOn: period.asOf,
      active: lea.active,
      activeByCountry: sorted(lea.activeByCountry),
      activeByRegion: sorted(lea.activeByRegion),
      activeByCategory: sorted(lea.activeByCategory),
      issued: lea.issued,
      revoked: lea.revoked,
      individual: { active: individual.active, activeByCountry: sorted(individual.activeByCountry), issued: individual.issued, revoked: individual.revoked },
      quotaUse: Object.fromEntries(Object.entries(quotaUse).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}

function interiorStats(records: readonly StoredRecord[], period: Period) {
  const offencesByCitizenship: Counts = {};
  const offencesByMonth: Counts = {};
  const offencesByArticle: Counts = {};
  const deportationsByCitizenship: Counts = {};
  let offences = 0;
  let deportations = 0;
  let overstays = 0;
  let stays = 0;
  const lastCrossing = new Map<string, { at: string; direction: unknown; citizenship: unknown }>();
  const citizens = new Set<string>();
  for (const record of records) {
    const { kind, state } = record;
    if (kind === 'offence' && within(state.committedOn, period)) {
      offences += 1;
      bump(offencesByCitizenship, state.citizenship);
      bump(offencesByMonth, month(state.committedOn));
      bump(offencesByArticle, state.article);
    }
    if (kind === 'deportation' && within(state.orderedOn, period)) {
      deportations += 1;
      bump(deportationsByCitizenship, state.citizenship);
    }
    if (kind === 'overstay' && within(state.detectedOn, period)) overstays += 1;
    if (kind === 'stay' && within(state.validFrom, period)) stays += 1;
    if (kind === 'citizenship') citizens.add(record.pk);
    if (kind === 'crossing' && day(state.crossedAt) <= period.asOf) {
      const last = lastCrossing.get(record.pk);
      if (!last || String(state.crossedAt) > last.at) lastCrossing.set(record.pk, { at: String(state.crossedAt), direction: state.direction, citizenship: state.citizenship });
    }
  }
  const peopleInCountryByCitizenship: Counts = {};
  let peopleInCountry = 0;
  for (const [pk, last] of lastCrossing) {
    if (last.direction !== 'entry' || citizens.has(pk)) continue;
    peopleInCountry += 1;
    bump(peopleInCountryByCitizenship, last.citizenship);
  }
  return {
    offences,
    offencesByCitizenship: sorted(offencesByCitizenship),
    offencesByMonth: sorted(offencesByMonth),
    offencesByArticle: sorted(offencesByArticle),
    deportations,
    deportationsByCitizenship: sorted(deportationsByCitizenship),
    overstays,
    staysRegistered: stays,
    peopleInCountry: { on: period.asOf, total: peopleInCountry, byCitizenship: sorted(peopleInCountryByCitizenship) },
  };
}

function foreignAffairsStats(records: readonly StoredRecord[], period: Period) {
  const byType: Counts = {};
  const byCitizenship: Counts = {};
  const byMonth: Counts = {};
  let issued = 0;
  let revoked = 0;
  let consularNotices = 0;
  for (const record of records) {
    const { kind, state } = record;
    // A visa counts in the month it starts (the registry does not carry the day of issue).
    if (kind === 'visa' && within(state.validFrom, period)) {
      issued += 1;
      bump(byType, state.visaType);
      bump(byCitizenship, state.citizenship);
      bump(byMonth, month(state.validFrom));
    }
    if (kind === 'visa' && state.status === 'revoked' && within(state.revokedOn, period)) revoked += 1;
    if (kind === 'deportation' && within(state.orderedOn, period)) consularNotices += 1;
  }
  return { visas: { issued, byType: sorted(byType), byCitizenship: sorted(byCitizenship), byMonth: sorted(byMonth), revoked }, deportationsNeedingConsularNotice: consularNotices };
}

function borderStats(records: readonly StoredRecord[], period: Period) {
  const byCheckpoint: Counts = {};
  const byMonth: Counts = {};
  const deniedByReason: Counts = {};
  let entry = 0;
  let exit = 0;
  let entryDenied = 0;
  for (const { kind, state } of records) {
    if (kind === 'crossing' && within(state.crossedAt, period)) {
      if (state.direction === 'entry') entry += 1;
      else exit += 1;
      bump(byCheckpoint, `${state.checkpoint} ${state.direction}`);
      bump(byMonth, `${month(state.crossedAt)} ${state.direction}`);
    }
    if (kind === 'denial' && within(state.deniedAt, period)) {
      entryDenied += 1;
      bump(deniedByReason, state.reason);
    }
  }
  return { crossings: { entry, exit, byCheckpoint: sorted(byCheckpoint), byMonth: sorted(byMonth) }, entryDenied, entryDeniedByReason: sorted(deniedByReason) };
}

export function computeStats(ministry: Ministry, records: readonly StoredRecord[], period: Period): Record<string, unknown> {
  const figures =
    ministry === 'labour'
      ? labourStats(records, period)
      : ministry === 'interior'
        ? interiorStats(records, period)
        : ministry === 'foreign-affairs'
          ? foreignAffairsStats(records, period)
          : borderStats(records, period);
  return { ministry, period, ...figures };
}
