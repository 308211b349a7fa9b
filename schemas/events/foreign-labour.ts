import { defineEvent, SOURCES } from '../define.ts';
import { Holder, PersonRef } from '../person.ts';
import { Bin, IsoDate, QuotaSize, RegionCode, Year } from '../primitives.ts';
import * as z from '../zod.ts';
import { VisaNumber } from './foreign-affairs.ts';

/**
 * Categories of LEA permits (Rules for issuing permits to employers, Order
 * No. 559, 2016): 1 executives and deputies, 2 heads of divisions,
 * 3 specialists, 4 skilled workers, plus seasonal agricultural workers.
 */
export const LabourCategory = z.enum(['1', '2', '3', '4', 'seasonal']);
export type LabourCategory = z.infer<typeof LabourCategory>;

/**
 * `lea-employer`: a permit of the local executive authority to an employer to
 * hire this foreigner. `individual`: a permit for work for an individual,
 * which Labour issues from 2022 (until then it was the Interior's "patent",
 * WorkPatentIssued).
 */
export const WorkPermitKind = z.enum(['lea-employer', 'individual']);

const PermitNumber = z
  .string()
  .check(
    z.maxLength(17, { error: 'a permit number looks like WP-<region>-<year>-<6 digits>', abort: true }),
    z.regex(/^WP-\d{2}-\d{4}-\d{6}$/, { error: 'a permit number looks like WP-<region>-<year>-<6 digits>' }),
  );

export const WorkPermitIssued = defineEvent({
  source: SOURCES.foreignLabour,
  detailType: 'WorkPermitIssued',
  description: 'A work permit was issued for a foreigner.',
  data: z
    .strictObject({
      person: PersonRef,
      holder: z.optional(Holder),
      permitNumber: PermitNumber,
      kind: WorkPermitKind,
      /** Required for LEA permits: the employer that hires the foreigner. */
      employerBin: z.optional(Bin),
      category: LabourCategory,
      region: RegionCode,
      occupation: z.string().check(z.minLength(2), z.maxLength(120)),
      validFrom: IsoDate,
      validUntil: IsoDate,
      /**
       * The work visa the permit depends on, for a foreigner who needs one
       * (optional: EAEU and CIS visa-free workers hold none; v1 events have none).
       * Revoking that visa revokes this permit, and only that visa does.
       */
      visaNumber: z.optional(VisaNumber),
    })
    .check(
      z.refine((d) => d.validUntil >= d.validFrom, {
        path: ['validUntil'],
        error: 'validUntil must not be before validFrom',
      }),
      z.refine((d) => d.kind !== 'lea-employer' || d.employerBin !== undefined, {
        path: ['employerBin'],
        error: 'an LEA permit needs the employer BIN',
      }),
    ),
  example: {
    person: { citizenship: 'CHN', documentNumber: 'EA1234567' },
    permitNumber: 'WP-75-2021-000777',
    kind: 'lea-employer',
    employerBin: '990909400012',
    category: '3',
    region: 'KZ-75',
    occupation: 'Drilling engineer',
    validFrom: '2021-02-01',
    validUntil: '2022-01-31',
    visaNumber: 'KZ0012345',
  },
});

export const WorkPermitExtended = defineEvent({
  source: SOURCES.foreignLabour,
  detailType: 'WorkPermitExtended',
  description: 'A work permit\u2019s validity was extended.',
  data: z.strictObject({
    person: PersonRef,
    permitNumber: PermitNumber,
    extendedOn: IsoDate,
    validUntil: IsoDate,
  }),
  example: {
    person: { citizenship: 'CHN', documentNumber: 'EA1234567' },
    permitNumber: 'WP-75-2021-000777',
    extendedOn: '2022-01-10',
    validUntil: '2023-01-31',
  },
});

export const WorkPermitRevoked = defineEvent({
  source: SOURCES.foreignLabour,
  detailType: 'WorkPermitRevoked',
  description: 'A work permit was revoked before its expiry.',
  data: z.strictObject({
    person: PersonRef,
    permitNumber: PermitNumber,
    revokedOn: IsoDate,
    reason: z.enum(['deportation', 'visa-revoked', 'employer-request', 'violation', 'citizenship']),
  }),
  example: {
    person: { citizenship: 'CHN', documentNumber: 'EA1234567' },
    permitNumber: 'WP-75-2021-000777',
    revokedOn: '2021-09-16',
    reason: 'visa-revoked',
  },
});

export const LabourQuotaSet = defineEvent({
  source: SOURCES.foreignLabour,
  detailType: 'LabourQuotaSet',
  description: 'The quota of foreign labour for a region, year and category was set.',
  data: z.strictObject({
    year: Year,
    region: RegionCode,
    category: LabourCategory,
    quota: QuotaSize,
  }),
  example: { year: 2021, region: 'KZ-75', category: '3', quota: 1200 },
});
