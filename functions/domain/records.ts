/**
 * What an event does to the records it is about, as pure functions. A record
 * keeps the (minimised) events that built it and its state is the fold of
 * those events in occurrence order, so a projection is idempotent (events are
 * deduplicated by id) and order-aware (a late event is folded into its place,
 * never applied on top of newer state). Registries and ministry views share
 * this logic; they differ in which kinds and fields they keep (views.ts).
 */
import type { PersonRef } from '../../schemas/person.ts';

export type RecordKind =
  | 'profile'
  | 'alias'
  | 'visa'
  | 'crossing'
  | 'denial'
  | 'stay'
  | 'offence'
  | 'deportation'
  | 'residence'
  | 'citizenship'
  | 'overstay'
  | 'permit'
  | 'qandas'
  | 'subsidy'
  | 'labour-quota'
  | 'qandas-quota';

/** An event as a record remembers it (its data already minimised for the table it lives in). */
export interface AppliedEvent {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly occurredAt: string;
  readonly causationId?: string;
  readonly data: Record<string, unknown>;
}

export interface RecordRef {
  readonly pk: string;
  readonly sk: string;
  readonly kind: RecordKind;
}

export type EventData = Record<string, unknown> & { person?: PersonRef };

export const personPk = (personKey: string) => `p#${personKey}`;

/** Events that establish or change who a person is (identity, particulars, citizenship, closure). */
export const PROFILE_EVENTS: ReadonlySet<string> = new Set([
  'VisaIssued', 'QandasStatusGranted', 'ResidencePermitIssued', 'CitizenshipGranted', 'WorkPermitIssued', 'ForeignerRecordClosed', 'QandasStatusClosed', 'DeportationOrdered',
]);

/** Who a record is about: the person reference of the first event that built it. */
export function personOfRecord(events: readonly AppliedEvent[]): PersonRef | undefined {
  return events.find((e) => e.data.person !== undefined)?.data.person as PersonRef | undefined;
}
export const aliasPk = (aliasKey: string) => `a#${aliasKey}`;
export const QUOTA_PK = 'quota';

const ref = (pk: string, sk: string, kind: RecordKind): RecordRef => ({ pk, sk, kind });

/**
 * The records an event touches. `personKey` is the event's person key;
 * `iinKey` the person key an IIN alone would give, when the event links the
 * person to an IIN (so a later IIN-only lookup finds the same dossier).
 */
export function recordRefs(type: string, data: EventData, personKey: string | undefined, iinKey?: string): RecordRef[] {
  const refs: RecordRef[] = [];
  if (type === 'LabourQuotaSet') return [ref(QUOTA_PK, `labour#${data.year}#${data.region}#${data.category}`, 'labour-quota')];
  if (type === 'QandasQuotaSet') return [ref(QUOTA_PK, `qandas#${data.year}#${data.region}`, 'qandas-quota')];
  if (!personKey) return refs;
  const pk = personPk(personKey);
  // The profile holds identity and particulars; only events that carry them touch it (a crossing or an
  // offence would only rewrite it), which halves the writes for the most frequent events.
  if (PROFILE_EVENTS.has(type) || data.holder !== undefined) refs.push(ref(pk, 'profile', 'profile'));
  if (iinKey && iinKey !== personKey) refs.push(ref(aliasPk(iinKey), 'alias', 'alias'));
  switch (type) {
    case 'VisaIssued':
    case 'VisaRevoked':
      refs.push(ref(pk, `visa#${data.visaNumber}`, 'visa'));
      break;
    case 'BorderCrossingRecorded':
      refs.push(ref(pk, `crossing#${data.crossedAt}#${data.direction}`, 'crossing'));
      break;
    case 'EntryDenied':
      refs.push(ref(pk, `denial#${data.deniedAt}`, 'denial'));
      break;
    case 'StayRegistered':
      refs.push(ref(pk, `stay#${data.registrationNumber}`, 'stay'));
      break;
    case 'AdministrativeOffenceRecorded':
      refs.push(ref(pk, `offence#${data.offenceId}`, 'offence'));
      break;
    case 'DeportationOrdered':
      refs.push(ref(pk, `deportation#${data.orderNumber}`, 'deportation'));
      break;
    case 'ResidencePermitIssued':
      refs.push(ref(pk, `residence#${data.permitNumber}`, 'residence'));
      break;
    case 'CitizenshipGranted':
      refs.push(ref(pk, `citizenship#${data.decreeNumber}`, 'citizenship'));
      break;
    case 'OverstayDetected':
      refs.push(ref(pk, `overstay#${data.stayValidUntil}`, 'overstay'));
      break;
    case 'WorkPermitIssued':
    case 'WorkPermitExtended':
    case 'WorkPermitRevoked':
      refs.push(ref(pk, `permit#${data.permitNumber}`, 'permit'));
      break;
    case 'QandasStatusGranted':
    case 'QandasStatusClosed':
      refs.push(ref(pk, `qandas#${data.qandasId}`, 'qandas'));
      break;
    case 'ResettlementSubsidyPaid':
      refs.push(ref(pk, `subsidy#${data.qandasId}#${data.kind}#${data.period ?? 'once'}`, 'subsidy'));
      break;
    default:
      break;
  }
  return refs;
}

/** Event order within a record: occurrence time, then id, so every replica folds identically. */
export function byOccurrence(a: AppliedEvent, b: AppliedEvent): number {
  return a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Adds events to a record's history, ignoring ones already there. Returns undefined if nothing changed. */
export function mergeEvents(existing: readonly AppliedEvent[], incoming: readonly AppliedEvent[]): AppliedEvent[] | undefined {
  const seen = new Set(existing.map((e) => e.id));
  const fresh = incoming.filter((e) => !seen.has(e.id) && (seen.add(e.id), true));
  if (fresh.length === 0) return undefined;
  return [...existing, ...fresh].sort(byOccurrence);
}

const STATUS_BY_TYPE: Readonly<Record<string, Record<string, unknown>>> = {
  VisaIssued: { status: 'issued' },
  VisaRevoked: { status: 'revoked' },
  WorkPermitIssued: { status: 'active' },
  WorkPermitRevoked: { status: 'revoked' },
  QandasStatusGranted: { status: 'active' },
  QandasStatusClosed: { status: 'closed' },
  ForeignerRecordClosed: { foreignerRecord: 'closed' },
  CitizenshipGranted: { citizen: true },
};

/** Renames that keep one event's reason or date from overwriting another's. */
const RENAMES: Readonly<Record<string, Record<string, string>>> = {
  VisaRevoked: { reason: 'revocationReason' },
  WorkPermitRevoked: { reason: 'revocationReason' },
  QandasStatusClosed: { reason: 'closureReason' },
  ForeignerRecordClosed: { reason: 'closureReason', closedOn: 'foreignerRecordClosedOn' },
  CitizenshipGranted: { iin: 'iin', grantedOn: 'citizenshipGrantedOn' },
};

/** A record's state: its events' data folded in occurrence order. */
export function foldRecord(kind: RecordKind, events: readonly AppliedEvent[]): Record<string, unknown> {
  let state: Record<string, unknown> = {};
  for (const event of events) {
    const renames = RENAMES[event.type] ?? {};
    const data: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(event.data)) {
      if (key === 'person') continue;
      data[renames[key] ?? key] = value;
    }
    if (kind === 'profile' || kind === 'alias') {
      const person = event.data.person as PersonRef | undefined;
      // A profile takes flags about the person (citizen, record closed), not the status of a permit or visa.
      const flags = event.type === 'ForeignerRecordClosed' || event.type === 'CitizenshipGranted' ? STATUS_BY_TYPE[event.type] : {};
      state = { ...state, ...(person ?? {}), ...pickProfile(data), ...flags };
    } else {
      state = { ...state, ...data, ...(STATUS_BY_TYPE[event.type] ?? {}) };
      const person = event.data.person as PersonRef | undefined;
      if (person?.citizenship) state.citizenship = person.citizenship;
    }
  }
  return state;
}

/** The profile takes identity and particulars only, never an event's business data. */
function pickProfile(data: Record<string, unknown>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of ['holder', 'iin', 'citizenshipGrantedOn', 'foreignerRecordClosedOn', 'personKey'] as const) {
    if (data[key] !== undefined) picked[key] = data[key];
  }
  return picked;
}
