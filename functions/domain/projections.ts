/**
 * One projection declaration per event type: which records it touches (kind
 * and key), which state fields it sets from which data fields, and the
 * status it sets. Registries and ministry views share these declarations;
 * they differ only in which kinds and fields they keep (views.ts). Nothing
 * here does I/O.
 */
import type { PersonRef } from '../../schemas/person.ts';
import type { RecordKind } from './record-states.ts';

export type EventData = Record<string, unknown> & { person?: PersonRef };

/** Where a record lives: a person's partition, or the quotas'. */
export type Partition = 'person' | 'quota';

export interface RecordTouch {
  readonly kind: RecordKind;
  readonly partition: Partition;
  /** The record's sort key within its partition. */
  readonly sk: (data: EventData) => string;
  /** State field ← data path (dotted); a list takes the first path that has a value. */
  readonly from: Readonly<Record<string, string | readonly string[]>>;
  /** State fields the event type itself sets (a status, a flag). */
  readonly set?: Readonly<Record<string, unknown>>;
}

export interface Projection {
  readonly detailType: string;
  readonly touches: readonly RecordTouch[];
  /**
   * The IIN this event links the person to, if any: an alias record then
   * points from that IIN to the person's key, so a later IIN-only lookup
   * finds the same dossier.
   */
  readonly linksIin?: (data: EventData) => string | undefined;
}

export const QUOTA_PK = 'quota';
export const personPk = (personKey: string) => `p#${personKey}`;
export const aliasPk = (aliasKey: string) => `a#${aliasKey}`;

const IDENTITY = {
  citizenship: 'person.citizenship',
  documentNumber: 'person.documentNumber',
  iin: 'person.iin',
} as const;
const profile = (from: RecordTouch['from'] = {}, set?: RecordTouch['set']): RecordTouch => ({
  kind: 'profile',
  partition: 'person',
  sk: () => 'profile',
  from: { ...IDENTITY, ...from },
  ...(set ? { set } : {}),
});
const record = (
  kind: RecordKind,
  sk: (data: EventData) => string,
  from: RecordTouch['from'],
  set?: RecordTouch['set'],
): RecordTouch => ({
  kind,
  partition: 'person',
  sk,
  from,
  ...(set ? { set } : {}),
});
/** Fields copied under the same name. */
const same = (...fields: string[]) => Object.fromEntries(fields.map((f) => [f, f]));
const year = (day: unknown) => String(day ?? '').slice(0, 4);

const PROJECTIONS: readonly Projection[] = [
  {
    detailType: 'VisaIssued',
    touches: [
      profile({ holder: 'holder' }),
      record(
        'visa',
        (d) => `visa#${d.visaNumber}`,
        same('person', 'visaNumber', 'visaType', 'entries', 'validFrom', 'validUntil', 'issuedIn'),
        { status: 'issued' },
      ),
    ],
  },
  {
    detailType: 'VisaRevoked',
    touches: [
      record(
        'visa',
        (d) => `visa#${d.visaNumber}`,
        { ...same('person', 'visaNumber', 'revokedOn'), revocationReason: 'reason' },
        { status: 'revoked' },
      ),
    ],
  },
  {
    detailType: 'BorderCrossingRecorded',
    touches: [
      record(
        'crossing',
        (d) => `crossing#${d.crossedAt}#${d.direction}`,
        same('person', 'direction', 'checkpoint', 'crossedAt', 'visaNumber'),
      ),
      record('presence', () => 'presence', {
        citizenship: 'person.citizenship',
        crossedAt: 'crossedAt',
        direction: 'direction',
      }),
    ],
  },
  {
    detailType: 'EntryDenied',
    touches: [record('denial', (d) => `denial#${d.deniedAt}`, same('person', 'checkpoint', 'deniedAt', 'reason'))],
  },
  {
    detailType: 'StayRegistered',
    touches: [
      record(
        'stay',
        (d) => `stay#${d.registrationNumber}`,
        same('person', 'registrationNumber', 'region', 'validFrom', 'validUntil', 'purpose'),
      ),
    ],
  },
  {
    detailType: 'AdministrativeOffenceRecorded',
    touches: [
      record(
        'offence',
        (d) => `offence#${d.offenceId}`,
        same('person', 'offenceId', 'article', 'region', 'committedOn', 'penalty'),
      ),
      record('offender', (d) => `offender#${year(d.committedOn)}`, {
        citizenship: 'person.citizenship',
        committedOn: 'committedOn',
      }),
    ],
  },
  {
    detailType: 'DeportationOrdered',
    touches: [
      record(
        'deportation',
        (d) => `deportation#${d.orderNumber}`,
        same('person', 'orderNumber', 'orderedOn', 'region', 'basis', 'entryBanUntil'),
      ),
    ],
  },
  {
    detailType: 'ResidencePermitIssued',
    touches: [
      profile({ holder: 'holder' }),
      record(
        'residence',
        (d) => `residence#${d.permitNumber}`,
        same('person', 'permitNumber', 'kind', 'region', 'validFrom', 'validUntil', 'basis', 'qandasId'),
      ),
    ],
    linksIin: (d) => d.person?.iin,
  },
  {
    detailType: 'CitizenshipGranted',
    touches: [
      profile({ iin: ['iin', 'person.iin'], citizenshipGrantedOn: 'grantedOn' }, { citizen: true }),
      record(
        'citizenship',
        (d) => `citizenship#${d.decreeNumber}`,
        same('person', 'iin', 'grantedOn', 'procedure', 'decreeNumber'),
      ),
      record('presence', () => 'presence', { citizenshipGrantedOn: 'grantedOn' }),
    ],
    linksIin: (d) => d.iin as string | undefined,
  },
  {
    detailType: 'OverstayDetected',
    touches: [
      record(
        'overstay',
        (d) => `overstay#${d.stayValidUntil}`,
        same('person', 'stayValidUntil', 'detectedOn', 'daysOverstayed', 'basis'),
      ),
    ],
  },
  {
    detailType: 'ForeignerRecordClosed',
    touches: [
      profile(
        { foreignerRecordClosedOn: 'closedOn', foreignerRecordClosureReason: 'reason' },
        { foreignerRecord: 'closed' },
      ),
    ],
  },
  {
    detailType: 'WorkPatentIssued',
    touches: [
      profile({ holder: 'holder' }),
      record(
        'patent',
        (d) => `patent#${d.patentNumber}`,
        same('person', 'patentNumber', 'region', 'validFrom', 'validUntil', 'paidMonths', 'feeMci'),
      ),
    ],
  },
  {
    detailType: 'WorkPermitIssued',
    touches: [
      profile({ holder: 'holder' }),
      record(
        'permit',
        (d) => `permit#${d.permitNumber}`,
        same(
          'person',
          'permitNumber',
          'kind',
          'employerBin',
          'category',
          'region',
          'occupation',
          'validFrom',
          'validUntil',
          'visaNumber',
        ),
        { status: 'active' },
      ),
    ],
  },
  {
    detailType: 'WorkPermitExtended',
    touches: [
      record('permit', (d) => `permit#${d.permitNumber}`, same('person', 'permitNumber', 'extendedOn', 'validUntil')),
    ],
  },
  {
    detailType: 'WorkPermitRevoked',
    touches: [
      record(
        'permit',
        (d) => `permit#${d.permitNumber}`,
        { ...same('person', 'permitNumber', 'revokedOn'), revocationReason: 'reason' },
        { status: 'revoked' },
      ),
    ],
  },
  {
    detailType: 'LabourQuotaSet',
    touches: [
      {
        kind: 'labour-quota',
        partition: 'quota',
        sk: (d) => `labour#${d.year}#${d.region}#${d.category}`,
        from: same('year', 'region', 'category', 'quota'),
      },
    ],
  },
  {
    detailType: 'QandasStatusGranted',
    touches: [
      profile({ holder: 'holder' }),
      record(
        'qandas',
        (d) => `qandas#${d.qandasId}`,
        same('person', 'qandasId', 'grantedOn', 'originCountry', 'settlementRegion', 'familyMembers', 'inQuota'),
        { status: 'active' },
      ),
    ],
  },
  {
    detailType: 'QandasStatusClosed',
    touches: [
      record(
        'qandas',
        (d) => `qandas#${d.qandasId}`,
        { ...same('person', 'qandasId', 'closedOn'), closureReason: 'reason' },
        { status: 'closed' },
      ),
    ],
  },
  {
    detailType: 'QandasQuotaSet',
    touches: [
      {
        kind: 'qandas-quota',
        partition: 'quota',
        sk: (d) => `qandas#${d.year}#${d.region}`,
        from: same('year', 'region', 'quota'),
      },
    ],
  },
  {
    detailType: 'ResettlementSubsidyPaid',
    touches: [
      record(
        'subsidy',
        (d) => `subsidy#${d.qandasId}#${d.kind}#${d.period ?? 'once'}`,
        same('person', 'qandasId', 'kind', 'period', 'familyMembers', 'mciUnits', 'mciYear', 'amountKzt', 'paidOn'),
      ),
    ],
  },
];

const BY_TYPE = new Map(PROJECTIONS.map((p) => [p.detailType, p]));

export function projectionOf(detailType: string): Projection | undefined {
  return BY_TYPE.get(detailType);
}

export const PROJECTED_DETAIL_TYPES: readonly string[] = PROJECTIONS.map((p) => p.detailType);

/** Reads a dotted path of an event's data. */
function at(data: EventData, path: string): unknown {
  let value: unknown = data;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The state fields an event sets on one record (before any view's minimisation). */
export function fragmentOf(touch: RecordTouch, data: EventData): Record<string, unknown> {
  const fragment: Record<string, unknown> = {};
  for (const [field, paths] of Object.entries(touch.from)) {
    for (const path of [paths].flat()) {
      const value = at(data, path);
      if (value !== undefined) {
        fragment[field] = value;
        break;
      }
    }
  }
  return { ...fragment, ...touch.set };
}

/** Every state field a touch can set: what a view's declaration is checked against. */
export function fieldsOf(touch: RecordTouch): string[] {
  return [...Object.keys(touch.from), ...Object.keys(touch.set ?? {})];
}

export function allProjections(): readonly Projection[] {
  return PROJECTIONS;
}
