/**
 * What "0 counted twice in any view" is checked against. A snapshot holds
 * every projection table of a cloud (each ministry's view and each system's
 * registry: records, and counters summed over their shards) and every
 * ministry's stats as its query API answers them. The reference is what
 * one clean, ordered delivery gives: the same events folded once, in
 * order, by the projector's own pure planning (MemoryTable), each table fed
 * what its subscription's pattern routes to it.
 */

import type { EventData } from '../../functions/domain/projections.ts';
import { computeStats, type Period, periodOf } from '../../functions/domain/stats.ts';
import { findTableView, type TableView } from '../../functions/domain/views.ts';
import { rebuiltBusEvent } from '../../functions/lib/bus-event.ts';
import { canonicalJson } from '../../functions/lib/canonical-json.ts';
import type { ValidEvent } from '../../functions/projector/plan.ts';
import { compilePattern } from '../../infra/local/event-pattern.ts';
import { MINISTRIES, type Ministry, TOPOLOGY, viewTableId } from '../../infra/topology.ts';
import type { BusEvent, Detail } from '../../schemas/envelope.ts';
import { validateDetail } from '../../schemas/validate.ts';
import { MemoryTable } from '../../test/fixtures/memory-table.ts';
import { apiCall, type CloudAccess, health, platformDynamo, scanTable } from './cloud-access.ts';

/** A stats period as the query API takes it: a year, or a day figures are counted up to. */
export type StatsPeriod = { readonly year: number } | { readonly asOf: string };

const periodLabel = (p: StatsPeriod) => ('year' in p ? `year=${p.year}` : `asOf=${p.asOf}`);
const toPeriod = (p: StatsPeriod): Period => periodOf('year' in p ? { year: p.year } : { asOf: p.asOf });

interface ProjectionTable {
  readonly id: string;
  readonly view: TableView;
  /** The subscription's pattern: which events this table receives. */
  readonly receives: (event: BusEvent) => boolean;
}

/** Every table a projector owns (views and registries), from the topology. */
const PROJECTION_TABLES: readonly ProjectionTable[] = TOPOLOGY.subscriptions.flatMap((sub) => {
  const view = sub.environment?.TABLE_VIEW ? findTableView(sub.environment.TABLE_VIEW) : undefined;
  if (!view) return [];
  const pattern = compilePattern(sub.pattern);
  return [{ id: sub.table, view, receives: (event: BusEvent) => pattern.matches(event) }];
});

const key = (pk: unknown, sk: unknown) => `${String(pk)} ${String(sk)}`;

export interface TableContent {
  /** Record key → canonical JSON of its kind, state and the events that built it (by id order). */
  readonly records: Map<string, string>;
  /** Counter item key (shard suffix removed) → counter → sum over shards; zeros left out. */
  readonly counters: Map<string, Map<string, number>>;
}

export interface Snapshot {
  readonly tables: ReadonlyMap<string, TableContent>;
  /** `<ministry> <period>` → canonical JSON of the stats. */
  readonly stats: ReadonlyMap<string, string>;
}

interface RecordLike {
  readonly kind: string;
  readonly state: unknown;
  readonly events: readonly { readonly id: string }[];
}

const recordText = (r: RecordLike) =>
  canonicalJson({ kind: r.kind, state: r.state, events: [...r.events].sort((a, b) => a.id.localeCompare(b.id)) });

/** Counter items are sharded (`…#<shard>`) so concurrent batches do not contend; a figure is their sum. */
const unsharded = (pk: string, sk: string) => (pk.startsWith('agg#') ? sk.replace(/#\d+$/, '') : sk);

function addCounters(
  into: Map<string, Map<string, number>>,
  itemKey: string,
  counters: Iterable<[string, unknown]>,
): void {
  const item = into.get(itemKey) ?? new Map<string, number>();
  for (const [name, value] of counters) if (typeof value === 'number') item.set(name, (item.get(name) ?? 0) + value);
  into.set(itemKey, item);
}

function dropZeros(counters: Map<string, Map<string, number>>): Map<string, Map<string, number>> {
  for (const [itemKey, item] of counters) {
    for (const [name, value] of item) if (value === 0) item.delete(name);
    if (item.size === 0) counters.delete(itemKey);
  }
  return counters;
}

/** The stats every ministry's query API answers for each period, read as that ministry's operator. */
async function readStats(access: CloudAccess, periods: readonly StatsPeriod[]): Promise<Map<string, string>> {
  const stats = new Map<string, string>();
  for (const ministry of MINISTRIES) {
    for (const period of periods) {
      const { status, body } = await apiCall(
        access,
        access.credentials.operators[ministry],
        `/api/views/${ministry}/stats?${periodLabel(period)}`,
      );
      stats.set(
        `${ministry} ${periodLabel(period)}`,
        status === 200 ? canonicalJson(body) : `HTTP ${status}: ${JSON.stringify(body)}`,
      );
    }
  }
  return stats;
}

/** Reads every projection table and every ministry's stats of a cloud. */
export async function readSnapshot(access: CloudAccess, periods: readonly StatsPeriod[]): Promise<Snapshot> {
  const physical = ((await health(access)) as { tables?: Record<string, string> } | undefined)?.tables ?? {};
  const { doc, destroy } = platformDynamo(access);
  const tables = new Map<string, TableContent>();
  try {
    for (const table of PROJECTION_TABLES) {
      const records = new Map<string, string>();
      const counters = new Map<string, Map<string, number>>();
      for (const item of await scanTable(doc, physical[table.id] ?? table.id)) {
        const pk = String(item.pk);
        const sk = String(item.sk);
        if (typeof item.kind === 'string' && item.state !== undefined)
          records.set(key(pk, sk), recordText(item as unknown as RecordLike));
        else
          addCounters(
            counters,
            key(pk, unsharded(pk, sk)),
            Object.entries(item).filter(([name]) => name !== 'pk' && name !== 'sk'),
          );
      }
      tables.set(table.id, { records, counters: dropZeros(counters) });
    }
  } finally {
    destroy();
  }
  return { tables, stats: await readStats(access, periods) };
}

/** A valid event as a projector receives it, rebuilt from a log row (or a published entry) and parsed by its schema. */
export function projectable(row: {
  busEventId: string;
  source: string;
  detailType: string;
  time: string;
  detail: string;
}): ValidEvent | undefined {
  const result = validateDetail(row.source, row.detailType, JSON.parse(row.detail));
  if (!result.ok) return undefined;
  return {
    messageId: row.busEventId,
    bus: rebuiltBusEvent({
      id: row.busEventId,
      source: row.source,
      detailType: row.detailType,
      time: row.time,
      detail: result.detail as Detail<EventData>,
    }),
  };
}

/** What one clean, ordered delivery of `events` (each once) gives every projection table and every ministry's stats. */
export function expectedSnapshot(
  events: readonly ValidEvent[],
  personKeySecret: string,
  periods: readonly StatsPeriod[],
): Snapshot {
  const tables = new Map<string, TableContent>();
  const memory = new Map<string, MemoryTable>();
  const ordered = [...events].sort((a, b) => a.bus.detail.meta.occurredAt.localeCompare(b.bus.detail.meta.occurredAt));
  for (const table of PROJECTION_TABLES) {
    const received = ordered.filter((e) => table.receives(e.bus));
    const folded = new MemoryTable(table.view, personKeySecret);
    for (let i = 0; i < received.length; i += 100) folded.project(received.slice(i, i + 100));
    memory.set(table.id, folded);
    const counters = new Map<string, Map<string, number>>();
    for (const item of folded.items.values())
      addCounters(
        counters,
        key(item.pk, item.sk),
        Object.entries(item).filter(([name]) => name !== 'pk' && name !== 'sk'),
      );
    tables.set(table.id, {
      records: new Map([...folded.records.values()].map((r) => [key(r.pk, r.sk), recordText(r)])),
      counters: dropZeros(counters),
    });
  }
  const stats = new Map<string, string>();
  for (const ministry of MINISTRIES) {
    const table = memory.get(viewTableId(ministry))!;
    for (const period of periods) {
      const p = toPeriod(period);
      stats.set(
        `${ministry} ${periodLabel(period)}`,
        canonicalJson(JSON.parse(JSON.stringify(computeStats(ministry as Ministry, table.statsInput(ministry, p), p)))),
      );
    }
  }
  return { tables, stats };
}

export interface SnapshotDifference {
  /** Records missing, extra, or with another state or other events. */
  readonly records: number;
  /** Counter units above the reference: something counted more than once. */
  readonly excess: number;
  /** Counter units below the reference: something not counted. */
  readonly missing: number;
  /** (ministry, period) stats that differ. */
  readonly stats: number;
  readonly recordsCompared: number;
  readonly countersCompared: number;
  readonly statsCompared: number;
  /** The first few differences, for a finding. */
  readonly samples: string[];
}

/** Where two texts first differ, with a little context on each side. */
function firstDifference(got: string, want: string): string {
  let at = 0;
  while (at < got.length && at < want.length && got[at] === want[at]) at++;
  const from = Math.max(0, at - 60);
  return `got …${got.slice(from, at + 120)}…, a clean delivery gives …${want.slice(from, at + 120)}…`;
}

export function compareSnapshots(actual: Snapshot, expected: Snapshot, maxSamples = 5): SnapshotDifference {
  const samples: string[] = [];
  const note = (text: string) => samples.length < maxSamples && samples.push(text);
  let records = 0;
  let excess = 0;
  let missing = 0;
  let stats = 0;
  let recordsCompared = 0;
  let countersCompared = 0;
  for (const [id, want] of expected.tables) {
    const got = actual.tables.get(id) ?? {
      records: new Map<string, string>(),
      counters: new Map<string, Map<string, number>>(),
    };
    for (const k of new Set([...want.records.keys(), ...got.records.keys()])) {
      recordsCompared += 1;
      if (want.records.get(k) === got.records.get(k)) continue;
      records += 1;
      const [g, w] = [got.records.get(k), want.records.get(k)];
      note(
        `${id} record ${k}: ` +
          `${g === undefined ? 'missing' : w === undefined ? 'not expected' : `differs: ${firstDifference(g, w)}`}`,
      );
    }
    for (const k of new Set([...want.counters.keys(), ...got.counters.keys()])) {
      const w = want.counters.get(k) ?? new Map<string, number>();
      const g = got.counters.get(k) ?? new Map<string, number>();
      for (const name of new Set([...w.keys(), ...g.keys()])) {
        countersCompared += 1;
        const delta = (g.get(name) ?? 0) - (w.get(name) ?? 0);
        if (delta === 0) continue;
        if (delta > 0) excess += delta;
        else missing -= delta;
        note(`${id} counter ${k} ${name}: ${g.get(name) ?? 0}, a clean delivery gives ${w.get(name) ?? 0}`);
      }
    }
  }
  for (const [label, want] of expected.stats) {
    if (actual.stats.get(label) === want) continue;
    stats += 1;
    note(`stats ${label} differ: ${firstDifference(actual.stats.get(label) ?? '', want)}`);
  }
  return {
    records,
    excess,
    missing,
    stats,
    recordsCompared,
    countersCompared,
    statsCompared: expected.stats.size,
    samples,
  };
}

/** Stats periods that cover a set of events: each year they occur in, and the end of each quarter of the first. */
export function periodsFor(events: readonly ValidEvent[]): StatsPeriod[] {
  const years = [...new Set(events.map((e) => Number(e.bus.detail.meta.occurredAt.slice(0, 4))))].sort();
  const first = years[0] ?? 2021;
  return [
    ...years.map((year) => ({ year })),
    ...['03-31', '06-30', '09-30', '12-01'].map((d) => ({ asOf: `${first}-${d}` })),
  ];
}
