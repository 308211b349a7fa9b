import { defineEvent, SOURCES } from '../define.ts';
import { Holder, PersonRef } from '../person.ts';
import { CountryCode, IsoDate, MciAmount, Month, QuotaSize, RegionCode, TengeAmount, Year } from '../primitives.ts';
import * as z from '../zod.ts';
import { QandasId } from './qandas-id.ts';

export { QandasId };

export const QandasStatusGranted = defineEvent({
  source: SOURCES.qandas,
  detailType: 'QandasStatusGranted',
  description: 'An ethnic Kazakh received qandas (repatriate) status.',
  data: z.strictObject({
    person: PersonRef,
    holder: Holder,
    qandasId: QandasId,
    grantedOn: IsoDate,
    /** Country the family came from (usually also the citizenship). */
    originCountry: CountryCode,
    settlementRegion: RegionCode,
    familyMembers: z.number().check(z.int(), z.gte(1), z.lte(30)),
    /** Whether the grant counts against the regional quota (decided by the qandas system). */
    inQuota: z.boolean(),
  }),
  example: {
    person: { citizenship: 'UZB', documentNumber: 'FA1111111' },
    holder: { surname: 'NURMATOV', givenNames: 'AIBEK', birthDate: '1990-01-01', sex: 'M' },
    qandasId: 'Q-2021-000101',
    grantedOn: '2021-03-30',
    originCountry: 'UZB',
    settlementRegion: 'KZ-19',
    familyMembers: 4,
    inQuota: false,
  },
});

export const QandasQuotaSet = defineEvent({
  source: SOURCES.qandas,
  detailType: 'QandasQuotaSet',
  description: 'The regional quota for resettling qandas into a region was set for a year.',
  data: z.strictObject({ year: Year, region: RegionCode, quota: QuotaSize }),
  example: { year: 2021, region: 'KZ-59', quota: 250 },
});

export const ResettlementSubsidyPaid = defineEvent({
  source: SOURCES.qandas,
  detailType: 'ResettlementSubsidyPaid',
  description: 'A subsidy under the Enbek programme was paid to a qandas family in the quota.',
  data: z
    .strictObject({
      person: PersonRef,
      qandasId: QandasId,
      kind: z.enum(['relocation', 'rent']),
      /** The month a rent payment covers. */
      period: z.optional(Month),
      familyMembers: z.number().check(z.int(), z.gte(1), z.lte(30)),
      mciUnits: MciAmount,
      mciYear: Year,
      amountKzt: TengeAmount,
      paidOn: IsoDate,
    })
    .check(
      z.refine((d) => d.kind !== 'rent' || d.period !== undefined, {
        path: ['period'],
        error: 'a rent payment needs the month it covers',
      }),
    ),
  example: {
    person: { citizenship: 'UZB', documentNumber: 'FA2222222' },
    qandasId: 'Q-2021-000102',
    kind: 'relocation',
    familyMembers: 3,
    mciUnits: 105,
    mciYear: 2021,
    amountKzt: 306285,
    paidOn: '2021-04-15',
  },
});

export const QandasStatusClosed = defineEvent({
  source: SOURCES.qandas,
  detailType: 'QandasStatusClosed',
  description: 'A qandas record was closed, normally because the person became a citizen.',
  data: z.strictObject({
    person: PersonRef,
    qandasId: QandasId,
    closedOn: IsoDate,
    reason: z.enum(['citizenship', 'departed', 'revoked']),
  }),
  example: {
    person: { citizenship: 'UZB', documentNumber: 'FA1111111' },
    qandasId: 'Q-2021-000101',
    closedOn: '2021-11-05',
    reason: 'citizenship',
  },
});
