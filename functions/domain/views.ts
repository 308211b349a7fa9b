/**
 * Which records each table keeps, field by field. This is the data-minimisation
 * declaration: a ministry's view stores only the kinds and fields listed here
 * (the projector drops everything else before anything is written), so what a
 * ministry can see is visible, reviewable and tested in code.
 * A system's registry (its system of record) keeps every field of its kinds.
 */
import type { Ministry } from '../../infra/topology.ts';
import type { RecordKind } from './records.ts';

export type FieldList = readonly string[] | 'all';

export interface TableView {
  readonly name: string;
  /** Kind → fields of the events' `data` that the table may store. */
  readonly kinds: Partial<Readonly<Record<RecordKind, FieldList>>>;
}

const IDENTITY = ['person'] as const;
const PARTICULARS = ['person', 'holder', 'iin'] as const;

export const MINISTRY_VIEWS: Readonly<Record<Ministry, TableView>> = {
  interior: {
    name: 'interior',
    kinds: {
      profile: PARTICULARS,
      alias: ['personKey'],
      visa: ['person', 'visaNumber', 'visaType', 'validFrom', 'validUntil'],
      crossing: 'all',
      denial: 'all',
      stay: 'all',
      offence: 'all',
      deportation: 'all',
      residence: 'all',
      citizenship: 'all',
      overstay: 'all',
      // Interior sees that a permit exists and until when, not the employer.
      permit: ['person', 'permitNumber', 'kind', 'region', 'validFrom', 'validUntil'],
      qandas: ['person', 'qandasId', 'grantedOn', 'settlementRegion'],
    },
  },
  labour: {
    name: 'labour',
    kinds: {
      profile: PARTICULARS,
      alias: ['personKey'],
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
      profile: ['person', 'holder'],
      alias: ['personKey'],
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
      profile: [...IDENTITY, 'iin'],
      alias: ['personKey'],
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
      alias: ['personKey'],
      visa: 'all',
      crossing: 'all',
      denial: 'all',
      stay: 'all',
      offence: 'all',
      deportation: 'all',
      residence: 'all',
      citizenship: 'all',
      overstay: 'all',
    },
  },
  'foreign-labour': { name: 'foreign-labour', kinds: { profile: 'all', alias: ['personKey'], permit: 'all', 'labour-quota': 'all' } },
  qandas: { name: 'qandas', kinds: { profile: 'all', alias: ['personKey'], qandas: 'all', subsidy: 'all', 'qandas-quota': 'all' } },
};

/** Keeps only the declared fields of an event's data for one kind; undefined if the table does not keep that kind. */
export function minimise(view: TableView, kind: RecordKind, data: Record<string, unknown>): Record<string, unknown> | undefined {
  const fields = view.kinds[kind];
  if (!fields) return undefined;
  if (fields === 'all') return data;
  const kept: Record<string, unknown> = {};
  for (const field of fields) if (data[field] !== undefined) kept[field] = data[field];
  return kept;
}

/** Every field name a record of this kind may hold in this table (state and event data). */
export function allowedFields(view: TableView, kind: RecordKind): ReadonlySet<string> | 'all' {
  const fields = view.kinds[kind];
  if (!fields || fields === 'all') return 'all';
  return new Set(fields);
}

export function findTableView(name: string): TableView | undefined {
  return (MINISTRY_VIEWS as Record<string, TableView>)[name] ?? (REGISTRIES as Record<string, TableView>)[name];
}
