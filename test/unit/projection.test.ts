import { describe, expect, it } from 'vitest';
import { permitActiveOn } from '../../functions/domain/aggregates.ts';
import { type AppliedEvent, byOccurrence, foldState } from '../../functions/domain/fold.ts';
import {
  allowedFields,
  detailTypesFor,
  MINISTRY_VIEWS,
  REGISTRIES,
  type TableView,
} from '../../functions/domain/views.ts';
import type { ValidEvent } from '../../functions/projector/plan.ts';
import { Random } from '../../infra/simulator/random.ts';
import { MINISTRIES, VIEW_DETAIL_TYPES } from '../../infra/topology.ts';
import { busEvent } from '../fixtures/bus-events.ts';
import { SECRET } from '../fixtures/memory-registry.ts';
import { MemoryTable } from '../fixtures/memory-table.ts';
import { simulatedEvents } from '../fixtures/simulated-events.ts';

/** Projects events into an in-memory table in batches, as the projector does. */
function project(view: TableView, batches: readonly (readonly ValidEvent[])[]): MemoryTable {
  const table = new MemoryTable(view, SECRET);
  for (const batch of batches) table.project(batch);
  return table;
}

/** A table's content without the bookkeeping that legitimately differs between deliveries (versions). */
const content = (table: MemoryTable) => ({
  records: Object.fromEntries(
    [...table.records.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, r]) => [key, { state: r.state, events: r.events.map((e) => e.id) }]),
  ),
  counters: Object.fromEntries(
    [...table.items.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, item]) => [key, Object.fromEntries(Object.entries(item).filter(([, v]) => v !== 0))]),
  ),
});

function shuffledBatches<T>(items: readonly T[], random: Random): T[][] {
  const list = [...items];
  for (let i = list.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  const batches: T[][] = [];
  for (let i = 0; i < list.length; ) {
    const size = random.int(1, 100);
    batches.push(list.slice(i, i + size));
    i += size;
  }
  return batches;
}

const valid = (event: ReturnType<typeof busEvent>): ValidEvent => ({
  messageId: event.id,
  bus: event as ValidEvent['bus'],
});

describe('folding records', () => {
  const e = (id: string, type: string, occurredAt: string, set: Record<string, unknown>): AppliedEvent => ({
    id,
    type,
    source: 'test',
    occurredAt,
    set,
  });

  it('folds in occurrence order whatever the arrival order: a stale event never overwrites newer state', () => {
    const issued = e('a', 'WorkPermitIssued', '2021-03-01T00:00:00Z', {
      permitNumber: 'WP-1',
      validUntil: '2022-02-28',
      status: 'active',
    });
    const extended = e('b', 'WorkPermitExtended', '2021-12-01T00:00:00Z', {
      permitNumber: 'WP-1',
      validUntil: '2023-02-28',
    });
    const revoked = e('c', 'WorkPermitRevoked', '2022-05-01T00:00:00Z', {
      permitNumber: 'WP-1',
      revocationReason: 'violation',
      revokedOn: '2022-05-01',
      status: 'revoked',
    });
    const expected = {
      permitNumber: 'WP-1',
      validUntil: '2023-02-28',
      status: 'revoked',
      revocationReason: 'violation',
      revokedOn: '2022-05-01',
    };
    expect(foldState('permit', [issued, extended, revoked])).toEqual(expected);
    expect(foldState('permit', [revoked, issued, extended].sort(byOccurrence))).toEqual(expected);
  });

  it('counts a day in the country by its last crossing, and ends it at citizenship', () => {
    const crossing = (id: string, crossedAt: string, direction: string) =>
      e(id, 'BorderCrossingRecorded', crossedAt, { crossedAt, direction, citizenship: 'UZB' });
    const state = foldState('presence', [
      crossing('1', '2021-01-10T08:00:00Z', 'entry'),
      crossing('2', '2021-02-01T08:00:00Z', 'exit'),
      crossing('3', '2021-03-01T08:00:00Z', 'entry'),
      crossing('4', '2021-03-01T20:00:00Z', 'exit'),
      crossing('5', '2021-04-01T08:00:00Z', 'entry'),
      e('6', 'CitizenshipGranted', '2021-09-01T00:00:00Z', { citizenshipGrantedOn: '2021-09-01' }),
    ]);
    expect(state).toEqual({
      citizenship: 'UZB',
      stays: [
        ['2021-01-10', '2021-02-01'],
        ['2021-04-01', '2021-09-01'],
      ],
      citizenshipGrantedOn: '2021-09-01',
    });
  });
});

describe('view declarations', () => {
  it('derive what each view subscribes to (the topology restates nothing)', () => {
    for (const ministry of MINISTRIES)
      expect(VIEW_DETAIL_TYPES[ministry]).toEqual(detailTypesFor(MINISTRY_VIEWS[ministry]));
    expect(VIEW_DETAIL_TYPES['foreign-affairs']).not.toContain('AdministrativeOffenceRecorded');
    expect(VIEW_DETAIL_TYPES.labour).not.toContain('VisaRevoked');
  });

  it.each(MINISTRIES.map((m) => [m] as const))(
    '%s: a revoked permit stays in force until the day it was revoked',
    (ministry) => {
      // Prepare: a permit issued for 2021, revoked on 1 October (the Interior view once
      // kept the status but not the date).
      const issued = busEvent('WorkPermitIssued', { meta: { occurredAt: '2021-02-01T09:00:00Z' } });
      const permit = (issued.detail as { data: { person: object; permitNumber: string } }).data;
      const revoked = busEvent('WorkPermitRevoked', {
        meta: { occurredAt: '2021-10-01T09:00:00Z' },
        data: {
          person: permit.person,
          permitNumber: permit.permitNumber,
          revokedOn: '2021-10-01',
          reason: 'violation',
        },
      });
      const view = MINISTRY_VIEWS[ministry];
      // Act
      const table = project(view, [[valid(issued), valid(revoked)]]);
      // Assess
      const record = [...table.records.values()].find((r) => r.kind === 'permit');
      if (!view.kinds.permit) return expect(record).toBeUndefined();
      expect(record?.kind).toBe('permit');
      if (record?.kind !== 'permit') return;
      expect(permitActiveOn(record.state, '2021-06-01')).toBe(true);
      if (allowedFields(view, 'permit') === 'all' || (allowedFields(view, 'permit') as Set<string>).has('status'))
        expect(permitActiveOn(record.state, '2021-10-02')).toBe(false);
    },
  );
});

describe('projection under real delivery', () => {
  it('a month delivered twice, shuffled, in random batches gives the views one ordered delivery gives', async () => {
    const events = await simulatedEvents({ scale: 0.01, seed: 11, from: '2021-01-01', until: '2021-04-01' });
    expect(events.length).toBeGreaterThan(500);
    const random = new Random(99);
    for (const view of [...Object.values(MINISTRY_VIEWS), ...Object.values(REGISTRIES)]) {
      const ordered = project(view, [events]);
      const chaotic = project(view, shuffledBatches([...events, ...events], random));
      // Records and every counter: each event moved them exactly once, whatever the delivery.
      expect(content(chaotic)).toEqual(content(ordered));
      expect(ordered.records.size).toBeGreaterThan(0);
    }
  });

  it.each(MINISTRIES.map((m) => [m] as const))('%s: stores no field outside its declaration', async (ministry) => {
    const events = await simulatedEvents({ scale: 0.01, seed: 5, from: '2021-01-01', until: '2021-07-01' });
    const view = MINISTRY_VIEWS[ministry];
    const table = project(view, [events]);
    expect(table.records.size).toBeGreaterThan(0);
    for (const record of table.records.values()) {
      expect(Object.keys(view.kinds)).toContain(record.kind);
      const allowed = allowedFields(view, record.kind);
      if (allowed === 'all') continue;
      for (const event of record.events)
        for (const field of Object.keys(event.set))
          expect(allowed, `${ministry} ${record.kind} event field ${field}`).toContain(field);
      for (const field of Object.keys(record.state))
        expect(allowed, `${ministry} ${record.kind} state field ${field}`).toContain(field);
    }
  });

  it('keeps offences out of the foreign-affairs view, and employer data out of the border-service view', async () => {
    const events = await simulatedEvents({ scale: 0.01, seed: 5, from: '2021-01-01', until: '2021-07-01' });
    const fa = [...project(MINISTRY_VIEWS['foreign-affairs'], [events]).records.values()];
    expect(fa.some((r) => r.kind === 'offence')).toBe(false);
    expect(JSON.stringify(fa)).not.toMatch(/"article"|"penalty"/);
    const border = [...project(MINISTRY_VIEWS['border-service'], [events]).records.values()];
    expect(JSON.stringify(border)).not.toMatch(/employerBin|occupation/);
    expect(events.some((e) => e.bus['detail-type'] === 'AdministrativeOffenceRecorded')).toBe(true);
    expect(events.some((e) => e.bus['detail-type'] === 'WorkPermitIssued')).toBe(true);
  });
});

describe('lineage order', () => {
  it('puts a cause before its reaction when both carry the same time', async () => {
    const { inCausalOrder } = await import('../../functions/query-api/queries.ts');
    const at = '2021-06-01T09:00:00Z';
    const events = [
      { eventId: 'a-reaction', occurredAt: at, causationId: 'z-cause' },
      { eventId: 'z-cause', occurredAt: at },
      { eventId: 'earlier', occurredAt: '2021-02-01T09:00:00Z' },
    ];
    expect(inCausalOrder(events).map((e) => e.eventId)).toEqual(['earlier', 'z-cause', 'a-reaction']);
  });
});
