import { defineEvent, SOURCES } from '../define.ts';
import { Holder, PersonRef } from '../person.ts';
import { Iin, IsoDate, MciAmount, RegionCode, RegistryNumber } from '../primitives.ts';
import * as z from '../zod.ts';
import { QandasId } from './qandas-id.ts';

const untilNotBeforeFrom = <T extends { validFrom: string; validUntil?: string | undefined }>(d: T) =>
  d.validUntil === undefined || d.validUntil >= d.validFrom;

export const StayRegistered = defineEvent({
  source: SOURCES.interior,
  detailType: 'StayRegistered',
  description: 'The migration police registered a foreigner\u2019s temporary stay at an address.',
  data: z
    .strictObject({
      person: PersonRef,
      registrationNumber: RegistryNumber(),
      region: RegionCode,
      validFrom: IsoDate,
      validUntil: IsoDate,
      purpose: z.enum(['work', 'study', 'private', 'tourism', 'business', 'family', 'repatriation', 'medical']),
    })
    .check(z.refine(untilNotBeforeFrom, { path: ['validUntil'], error: 'validUntil must not be before validFrom' })),
  example: {
    person: { citizenship: 'CHN', documentNumber: 'EA1234567' },
    registrationNumber: 'R-75-2021-000123',
    region: 'KZ-75',
    validFrom: '2021-02-03',
    validUntil: '2022-01-31',
    purpose: 'work',
  },
});

/** Article of the Code of Administrative Offences (mostly 496, 517, 518, 519). */
export const AdministrativeOffenceRecorded = defineEvent({
  source: SOURCES.interior,
  detailType: 'AdministrativeOffenceRecorded',
  description: 'A foreigner was held administratively liable for breaking migration law.',
  data: z.strictObject({
    person: PersonRef,
    offenceId: RegistryNumber(),
    article: z
      .string()
      .check(
        z.maxLength(12, { error: 'an article of the Code of Administrative Offences, e.g. 517 or 517.1', abort: true }),
        z.regex(/^\d{3}(\.\d+)?$/, { error: 'an article of the Code of Administrative Offences, e.g. 517 or 517.1' }),
      ),
    region: RegionCode,
    committedOn: IsoDate,
    penalty: z
      .strictObject({
        kind: z.enum(['warning', 'fine', 'expulsion']),
        fineMci: z.optional(MciAmount),
      })
      .check(
        z.refine((p) => p.kind !== 'fine' || p.fineMci !== undefined, {
          path: ['fineMci'],
          error: 'a fine needs fineMci',
        }),
      ),
  }),
  example: {
    person: { citizenship: 'UZB', documentNumber: 'FA7654321' },
    offenceId: 'AO-2021-0004567',
    article: '517',
    region: 'KZ-75',
    committedOn: '2021-05-20',
    penalty: { kind: 'fine', fineMci: 10 },
  },
});

export const DeportationOrdered = defineEvent({
  source: SOURCES.interior,
  detailType: 'DeportationOrdered',
  description: 'A court or the migration police ordered a foreigner expelled; an entry ban follows.',
  data: z
    .strictObject({
      person: PersonRef,
      orderNumber: RegistryNumber(),
      orderedOn: IsoDate,
      region: RegionCode,
      basis: z.enum(['court-expulsion', 'administrative-expulsion', 'readmission']),
      entryBanUntil: IsoDate,
    })
    .check(
      z.refine((d) => d.entryBanUntil > d.orderedOn, {
        path: ['entryBanUntil'],
        error: 'entryBanUntil must be after orderedOn',
      }),
    ),
  example: {
    person: { citizenship: 'UZB', documentNumber: 'FA7654321' },
    orderNumber: 'DO-2021-000321',
    orderedOn: '2021-05-28',
    region: 'KZ-75',
    basis: 'court-expulsion',
    entryBanUntil: '2026-05-28',
  },
});

export const ResidencePermitIssued = defineEvent({
  source: SOURCES.interior,
  detailType: 'ResidencePermitIssued',
  description: 'A foreigner received a temporary or permanent residence permit.',
  data: z
    .strictObject({
      person: PersonRef,
      holder: z.optional(Holder),
      permitNumber: RegistryNumber(),
      kind: z.enum(['temporary', 'permanent']),
      region: RegionCode,
      validFrom: IsoDate,
      validUntil: z.optional(IsoDate),
      basis: z.enum(['qandas', 'work', 'family', 'study', 'investment', 'humanitarian']),
      /** Cause that triggered a one-window registration, if any. */
      qandasId: z.optional(QandasId),
    })
    .check(z.refine(untilNotBeforeFrom, { path: ['validUntil'], error: 'validUntil must not be before validFrom' })),
  example: {
    person: { citizenship: 'UZB', documentNumber: 'FA1111111', iin: '900101300017' },
    permitNumber: 'RP-19-2021-000045',
    kind: 'permanent',
    region: 'KZ-19',
    validFrom: '2021-04-02',
    basis: 'qandas',
    qandasId: 'Q-2021-000101',
  },
});

export const CitizenshipGranted = defineEvent({
  source: SOURCES.interior,
  detailType: 'CitizenshipGranted',
  description: 'A foreigner became a citizen of Kazakhstan (presidential decree or simplified procedure).',
  data: z.strictObject({
    /** The identity the person held as a foreigner. */
    person: PersonRef,
    iin: Iin,
    grantedOn: IsoDate,
    procedure: z.enum(['general', 'simplified-qandas', 'restoration']),
    decreeNumber: RegistryNumber(1),
  }),
  example: {
    person: { citizenship: 'UZB', documentNumber: 'FA1111111' },
    iin: '900101300017',
    grantedOn: '2021-11-05',
    procedure: 'simplified-qandas',
    decreeNumber: 'PD-2021-1234',
  },
});

export const OverstayDetected = defineEvent({
  source: SOURCES.interior,
  detailType: 'OverstayDetected',
  description: 'A foreigner\u2019s permitted stay ended and no exit was recorded.',
  data: z.strictObject({
    person: PersonRef,
    stayValidUntil: IsoDate,
    detectedOn: IsoDate,
    daysOverstayed: z.number().check(z.int(), z.positive(), z.lte(36_600, { error: 'at most 100 years' })),
    basis: z.enum(['visa', 'stay-registration', 'visa-free-limit']),
  }),
  example: {
    person: { citizenship: 'CHN', documentNumber: 'EA1234567' },
    stayValidUntil: '2022-01-31',
    detectedOn: '2022-02-03',
    daysOverstayed: 3,
    basis: 'visa',
  },
});

export const ForeignerRecordClosed = defineEvent({
  source: SOURCES.interior,
  detailType: 'ForeignerRecordClosed',
  description: 'Berkut closed a person\u2019s foreigner record (citizenship, departure for good, death).',
  data: z.strictObject({
    person: PersonRef,
    closedOn: IsoDate,
    reason: z.enum(['citizenship', 'departed', 'deceased']),
  }),
  example: {
    person: { citizenship: 'UZB', documentNumber: 'FA1111111' },
    closedOn: '2021-11-05',
    reason: 'citizenship',
  },
});

/**
 * The end of a period of `months` months from `date`, as the Civil Code
 * counts it: the corresponding day of the last month, or that month's last
 * day when it has no such day (31 January + 1 month ends on 28 February).
 */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.slice(0, 10).split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, lastDay));
  return first.toISOString().slice(0, 10);
}

const PatentNumber = z
  .string()
  .check(
    z.maxLength(17, { error: 'a patent number looks like PT-<region>-<year>-<6 digits>', abort: true }),
    z.regex(/^PT-\d{2}-\d{4}-\d{6}$/, { error: 'a patent number looks like PT-<region>-<year>-<6 digits>' }),
  );

/** The longest a patent runs: it is issued (and prolonged) for 1 to 12 months. */
export const PATENT_MAX_MONTHS = 12;

/**
 * Whether a patent runs no longer than the months paid. No opinion when validFrom is not a date or paidMonths not a
 * whole number of months within a century (their own checks name those): there is no end date to compute
 * (Date#toISOString threw, and validateDetail with it).
 */
const withinMonthsPaid = (d: { validFrom: string; validUntil: string; paidMonths: number }) =>
  !/^\d{4}-\d{2}-\d{2}$/.test(String(d.validFrom)) ||
  !Number.isInteger(d.paidMonths) ||
  Math.abs(d.paidMonths) > 1200 ||
  d.validUntil <= addMonths(d.validFrom, d.paidMonths);

/**
 * A permit to a labour immigrant, the "patent": until 2022 the migration
 * police (Interior) issued it to a foreigner who entered visa-free to work
 * for individuals (household work), for the months paid in advance as
 * individual income tax (in MCI a month). From 2022 Labour issues permits for
 * work for individuals instead (WorkPermitIssued, kind `individual`).
 */
export const WorkPatentIssued = defineEvent({
  source: SOURCES.interior,
  detailType: 'WorkPatentIssued',
  description:
    'The migration police issued a labour immigrant a permit ("patent") to work for individuals, for the months ' +
    'paid in advance.',
  data: z
    .strictObject({
      person: PersonRef,
      holder: z.optional(Holder),
      patentNumber: PatentNumber,
      /** Where the immigrant works (and is registered). */
      region: RegionCode,
      validFrom: IsoDate,
      validUntil: IsoDate,
      /** Months paid in advance; the patent runs for these months (to the corresponding day of the last one). */
      paidMonths: z
        .number()
        .check(
          z.int(),
          z.gte(1),
          z.lte(PATENT_MAX_MONTHS, { error: `a patent is issued for 1-${PATENT_MAX_MONTHS} months` }),
        ),
      /** The advance income tax paid for those months, in MCI of the year of payment. */
      feeMci: MciAmount,
    })
    .check(
      z.refine((d) => d.validUntil >= d.validFrom, {
        path: ['validUntil'],
        error: 'validUntil must not be before validFrom',
      }),
      z.refine(withinMonthsPaid, {
        path: ['validUntil'],
        error: 'a patent runs no longer than the months paid (validUntil at most validFrom + paidMonths)',
      }),
    ),
  example: {
    person: { citizenship: 'UZB', documentNumber: 'FA7654321' },
    holder: { surname: 'ERGASHEVA', givenNames: 'DILNOZA', birthDate: '1991-03-08', sex: 'F' },
    patentNumber: 'PT-75-2021-004512',
    region: 'KZ-75',
    validFrom: '2021-04-12',
    validUntil: '2021-07-12',
    paidMonths: 3,
    feeMci: 6,
  },
});
