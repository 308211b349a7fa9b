/**
 * Every figure a ministry's stats return, from the counters its projector
 * keeps, against the same figure computed independently — straight from the
 * events the view is entitled to, with none of the projection code — on a
 * simulated year. Any disagreement fails.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { computeStats, type Period, periodOf } from '../../functions/domain/stats.ts';
import { MINISTRY_VIEWS } from '../../functions/domain/views.ts';
import type { ValidEvent } from '../../functions/projector/plan.ts';
import { MINISTRIES, type Ministry, VIEW_DETAIL_TYPES } from '../../infra/topology.ts';
import type { DataOf, EventDefinition } from '../../schemas/define.ts';
import * as schemas from '../../schemas/events/all.ts';
import type { PersonRef } from '../../schemas/person.ts';
import { SECRET } from '../fixtures/memory-registry.ts';
import { MemoryTable } from '../fixtures/memory-table.ts';
import { simulatedEvents } from '../fixtures/simulated-events.ts';

type Counts = Record<string, number>;
const day = (v: unknown) => String(v ?? '').slice(0, 10);
const within = (v: unknown, p: Period) => day(v) >= p.from && day(v) <= p.to;
const bump = (c: Counts, k: unknown, by = 1) => {
  c[String(k)] = (c[String(k)] ?? 0) + by;
};
const clean = (c: Counts) =>
  Object.fromEntries(
    Object.entries(c)
      .filter(([, v]) => v !== 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
const personId = (d: { person: PersonRef }) =>
  `${d.person.citizenship}:${d.person.documentNumber}:${d.person.iin ?? ''}`;

/** The events of a type in occurrence order, with their data (typed by the schema, read by none of its code). */
function of<E extends EventDefinition>(events: readonly ValidEvent[], definition: E): DataOf<E>[] {
  return events
    .filter((e) => e.bus['detail-type'] === definition.detailType)
    .sort((a, b) => a.bus.detail.meta.occurredAt.localeCompare(b.bus.detail.meta.occurredAt))
    .map((e) => e.bus.detail.data as DataOf<E>);
}

type Permit = DataOf<typeof schemas.WorkPermitIssued> & { status: 'active' | 'revoked'; revokedOn?: string };

function permitsByNumber(events: readonly ValidEvent[]) {
  const permits = new Map<string, Permit>();
  for (const d of of(events, schemas.WorkPermitIssued)) permits.set(d.permitNumber, { ...d, status: 'active' });
  for (const d of of(events, schemas.WorkPermitExtended))
    if (permits.has(d.permitNumber)) permits.get(d.permitNumber)!.validUntil = d.validUntil;
  for (const d of of(events, schemas.WorkPermitRevoked))
    if (permits.has(d.permitNumber))
      Object.assign(permits.get(d.permitNumber)!, { status: 'revoked', revokedOn: d.revokedOn });
  return [...permits.values()];
}

function labour(events: readonly ValidEvent[], p: Period) {
  const year = Number(p.from.slice(0, 4));
  const granted = of(events, schemas.QandasStatusGranted).filter((d) => within(d.grantedOn, p));
  const byOrigin: Counts = {},
    bySettlement: Counts = {},
    byMonth: Counts = {};
  for (const d of granted) {
    bump(byOrigin, d.originCountry);
    bump(bySettlement, d.settlementRegion);
    bump(byMonth, day(d.grantedOn).slice(0, 7));
  }
  const quotas = new Map<string, number>();
  for (const d of of(events, schemas.QandasQuotaSet)) if (d.year === year) quotas.set(d.region, d.quota);
  const subsidies = of(events, schemas.ResettlementSubsidyPaid).filter((d) => within(d.paidOn, p));
  const byKind: Counts = {};
  for (const d of subsidies) bump(byKind, d.kind);
  const permits = permitsByNumber(events);
  const active = (d: Permit) =>
    day(d.validFrom) <= p.asOf &&
    day(d.validUntil) >= p.asOf &&
    !(d.status === 'revoked' && day(d.revokedOn) <= p.asOf);
  const lea = permits.filter((d) => d.kind === 'lea-employer');
  const individual = permits.filter((d) => d.kind === 'individual');
  const country: Counts = {},
    region: Counts = {},
    category: Counts = {},
    indCountry: Counts = {};
  for (const d of lea.filter(active)) {
    bump(country, d.person.citizenship);
    bump(region, d.region);
    bump(category, d.category);
  }
  for (const d of individual.filter(active)) bump(indCountry, d.person.citizenship);
  const quotaUse: Record<string, { quota: number; issued: number }> = {};
  const labourQuotas = new Map<string, number>();
  for (const d of of(events, schemas.LabourQuotaSet))
    if (d.year === year) labourQuotas.set(`${d.region}#${d.category}`, d.quota);
  const use = (key: string) => {
    quotaUse[key] ??= { quota: 0, issued: 0 };
    return quotaUse[key];
  };
  for (const [k, q] of labourQuotas) use(k).quota = q;
  for (const d of lea) if (day(d.validFrom).startsWith(String(year))) use(`${d.region}#${d.category}`).issued += 1;
  return {
    qandas: {
      granted: granted.length,
      people: granted.reduce((n, d) => n + d.familyMembers, 0),
      byOrigin: clean(byOrigin),
      bySettlementRegion: clean(bySettlement),
      byMonth: clean(byMonth),
      quota: [...quotas.values()].reduce((a, b) => a + b, 0),
      quotaByRegion: clean(Object.fromEntries(quotas)),
      grantedInQuota: granted.filter((d) => d.inQuota).length,
      peopleInQuota: granted.filter((d) => d.inQuota).reduce((n, d) => n + d.familyMembers, 0),
      closed: of(events, schemas.QandasStatusClosed).filter((d) => within(d.closedOn, p)).length,
    },
    subsidies: {
      paid: subsidies.length,
      amountKzt: subsidies.reduce((n, d) => n + d.amountKzt, 0),
      byKind: clean(byKind),
    },
    workPermits: {
      activeOn: p.asOf,
      active: lea.filter(active).length,
      activeByCountry: clean(country),
      activeByRegion: clean(region),
      activeByCategory: clean(category),
      issued: lea.filter((d) => within(d.validFrom, p)).length,
      revoked: lea.filter((d) => d.status === 'revoked' && within(d.revokedOn, p)).length,
      individual: {
        active: individual.filter(active).length,
        activeByCountry: clean(indCountry),
        issued: individual.filter((d) => within(d.validFrom, p)).length,
        revoked: individual.filter((d) => d.status === 'revoked' && within(d.revokedOn, p)).length,
      },
      quotaUse: Object.fromEntries(Object.entries(quotaUse).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}

function interior(events: readonly ValidEvent[], p: Period) {
  const offences = of(events, schemas.AdministrativeOffenceRecorded).filter((d) => within(d.committedOn, p));
  const byCitizenship: Counts = {},
    byMonth: Counts = {},
    byArticle: Counts = {},
    offenders = new Map<string, string | undefined>();
  for (const d of offences) {
    bump(byCitizenship, d.person.citizenship);
    bump(byMonth, day(d.committedOn).slice(0, 7));
    bump(byArticle, d.article);
    offenders.set(personId(d), d.person.citizenship);
  }
  const offendersByCitizenship: Counts = {};
  for (const c of offenders.values()) bump(offendersByCitizenship, c);
  const deportations = of(events, schemas.DeportationOrdered).filter((d) => within(d.orderedOn, p));
  const deportationsByCitizenship: Counts = {};
  for (const d of deportations) bump(deportationsByCitizenship, d.person.citizenship);
  // In the country on asOf: the last crossing on or before that day is an entry, and the person is not yet a citizen.
  const last = new Map<string, DataOf<typeof schemas.BorderCrossingRecorded>>();
  for (const d of of(events, schemas.BorderCrossingRecorded)) {
    if (day(d.crossedAt) > p.asOf) continue;
    const previous = last.get(personId(d));
    if (!previous || d.crossedAt >= previous.crossedAt) last.set(personId(d), d);
  }
  const citizens = new Set(
    of(events, schemas.CitizenshipGranted)
      .filter((d) => day(d.grantedOn) <= p.asOf)
      .map(personId),
  );
  const present = [...last.entries()]
    .filter(([id, d]) => d.direction === 'entry' && !citizens.has(id))
    .map(([, d]) => d);
  const presentByCitizenship: Counts = {};
  for (const d of present) bump(presentByCitizenship, d.person.citizenship);
  const patents = of(events, schemas.WorkPatentIssued);
  const activePatents = patents.filter((d) => day(d.validFrom) <= p.asOf && day(d.validUntil) >= p.asOf);
  const patentsByCountry: Counts = {};
  for (const d of activePatents) bump(patentsByCountry, d.person.citizenship);
  return {
    offences: offences.length,
    offenders: offenders.size,
    offencesByCitizenship: clean(byCitizenship),
    offendersByCitizenship: clean(offendersByCitizenship),
    offencesByMonth: clean(byMonth),
    offencesByArticle: clean(byArticle),
    deportations: deportations.length,
    deportationsByCitizenship: clean(deportationsByCitizenship),
    overstays: of(events, schemas.OverstayDetected).filter((d) => within(d.detectedOn, p)).length,
    staysRegistered: of(events, schemas.StayRegistered).filter((d) => within(d.validFrom, p)).length,
    peopleInCountry: { on: p.asOf, total: present.length, byCitizenship: clean(presentByCitizenship) },
    patents: {
      issued: patents.filter((d) => within(d.validFrom, p)).length,
      activeOn: p.asOf,
      active: activePatents.length,
      activeByCountry: clean(patentsByCountry),
    },
  };
}

function foreignAffairs(events: readonly ValidEvent[], p: Period) {
  const issued = of(events, schemas.VisaIssued).filter((d) => within(d.validFrom, p));
  const byType: Counts = {},
    byCitizenship: Counts = {},
    byMonth: Counts = {};
  for (const d of issued) {
    bump(byType, d.visaType);
    bump(byCitizenship, d.person.citizenship);
    bump(byMonth, day(d.validFrom).slice(0, 7));
  }
  return {
    visas: {
      issued: issued.length,
      byType: clean(byType),
      byCitizenship: clean(byCitizenship),
      byMonth: clean(byMonth),
      revoked: of(events, schemas.VisaRevoked).filter((d) => within(d.revokedOn, p)).length,
    },
    deportationsNeedingConsularNotice: of(events, schemas.DeportationOrdered).filter((d) => within(d.orderedOn, p))
      .length,
  };
}

function border(events: readonly ValidEvent[], p: Period) {
  const crossings = of(events, schemas.BorderCrossingRecorded).filter((d) => within(d.crossedAt, p));
  const byCheckpoint: Counts = {},
    byMonth: Counts = {};
  for (const d of crossings) {
    bump(byCheckpoint, `${d.checkpoint} ${d.direction}`);
    bump(byMonth, `${day(d.crossedAt).slice(0, 7)} ${d.direction}`);
  }
  const denied = of(events, schemas.EntryDenied).filter((d) => within(d.deniedAt, p));
  const byReason: Counts = {};
  for (const d of denied) bump(byReason, d.reason);
  return {
    crossings: {
      entry: crossings.filter((d) => d.direction === 'entry').length,
      exit: crossings.filter((d) => d.direction === 'exit').length,
      byCheckpoint: clean(byCheckpoint),
      byMonth: clean(byMonth),
    },
    entryDenied: denied.length,
    entryDeniedByReason: clean(byReason),
  };
}

const REFERENCE: Record<Ministry, (events: readonly ValidEvent[], p: Period) => Record<string, unknown>> = {
  labour,
  interior,
  'foreign-affairs': foreignAffairs,
  'border-service': border,
};

let events: ValidEvent[];
beforeAll(async () => {
  events = await simulatedEvents({ scale: 0.01, seed: 2021, from: '2021-01-01', until: '2022-01-01' });
}, 120_000);

// Each period written out by hand (the stats echo the period they counted, so it must not come from periodOf itself):
// a whole past year ends on its last day; an asOf counts from 1 January of its year up to that day.
const PERIODS = [
  ['the year', { year: 2021 }, { from: '2021-01-01', to: '2021-12-31', asOf: '2021-12-31' }],
  ['up to 1 December', { asOf: '2021-12-01' }, { from: '2021-01-01', to: '2021-12-01', asOf: '2021-12-01' }],
  ['up to 15 June', { asOf: '2021-06-15' }, { from: '2021-01-01', to: '2021-06-15', asOf: '2021-06-15' }],
] as const satisfies readonly (readonly [string, { year?: number; asOf?: string }, Period])[];

describe.each(MINISTRIES.map((m) => [m] as const))('%s stats', (ministry) => {
  it.each(PERIODS)(
    'over %s agree with the figures computed from the events the view receives',
    (_, options, expected) => {
      // Prepare: the view's events, delivered in batches of 100 as its subscription would.
      const entitled = events.filter((e) => VIEW_DETAIL_TYPES[ministry].includes(e.bus['detail-type']));
      const table = new MemoryTable(MINISTRY_VIEWS[ministry], SECRET);
      for (let i = 0; i < entitled.length; i += 100) table.project(entitled.slice(i, i + 100));
      const period = periodOf(options, '2026-01-01');
      // Act
      const stats = computeStats(ministry, table.statsInput(ministry, period), period);
      // Assess
      expect(stats).toEqual({ ministry, period: expected, ...REFERENCE[ministry](entitled, expected) });
    },
  );
});
