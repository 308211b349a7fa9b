import { describe, expect, it } from 'vitest';
import { byOccurrence, foldRecord, type AppliedEvent } from '../../functions/domain/records.ts';
import { allowedFields, MINISTRY_VIEWS, REGISTRIES, type TableView } from '../../functions/domain/views.ts';
import { planWrites, recordKey, touches, type StoredRecord, type ValidEvent } from '../../functions/projector/plan.ts';
import { MINISTRIES } from '../../infra/topology.ts';
import { Random } from '../../infra/simulator/random.ts';
import { SECRET } from '../fixtures/memory-registry.ts';
import { simulatedEvents } from '../fixtures/simulated-events.ts';

/** Projects events into an in-memory table in batches, as the projector does. */
function project(view: TableView, batches: readonly (readonly ValidEvent[])[]): Map<string, StoredRecord> {
  const table = new Map<string, StoredRecord>();
  for (const batch of batches) for (const write of planWrites(touches(view, batch, SECRET), table)) table.set(recordKey(write.record.pk, write.record.sk), write.record);
  return table;
}

/** A table's content without the bookkeeping that legitimately differs between deliveries (versions). */
const content = (table: Map<string, StoredRecord>) =>
  Object.fromEntries([...table.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, r]) => [key, { state: r.state, events: r.events.map((e) => e.id) }]));

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

describe('folding records', () => {
  const e = (id: string, type: string, occurredAt: string, data: Record<string, unknown>): AppliedEvent => ({ id, type, source: 'test', occurredAt, data });

  it('folds in occurrence order whatever the arrival order: a stale event never overwrites newer state', () => {
    const issued = e('a', 'WorkPermitIssued', '2021-03-01T00:00:00Z', { permitNumber: 'WP-1', validUntil: '2022-02-28' });
    const extended = e('b', 'WorkPermitExtended', '2021-12-01T00:00:00Z', { permitNumber: 'WP-1', validUntil: '2023-02-28' });
    const revoked = e('c', 'WorkPermitRevoked', '2022-05-01T00:00:00Z', { permitNumber: 'WP-1', reason: 'violation', revokedOn: '2022-05-01' });
    const expected = { permitNumber: 'WP-1', validUntil: '2023-02-28', status: 'revoked', revocationReason: 'violation', revokedOn: '2022-05-01' };
    expect(foldRecord('permit', [issued, extended, revoked])).toEqual(expected);
    expect(foldRecord('permit', [revoked, issued, extended].sort(byOccurrence))).toEqual(expected);
  });
});

describe('projection under real delivery', () => {
  it('delivering a simulated month twice, shuffled, in random batches gives the same views as one ordered delivery', async () => {
    const events = await simulatedEvents({ scale: 0.01, seed: 11, from: '2021-01-01', until: '2021-04-01' });
    expect(events.length).toBeGreaterThan(500);
    const random = new Random(99);
    for (const view of [...Object.values(MINISTRY_VIEWS), ...Object.values(REGISTRIES)]) {
      const ordered = project(view, [events]);
      const chaotic = project(view, shuffledBatches([...events, ...events], random));
      expect(content(chaotic)).toEqual(content(ordered));
      expect(ordered.size).toBeGreaterThan(0);
    }
  });

  it.each(MINISTRIES.map((m) => [m] as const))('%s: stores no field outside its declaration', async (ministry) => {
    const events = await simulatedEvents({ scale: 0.01, seed: 5, from: '2021-01-01', until: '2021-07-01' });
    const view = MINISTRY_VIEWS[ministry];
    const table = project(view, [events]);
    const derived = new Set(['status', 'revocationReason', 'closureReason', 'foreignerRecord', 'citizen', 'citizenship', 'foreignerRecordClosedOn', 'citizenshipGrantedOn', 'documentNumber', 'iin']);
    for (const record of table.values()) {
      expect(Object.keys(view.kinds)).toContain(record.kind);
      const allowed = allowedFields(view, record.kind);
      if (allowed === 'all') continue;
      for (const event of record.events) for (const field of Object.keys(event.data)) expect(allowed, `${ministry} ${record.kind} event field ${field}`).toContain(field);
      for (const field of Object.keys(record.state)) {
        const ok = allowed.has(field) || (derived.has(field) && (allowed.has('person') || allowed.has('reason') || field === 'status' || field === 'citizen' || field === 'foreignerRecord'));
        expect(ok, `${ministry} ${record.kind} state field ${field}`).toBe(true);
      }
    }
  });

  it('keeps offence details out of the foreign-affairs view and employer data out of the border-service view', async () => {
    const events = await simulatedEvents({ scale: 0.01, seed: 5, from: '2021-01-01', until: '2021-07-01' });
    const fa = [...project(MINISTRY_VIEWS['foreign-affairs'], [events]).values()];
    expect(fa.some((r) => r.kind === 'offence')).toBe(false);
    expect(JSON.stringify(fa)).not.toMatch(/"article"|"penalty"/);
    const border = [...project(MINISTRY_VIEWS['border-service'], [events]).values()];
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
