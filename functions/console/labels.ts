/**
 * What the console calls things: regions, countries, articles and checkpoints
 * by name (their code kept for a tooltip), ministries, record kinds, state
 * fields and coded values in words. Pure and small: it ships in the browser
 * bundle. The field labels are typed against the record states
 * (functions/domain/record-states.ts), so a field added there without a
 * label here fails the type-check instead of showing up raw.
 */

import { findRegion } from '../../schemas/reference/regions.ts';
import type * as z from '../../schemas/zod.ts';
import type { Ministry } from '../domain/ministries.ts';
import type { RECORD_STATES, RecordKind } from '../domain/record-states.ts';
import { ARTICLE_TITLES } from './reference/articles.ts';
import { checkpointName } from './reference/checkpoints.ts';
import { COUNTRY_NAMES } from './reference/country-names.ts';

/** A value in words, and the code it stands for (shown on hover) when that differs. */
export interface Named {
  readonly text: string;
  readonly code?: string;
}

const named = (text: string, code: string): Named => (text === code ? { text } : { text, code });

export function regionName(code: string): Named {
  return named(findRegion(code)?.name ?? code, code);
}

export function countryName(code: string): Named {
  return named(COUNTRY_NAMES[code] ?? code, code);
}

/** "517" → "Art. 517 — Violation of migration law by …"; "517.1" is part 1 of 517. */
export function articleName(article: string): Named {
  const [number, part] = article.split('.');
  const title = ARTICLE_TITLES[number ?? ''];
  const reference = part ? `Art. ${number}(${part})` : `Art. ${number}`;
  return {
    text: title ? `${reference} — ${title}` : reference,
    code: `Article ${article} of the Code of Administrative Offences`,
  };
}

export function checkpoint(code: string): Named {
  return named(checkpointName(code), code);
}

export const MINISTRY_NAMES: Readonly<Record<Ministry, string>> = {
  interior: 'Ministry of Internal Affairs',
  labour: 'Ministry of Labour and Social Protection',
  'foreign-affairs': 'Ministry of Foreign Affairs',
  'border-service': 'Border Service',
};

export const ministryName = (ministry: string): string => MINISTRY_NAMES[ministry as Ministry] ?? ministry;

const SOURCE_NAMES: Readonly<Record<string, string>> = {
  'kz.foreign-affairs.berkut': 'Berkut · Foreign Affairs',
  'kz.border-service.berkut': 'Berkut · Border Service',
  'kz.interior.berkut': 'Berkut · Internal Affairs',
  'kz.labour.foreign-labour': 'Foreign Labour Force · Labour',
  'kz.labour.qandas': 'Qandas database · Labour',
};

export function sourceName(source: string): Named {
  return named(SOURCE_NAMES[source] ?? source, source);
}

export const KIND_NAMES: Readonly<Record<RecordKind, string>> = {
  profile: 'Particulars',
  alias: 'Also known as',
  visa: 'Visa',
  crossing: 'Border crossing',
  denial: 'Entry denied',
  stay: 'Stay registration',
  offence: 'Administrative offence',
  deportation: 'Deportation order',
  residence: 'Residence permit',
  citizenship: 'Citizenship',
  overstay: 'Overstay',
  permit: 'Work permit',
  qandas: 'Qandas status',
  subsidy: 'Resettlement subsidy',
  patent: 'Work patent',
  'labour-quota': 'Labour quota',
  'qandas-quota': 'Qandas quota',
  presence: 'Presence',
  offender: 'Offender (year)',
};

export const kindName = (kind: string): string => KIND_NAMES[kind as RecordKind] ?? humanize(kind);

type StateOf<K extends RecordKind> = z.infer<(typeof RECORD_STATES)[K]>;
/** Every field any record state has. */
export type StateField = { [K in RecordKind]: keyof StateOf<K> & string }[RecordKind];
/** The fields of a person's particulars, shown one by one. */
type HolderField = 'surname' | 'givenNames' | 'birthDate' | 'sex';

/**
 * Every field's label, in the order a reader expects them: who, which document, what, where, when, and how it stands.
 */
export const FIELD_LABELS: Readonly<Record<StateField | HolderField, string>> = {
  person: 'Person',
  holder: 'Name',
  surname: 'Surname',
  givenNames: 'Given names',
  birthDate: 'Date of birth',
  sex: 'Sex',
  citizenship: 'Citizenship',
  documentNumber: 'Document number',
  iin: 'IIN',
  citizen: 'Citizen of Kazakhstan',
  citizenshipGrantedOn: 'Citizenship granted on',
  foreignerRecord: 'Foreigner record',
  foreignerRecordClosedOn: 'Foreigner record closed on',
  foreignerRecordClosureReason: 'Why the foreigner record closed',
  personKey: 'Person key',
  visaNumber: 'Visa number',
  permitNumber: 'Permit number',
  patentNumber: 'Patent number',
  registrationNumber: 'Registration number',
  offenceId: 'Offence number',
  orderNumber: 'Order number',
  qandasId: 'Qandas ID',
  decreeNumber: 'Decree number',
  kind: 'Kind',
  visaType: 'Visa type',
  entries: 'Entries',
  category: 'Category',
  article: 'Article',
  penalty: 'Penalty',
  basis: 'Basis',
  procedure: 'Procedure',
  purpose: 'Purpose of stay',
  direction: 'Direction',
  checkpoint: 'Checkpoint',
  reason: 'Reason',
  employerBin: 'Employer BIN',
  occupation: 'Occupation',
  issuedIn: 'Issued in',
  originCountry: 'Country of origin',
  region: 'Region',
  settlementRegion: 'Settlement region',
  familyMembers: 'Family members',
  inQuota: 'In the quota',
  crossedAt: 'Crossed at',
  deniedAt: 'Denied at',
  committedOn: 'Committed on',
  orderedOn: 'Ordered on',
  grantedOn: 'Granted on',
  validFrom: 'Valid from',
  validUntil: 'Valid until',
  extendedOn: 'Extended on',
  entryBanUntil: 'Entry banned until',
  stayValidUntil: 'Stay allowed until',
  detectedOn: 'Detected on',
  daysOverstayed: 'Days overstayed',
  paidOn: 'Paid on',
  period: 'Month covered',
  mciUnits: 'MCI units',
  mciYear: 'MCI of year',
  amountKzt: 'Amount (KZT)',
  paidMonths: 'Months paid',
  feeMci: 'Fee (MCI)',
  year: 'Year',
  quota: 'Quota',
  status: 'Status',
  revokedOn: 'Revoked on',
  revocationReason: 'Why revoked',
  closedOn: 'Closed on',
  closureReason: 'Why closed',
  stays: 'Stays in the country',
  firstOffenceOn: 'First offence on',
  offences: 'Offences',
};

export const fieldLabel = (field: string): string => FIELD_LABELS[field as StateField] ?? humanize(field);

/** Coded values that read badly when merely de-hyphenated; the rest are humanized. */
const VALUE_LABELS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  kind: { 'lea-employer': 'LEA permit (employer)', individual: 'Work for an individual' },
  category: {
    '1': '1 — executives and deputies',
    '2': '2 — heads of divisions',
    '3': '3 — specialists',
    '4': '4 — skilled workers',
    seasonal: 'Seasonal agricultural work',
  },
  visaType: { 'ethnic-kazakh': 'Ethnic Kazakh' },
  procedure: { 'simplified-qandas': 'Simplified (qandas)' },
  reason: { security: 'Security grounds', health: 'Health grounds', 'holder-request': 'At the holder’s request' },
  revocationReason: { 'holder-request': 'At the holder’s request' },
  basis: { 'visa-free-limit': 'Visa-free limit (90 days)' },
  sex: { F: 'Female', M: 'Male' },
  direction: { entry: 'Entry', exit: 'Exit' },
};

/** "no-valid-visa" → "No valid visa". */
export function humanize(value: string): string {
  const words = value
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[-_]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function valueLabel(field: string, value: string): string {
  return VALUE_LABELS[field]?.[value] ?? humanize(value);
}

/** "WorkPermitIssued" → "Work permit issued". */
export const eventTypeName = (type: string): string => humanize(type);

export type Dimension = 'country' | 'region' | 'article' | 'checkpoint' | 'category' | 'visaType' | 'reason' | 'kind';

/** A breakdown's key in words, by what the breakdown is of. */
export function dimensionName(dimension: Dimension, key: string): Named {
  switch (dimension) {
    case 'country':
      return countryName(key);
    case 'region':
      return regionName(key);
    case 'article':
      return articleName(key);
    case 'checkpoint':
      return checkpoint(key);
    default:
      return named(valueLabel(dimension, key), key);
  }
}
