/**
 * What each kind of record holds, as zod schemas: the state a projection
 * folds from its events. Every field is optional because a ministry's view
 * keeps only the fields its declaration lists (views.ts); the types are what
 * stats, contradictions, the command side and the console read.
 */
import * as z from 'zod';

const Day = z.string();
const Person = z.object({ citizenship: z.string().optional(), documentNumber: z.string().optional(), iin: z.string().optional() }).strict();
const Holder = z.object({ surname: z.string(), givenNames: z.string(), birthDate: z.string(), sex: z.string() }).strict();

export const ProfileState = z
  .object({
    citizenship: z.string(),
    documentNumber: z.string(),
    iin: z.string(),
    holder: Holder,
    citizen: z.boolean(),
    citizenshipGrantedOn: Day,
    foreignerRecord: z.literal('closed'),
    foreignerRecordClosedOn: Day,
    foreignerRecordClosureReason: z.string(),
  })
  .partial()
  .strict();

export const AliasState = z.object({ personKey: z.string() }).strict();

export const VisaState = z
  .object({
    person: Person,
    visaNumber: z.string(),
    visaType: z.string(),
    entries: z.string(),
    validFrom: Day,
    validUntil: Day,
    issuedIn: z.string(),
    status: z.enum(['issued', 'revoked']),
    revokedOn: Day,
    revocationReason: z.string(),
  })
  .partial()
  .strict();

export const CrossingState = z
  .object({ person: Person, direction: z.enum(['entry', 'exit']), checkpoint: z.string(), crossedAt: z.string(), visaNumber: z.string() })
  .partial()
  .strict();

export const DenialState = z.object({ person: Person, checkpoint: z.string(), deniedAt: z.string(), reason: z.string() }).partial().strict();

export const StayState = z
  .object({ person: Person, registrationNumber: z.string(), region: z.string(), validFrom: Day, validUntil: Day, purpose: z.string() })
  .partial()
  .strict();

export const OffenceState = z
  .object({
    person: Person,
    offenceId: z.string(),
    article: z.string(),
    region: z.string(),
    committedOn: Day,
    penalty: z.object({ kind: z.string(), fineMci: z.number().optional() }).strict(),
  })
  .partial()
  .strict();

export const DeportationState = z
  .object({ person: Person, orderNumber: z.string(), orderedOn: Day, region: z.string(), basis: z.string(), entryBanUntil: Day })
  .partial()
  .strict();

export const ResidenceState = z
  .object({
    person: Person,
    permitNumber: z.string(),
    kind: z.enum(['temporary', 'permanent']),
    region: z.string(),
    validFrom: Day,
    validUntil: Day,
    basis: z.string(),
    qandasId: z.string(),
  })
  .partial()
  .strict();

export const CitizenshipState = z
  .object({ person: Person, iin: z.string(), grantedOn: Day, procedure: z.string(), decreeNumber: z.string() })
  .partial()
  .strict();

export const OverstayState = z
  .object({ person: Person, stayValidUntil: Day, detectedOn: Day, daysOverstayed: z.number(), basis: z.string() })
  .partial()
  .strict();

export const PermitState = z
  .object({
    person: Person,
    permitNumber: z.string(),
    kind: z.enum(['lea-employer', 'individual']),
    employerBin: z.string(),
    category: z.string(),
    region: z.string(),
    occupation: z.string(),
    validFrom: Day,
    validUntil: Day,
    visaNumber: z.string(),
    extendedOn: Day,
    status: z.enum(['active', 'revoked']),
    revokedOn: Day,
    revocationReason: z.string(),
  })
  .partial()
  .strict();

export const QandasState = z
  .object({
    person: Person,
    qandasId: z.string(),
    grantedOn: Day,
    originCountry: z.string(),
    settlementRegion: z.string(),
    familyMembers: z.number(),
    inQuota: z.boolean(),
    status: z.enum(['active', 'closed']),
    closedOn: Day,
    closureReason: z.string(),
  })
  .partial()
  .strict();

export const SubsidyState = z
  .object({
    person: Person,
    qandasId: z.string(),
    kind: z.enum(['relocation', 'rent']),
    period: z.string(),
    familyMembers: z.number(),
    mciUnits: z.number(),
    mciYear: z.number(),
    amountKzt: z.number(),
    paidOn: Day,
  })
  .partial()
  .strict();

/** An Interior "patent": the right to work for individuals for the months paid in advance (until 2022). */
export const PatentState = z
  .object({ person: Person, patentNumber: z.string(), region: z.string(), validFrom: Day, validUntil: Day, paidMonths: z.number(), feeMci: z.number() })
  .partial()
  .strict();

export const LabourQuotaState = z.object({ year: z.number(), region: z.string(), category: z.string(), quota: z.number() }).partial().strict();
export const QandasQuotaState = z.object({ year: z.number(), region: z.string(), quota: z.number() }).partial().strict();

/**
 * Where a foreigner was, from their crossings: the days they came into the
 * country and left it (a day counts by its last crossing), closed by
 * citizenship, since a citizen is no longer a foreigner in the country.
 */
export const PresenceState = z
  .object({
    citizenship: z.string(),
    /** Each stay as [first day in the country, first day no longer in it (absent while still there)]. */
    stays: z.array(z.tuple([Day, Day.optional()])),
    citizenshipGrantedOn: Day,
  })
  .partial()
  .strict();

/** A person's offences in one year: distinct offenders are counted on the day of their first. */
export const OffenderState = z.object({ year: z.number(), citizenship: z.string(), firstOffenceOn: Day, offences: z.number() }).partial().strict();

export const RECORD_STATES = {
  profile: ProfileState,
  alias: AliasState,
  visa: VisaState,
  crossing: CrossingState,
  denial: DenialState,
  stay: StayState,
  offence: OffenceState,
  deportation: DeportationState,
  residence: ResidenceState,
  citizenship: CitizenshipState,
  overstay: OverstayState,
  permit: PermitState,
  qandas: QandasState,
  subsidy: SubsidyState,
  patent: PatentState,
  'labour-quota': LabourQuotaState,
  'qandas-quota': QandasQuotaState,
  presence: PresenceState,
  offender: OffenderState,
} as const;

export type RecordKind = keyof typeof RECORD_STATES;
export const RECORD_KINDS = Object.keys(RECORD_STATES) as RecordKind[];
export type StateOf<K extends RecordKind> = z.infer<(typeof RECORD_STATES)[K]>;
export type AnyState = { [K in RecordKind]: StateOf<K> }[RecordKind];
