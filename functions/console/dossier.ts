/**
 * A person's dossier as an operator reads it: every field with its label,
 * days as "1 February 2021", regions and countries by name (the code on
 * hover), coded values in words, identifiers kept whole. How each field is
 * shown is declared once per field, typed against the record states, so a
 * new field cannot reach the page as raw JSON. Pure; app.ts renders it.
 */
import { formatCount, formatDay, formatMoment, formatMonth, formatNumber } from './format.ts';
import {
  articleName,
  checkpoint,
  countryName,
  FIELD_LABELS,
  fieldLabel,
  kindName,
  type Named,
  regionName,
  type StateField,
  valueLabel,
} from './labels.ts';

export interface Field {
  readonly label: string;
  readonly text: string;
  /** The code behind a name, shown on hover. */
  readonly code?: string;
  /** An identifier: shown whole, never broken across lines. */
  readonly id?: boolean;
}

type Format =
  | 'day'
  | 'moment'
  | 'month'
  | 'country'
  | 'region'
  | 'article'
  | 'checkpoint'
  | 'id'
  | 'coded'
  | 'text'
  | 'count'
  | 'number'
  | 'yesno'
  | 'holder'
  | 'penalty'
  | 'person'
  | 'stays';

const FORMATS: Readonly<Record<StateField, Format>> = {
  person: 'person',
  holder: 'holder',
  citizenship: 'country',
  documentNumber: 'id',
  iin: 'id',
  citizen: 'yesno',
  citizenshipGrantedOn: 'day',
  foreignerRecord: 'coded',
  foreignerRecordClosedOn: 'day',
  foreignerRecordClosureReason: 'coded',
  personKey: 'id',
  visaNumber: 'id',
  visaType: 'coded',
  entries: 'coded',
  validFrom: 'day',
  validUntil: 'day',
  issuedIn: 'country',
  status: 'coded',
  revokedOn: 'day',
  revocationReason: 'coded',
  direction: 'coded',
  checkpoint: 'checkpoint',
  crossedAt: 'moment',
  deniedAt: 'moment',
  reason: 'coded',
  registrationNumber: 'id',
  region: 'region',
  purpose: 'coded',
  offenceId: 'id',
  article: 'article',
  committedOn: 'day',
  penalty: 'penalty',
  orderNumber: 'id',
  orderedOn: 'day',
  basis: 'coded',
  entryBanUntil: 'day',
  permitNumber: 'id',
  kind: 'coded',
  qandasId: 'id',
  grantedOn: 'day',
  procedure: 'coded',
  decreeNumber: 'id',
  stayValidUntil: 'day',
  detectedOn: 'day',
  daysOverstayed: 'count',
  employerBin: 'id',
  category: 'coded',
  occupation: 'text',
  extendedOn: 'day',
  originCountry: 'country',
  settlementRegion: 'region',
  familyMembers: 'count',
  inQuota: 'yesno',
  closedOn: 'day',
  closureReason: 'coded',
  period: 'month',
  mciUnits: 'number',
  mciYear: 'id',
  amountKzt: 'number',
  paidOn: 'day',
  patentNumber: 'id',
  paidMonths: 'count',
  feeMci: 'number',
  year: 'id',
  quota: 'count',
  stays: 'stays',
  firstOffenceOn: 'day',
  offences: 'count',
};

/** Fields in the order a reader expects them (the labels' order), whatever order the store kept. */
const ORDER = new Map(Object.keys(FIELD_LABELS).map((field, i) => [field, i]));
const byReadingOrder = ([a]: [string, unknown], [b]: [string, unknown]) =>
  (ORDER.get(a) ?? 1e6) - (ORDER.get(b) ?? 1e6) || a.localeCompare(b);

const fromNamed = (label: string, name: Named): Field => ({
  label,
  text: name.text,
  ...(name.code ? { code: name.code } : {}),
});

/** A value of a shape no format declares: its parts labelled, never JSON. */
function plain(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(plain).join('; ');
  if (typeof value === 'object')
    return Object.entries(value)
      .map(([k, v]) => `${fieldLabel(k)}: ${plain(v)}`)
      .join(', ');
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
}

function penaltyText(penalty: unknown): string {
  const { kind, fineMci } = (penalty ?? {}) as { kind?: string; fineMci?: number };
  if (kind === 'fine' && typeof fineMci === 'number') return `Fine of ${formatNumber(fineMci)} MCI`;
  return kind ? valueLabel('penalty', kind) : plain(penalty);
}

function staysText(stays: unknown): string {
  if (!Array.isArray(stays) || stays.length === 0) return 'None recorded';
  return stays
    .map((stay) =>
      Array.isArray(stay)
        ? `${formatDay(String(stay[0]))} – ${stay[1] ? formatDay(String(stay[1])) : 'still in the country'}`
        : plain(stay),
    )
    .join('; ');
}

/** One state field as labelled rows (a holder gives several: surname, given names, date of birth, sex). */
export function fieldRows(field: string, value: unknown): Field[] {
  if (value === undefined || value === null) return [];
  const label = fieldLabel(field);
  const format = FORMATS[field as StateField] ?? 'text';
  const text = String(value);
  switch (format) {
    case 'day':
      return [{ label, text: formatDay(text) }];
    case 'moment':
      return [{ label, text: formatMoment(text) }];
    case 'month':
      return [{ label, text: formatMonth(text) }];
    case 'country':
      return [fromNamed(label, countryName(text))];
    case 'region':
      return [fromNamed(label, regionName(text))];
    case 'article':
      return [fromNamed(label, articleName(text))];
    case 'checkpoint':
      return [fromNamed(label, checkpoint(text))];
    case 'id':
      return [{ label, text, id: true }];
    case 'coded':
      return [{ label, text: valueLabel(field, text) }];
    case 'count':
      return [{ label, text: typeof value === 'number' ? formatCount(value) : text }];
    case 'number':
      return [{ label, text: typeof value === 'number' ? formatNumber(value) : text }];
    case 'yesno':
      return [{ label, text: value === true ? 'Yes' : value === false ? 'No' : text }];
    case 'penalty':
      return [{ label, text: penaltyText(value) }];
    case 'stays':
      return [{ label, text: staysText(value) }];
    case 'holder': {
      const holder = value as Record<string, unknown>;
      return ['surname', 'givenNames', 'birthDate', 'sex'].flatMap((part) => {
        const v = holder[part];
        if (v === undefined) return [];
        const partLabel = fieldLabel(part);
        return [
          part === 'birthDate'
            ? { label: partLabel, text: formatDay(String(v)) }
            : part === 'sex'
              ? { label: partLabel, text: valueLabel('sex', String(v)) }
              : { label: partLabel, text: String(v) },
        ];
      });
    }
    case 'person': {
      // Who a record is about is the dossier's subject; shown only on its own (a profile built from a record's person).
      const person = value as Record<string, unknown>;
      return Object.entries(person)
        .sort(byReadingOrder)
        .flatMap(([k, v]) => fieldRows(k, v));
    }
    default:
      return [{ label, text: plain(value) }];
  }
}

/** The person's particulars (or, with no profile record, the identity the view keeps). */
export function profileFields(profile: Readonly<Record<string, unknown>>): Field[] {
  return Object.entries(profile ?? {})
    .sort(byReadingOrder)
    .flatMap(([field, value]) => fieldRows(field, value));
}

export interface RecordView {
  readonly heading: string;
  /** The record's identifier, when its key is one (a permit number) rather than a compound of its fields. */
  readonly key?: string;
  readonly fields: readonly Field[];
}

export function recordView(record: {
  readonly kind: string;
  readonly key: string;
  readonly state: Readonly<Record<string, unknown>>;
}): RecordView {
  // The person is the dossier's subject, and the identifier the heading already shows is not repeated.
  const fields = Object.entries(record.state ?? {})
    .filter(([field, value]) => field !== 'person' && !(FORMATS[field as StateField] === 'id' && value === record.key))
    .sort(byReadingOrder)
    .flatMap(([field, value]) => fieldRows(field, value));
  return {
    heading: kindName(record.kind),
    ...(record.key && !record.key.includes('#') ? { key: record.key } : {}),
    fields,
  };
}

/** A record's sort key as lineage lists it ("permit#WP-23-2021-700000") in words. */
export function recordReference(sk: string): { readonly kind: string; readonly parts: readonly string[] } {
  const [kind = sk, ...rest] = sk.split('#');
  return {
    kind: kindName(kind),
    parts: rest.map((part) =>
      /^\d{4}-\d{2}-\d{2}(T|$)/.test(part)
        ? formatMoment(part)
        : /^[a-z]+(-[a-z]+)*$/.test(part)
          ? valueLabel('', part)
          : part,
    ),
  };
}
