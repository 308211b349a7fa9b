import { defineEvent, SOURCES } from '../define.ts';
import { Holder, PersonRef } from '../person.ts';
import { CountryCode, IsoDate } from '../primitives.ts';
import * as z from '../zod.ts';

/** Visa categories of the Rules for issuing invitations and visas (Order No. 5/95, 2016). */
export const VisaType = z.enum([
  'diplomatic',
  'service',
  'investor',
  'business',
  'official',
  'tourist',
  'private',
  'transit',
  'humanitarian',
  'medical',
  'student',
  'work',
  'family',
  'ethnic-kazakh',
  'missionary',
]);
export type VisaType = z.infer<typeof VisaType>;

export const VisaNumber = z
  .string()
  .check(
    z.maxLength(12, { error: 'a visa number is 6-12 upper-case Latin letters or digits', abort: true }),
    z.regex(/^[A-Z0-9]{6,12}$/, { error: 'a visa number is 6-12 upper-case Latin letters or digits' }),
  );

/** @example see `example` */
export const VisaIssued = defineEvent({
  source: SOURCES.foreignAffairs,
  detailType: 'VisaIssued',
  description: 'A Kazakh foreign mission or the MFA issued a visa to a foreigner.',
  data: z
    .strictObject({
      person: PersonRef,
      holder: Holder,
      visaNumber: VisaNumber,
      visaType: VisaType,
      entries: z.enum(['single', 'double', 'multiple']),
      validFrom: IsoDate,
      validUntil: IsoDate,
      /** Mission that issued it, as the host country code (KAZ for the MFA in Astana). */
      issuedIn: CountryCode,
    })
    .check(
      z.refine((d) => d.validUntil >= d.validFrom, {
        path: ['validUntil'],
        error: 'validUntil must not be before validFrom',
      }),
    ),
  example: {
    person: { citizenship: 'CHN', documentNumber: 'EA1234567' },
    holder: { surname: 'WANG', givenNames: 'LEI', birthDate: '1988-04-12', sex: 'M' },
    visaNumber: 'KZ0012345',
    visaType: 'work',
    entries: 'multiple',
    validFrom: '2021-02-01',
    validUntil: '2022-01-31',
    issuedIn: 'CHN',
  },
});

export const VisaRevoked = defineEvent({
  source: SOURCES.foreignAffairs,
  detailType: 'VisaRevoked',
  description: 'A visa was annulled before its expiry.',
  data: z.strictObject({
    person: PersonRef,
    visaNumber: VisaNumber,
    revokedOn: IsoDate,
    reason: z.enum(['deportation', 'false-information', 'purpose-changed', 'security', 'holder-request']),
  }),
  example: {
    person: { citizenship: 'CHN', documentNumber: 'EA1234567' },
    visaNumber: 'KZ0012345',
    revokedOn: '2021-09-15',
    reason: 'purpose-changed',
  },
});
