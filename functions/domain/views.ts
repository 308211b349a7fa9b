/**
 * Which records each table keeps, field by field. This is the data-minimisation
 * declaration: a ministry's view stores only the kinds and state fields listed
 * here (the projector drops everything else before anything is written), so
 * what a ministry can see is visible, reviewable and tested in code. What a
 * view subscribes to is derived from it (`detailTypesFor`), never restated.
 * A system's registry (its system of record) keeps every field of its kinds.
 */
import type { Ministry } from './ministries.ts';
import { allProjections, fieldsOf } from './projections.ts';
import type { RecordKind } from './record-states.ts';

export type FieldList = readonly string[] | 'all';

export interface TableView {
  readonly name: string;
  /** Kind → state fields the table may store. */
  readonly kinds: Partial<Readonly<Record<RecordKind, FieldList>>>;
}

/** Who the person is, as a view that may know them keeps it. */
const PARTICULARS = ['citizenship', 'documentNumber', 'iin', 'holder', 'citizen', 'citizenshipGrantedOn'] as const;

export const MINISTRY_VIEWS: Readonly<Record<Ministry, TableView>> = {
  interior: {
    name: 'interior',
    kinds: {
      profile: PARTICULARS,
      alias: 'all',
      visa: ['person', 'visaNumber', 'visaType', 'validFrom', 'validUntil'],
      crossing: 'all',
      denial: 'all',
      stay: 'all',
      offence: 'all',
      deportation: 'all',
      residence: 'all',
      citizenship: 'all',
      overstay: 'all',
      // Interior sees that a permit exists, until when and whether it was revoked (and when), not the employer.
      permit: ['person', 'permitNumber', 'kind', 'region', 'validFrom', 'validUntil', 'status', 'revokedOn'],
      qandas: ['person', 'qandasId', 'grantedOn', 'settlementRegion'],
      presence: 'all',
      offender: 'all',
      // Until 2022 the Interior issued the permits to work for individuals ("patents").
      patent: 'all',
    },
  },
  labour: {
    name: 'labour',
    kinds: {
      profile: PARTICULARS,
      alias: 'all',
      permit: 'all',
      qandas: 'all',
      subsidy: 'all',
      residence: ['person', 'permitNumber', 'kind', 'region', 'validFrom'],
      deportation: ['person', 'orderNumber', 'orderedOn'],
      visa: ['person', 'visaNumber', 'validUntil'],
      citizenship: ['person', 'grantedOn'],
      'labour-quota': 'all',
      'qandas-quota': 'all',
    },
  },
  'foreign-affairs': {
    name: 'foreign-affairs',
    kinds: {
      profile: ['citizenship', 'documentNumber', 'holder'],
      alias: 'all',
      visa: 'all',
      // Deportations need consular notice; the offence behind them is not the MFA's business.
      deportation: ['person', 'orderNumber', 'orderedOn', 'entryBanUntil'],
      denial: ['person', 'deniedAt', 'reason'],
      citizenship: ['person', 'grantedOn'],
    },
  },
  'border-service': {
    name: 'border-service',
    kinds: {
      // No particulars: records carry the person's identity, which is all the border needs.
      alias: 'all',
      crossing: 'all',
      denial: 'all',
      visa: ['person', 'visaNumber', 'entries', 'validFrom', 'validUntil'],
      // Entry bans are enforced at the border; no employer or offence data.
      deportation: ['person', 'orderNumber', 'entryBanUntil'],
      overstay: ['person', 'stayValidUntil', 'detectedOn'],
    },
  },
};

export type SystemName = 'berkut' | 'foreign-labour' | 'qandas';

export const REGISTRIES: Readonly<Record<SystemName, TableView>> = {
  berkut: {
    name: 'berkut',
    kinds: {
      profile: 'all',
      alias: 'all',
      visa: 'all',
      crossing: 'all',
      denial: 'all',
      stay: 'all',
      offence: 'all',
      deportation: 'all',
      residence: 'all',
      citizenship: 'all',
      overstay: 'all',
      patent: 'all',
    },
  },
  'foreign-labour': {
    name: 'foreign-labour',
    kinds: { profile: 'all', alias: 'all', permit: 'all', 'labour-quota': 'all' },
  },
  qandas: {
    name: 'qandas',
    kinds: { profile: 'all', alias: 'all', qandas: 'all', subsidy: 'all', 'qandas-quota': 'all' },
  },
};

/**
 * Fields that only say which record an event is about (the person, the visa
 * number): present in every event that touches a kind. An event that sets
 * nothing else a view keeps does not concern that view.
 */
const IDENTIFYING: ReadonlyMap<RecordKind, ReadonlySet<string>> = (() => {
  const byKind = new Map<RecordKind, Set<string>[]>();
  for (const p of allProjections())
    for (const t of p.touches) byKind.set(t.kind, [...(byKind.get(t.kind) ?? []), new Set(Object.keys(t.from))]);
  return new Map(
    [...byKind].map(([kind, sets]) => [
      kind,
      sets.length < 2 ? new Set<string>() : new Set([...sets[0]!].filter((f) => sets.every((s) => s.has(f)))),
    ]),
  );
})();

const keeps = (fields: FieldList, field: string) => fields === 'all' || fields.includes(field);

/**
 * Keeps only the declared fields of a state fragment for one kind; undefined
 * if the table keeps nothing of it beyond which record it is about.
 */
export function minimise(
  view: TableView,
  kind: RecordKind,
  fragment: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const fields = view.kinds[kind];
  if (!fields) return undefined;
  const kept: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fragment))
    if (value !== undefined && keeps(fields, field)) kept[field] = value;
  const identifying = IDENTIFYING.get(kind) ?? new Set<string>();
  return Object.keys(kept).some((f) => !identifying.has(f)) ? kept : undefined;
}

/** Every field name a record of this kind may hold in this table. */
export function allowedFields(view: TableView, kind: RecordKind): ReadonlySet<string> | 'all' {
  const fields = view.kinds[kind];
  if (!fields || fields === 'all') return 'all';
  return new Set(fields);
}

/** The detail-types whose projection sets at least one field the view keeps: what its subscription must receive. */
export function detailTypesFor(view: TableView): string[] {
  return allProjections()
    .filter((p) =>
      p.touches.some((t) => {
        const fields = view.kinds[t.kind];
        const identifying = IDENTIFYING.get(t.kind) ?? new Set<string>();
        return fields !== undefined && fieldsOf(t).some((f) => keeps(fields, f) && !identifying.has(f));
      }),
    )
    .map((p) => p.detailType);
}

export function findTableView(name: string): TableView | undefined {
  return (MINISTRY_VIEWS as Record<string, TableView>)[name] ?? (REGISTRIES as Record<string, TableView>)[name];
}
