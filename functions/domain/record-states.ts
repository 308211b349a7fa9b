/**
 * What each kind of record holds, as zod schemas: the state a projection
 * folds from its events. Every field is optional because a ministry's view
 * keeps only the fields its declaration lists (views.ts); the types are what
 * stats, contradictions, the command side and the console read.
 */
import * as z from '../../schemas/zod.ts';

const Day = z.string();
const Person = z.strictObject({
  citizenship: z.optional(z.string()),
  documentNumber: z.optional(z.string()),
  iin: z.optional(z.string()),
});
const Holder = z.strictObject({ surname: z.string(), givenNames: z.string(), birthDate: z.string(), sex: z.string() });

export const ProfileState = z.partial(
  z.strictObject({
    citizenship: z.string(),
    documentNumber: z.string(),
    iin: z.string(),
    holder: Holder,
    citizen: z.boolean(),
    citizenshipGrantedOn: Day,
    foreignerRecord: z.literal('closed'),
    foreignerRecordClosedOn: Day,
    foreignerRecordClosureReason: z.string(),
  }),
);

export const AliasState = z.strictObject({ personKey: z.string() });

export const VisaState = z.partial(
  z.strictObject({
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
  }),
);

export const CrossingState = z.partial(
  z.strictObject({
    person: Person,
    direction: z.enum(['entry', 'exit']),
    checkpoint: z.string(),
    crossedAt: z.string(),
    visaNumber: z.string(),
  }),
);

export const DenialState = z.partial(
  z.strictObject({ person: Person, checkpoint: z.string(), deniedAt: z.string(), reason: z.string() }),
);

export const StayState = z.partial(
  z.strictObject({
    person: Person,
    registrationNumber: z.string(),
    region: z.string(),
    validFrom: Day,
    validUntil: Day,
    purpose: z.string(),
  }),
);

export const OffenceState = z.partial(
  z.strictObject({
    person: Person,
    offenceId: z.string(),
    article: z.string(),
    region: z.string(),
    committedOn: Day,
    penalty: z.strictObject({ kind: z.string(), fineMci: z.optional(z.number()) }),
  }),
);

export const DeportationState = z.partial(
  z.strictObject({
    person: Person,
    orderNumber: z.string(),
    orderedOn: Day,
    region: z.string(),
    basis: z.string(),
    entryBanUntil: Day,
  }),
);

export const ResidenceState = z.partial(
  z.strictObject({
    person: Person,
    permitNumber: z.string(),
    kind: z.enum(['temporary', 'permanent']),
    region: z.string(),
    validFrom: Day,
    validUntil: Day,
    basis: z.string(),
    qandasId: z.string(),
  }),
);

export const CitizenshipState = z.partial(
  z.strictObject({ person: Person, iin: z.string(), grantedOn: Day, procedure: z.string(), decreeNumber: z.string() }),
);

export const OverstayState = z.partial(
  z.strictObject({
    person: Person,
    stayValidUntil: Day,
    detectedOn: Day,
    daysOverstayed: z.number(),
    basis: z.string(),
  }),
);

export const PermitState = z.partial(
  z.strictObject({
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
  }),
);

export const QandasState = z.partial(
  z.strictObject({
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
  }),
);

export const SubsidyState = z.partial(
  z.strictObject({
    person: Person,
    qandasId: z.string(),
    kind: z.enum(['relocation', 'rent']),
    period: z.string(),
    familyMembers: z.number(),
    mciUnits: z.number(),
    mciYear: z.number(),
    amountKzt: z.number(),
    paidOn: Day,
  }),
);

/** An Interior "patent": the right to work for individuals for the months paid in advance (until 2022). */
export const PatentState = z.partial(
  z.strictObject({
    person: Person,
    patentNumber: z.string(),
    region: z.string(),
    validFrom: Day,
    validUntil: Day,
    paidMonths: z.number(),
    feeMci: z.number(),
  }),
);

export const LabourQuotaState = z.partial(
  z.strictObject({ year: z.number(), region: z.string(), category: z.string(), quota: z.number() }),
);
export const QandasQuotaState = z.partial(z.strictObject({ year: z.number(), region: z.string(), quota: z.number() }));

/**
 * Where a foreigner was, from their crossings: the days they came into the
 * country and left it (a day counts by its last crossing), closed by
 * citizenship, since a citizen is no longer a foreigner in the country.
 */
export const PresenceState = z.partial(
  z.strictObject({
    citizenship: z.string(),
    /** Each stay as [first day in the country, first day no longer in it (absent while still there)]. */
    stays: z.array(z.tuple([Day, z.optional(Day)])),
    citizenshipGrantedOn: Day,
  }),
);

/** A person's offences in one year: distinct offenders are counted on the day of their first. */
export const OffenderState = z.partial(
  z.strictObject({ year: z.number(), citizenship: z.string(), firstOffenceOn: Day, offences: z.number() }),
);

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
