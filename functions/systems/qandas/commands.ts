/**
 * The qandas database's commands: regional quotas, qandas status and the
 * Enbek resettlement subsidies (35 MCI per family member to relocate, once;
 * 15-30 MCI per family a month towards rent for a year), paid only to
 * families inside the regional quota, at the MCI of the year of payment.
 */

import { QandasId } from '../../../schemas/events/qandas-id.ts';
import { events } from '../../../schemas/index.ts';
import { Holder, PersonRef } from '../../../schemas/person.ts';
import { CountryCode, IsoDate, Month, RegionCode } from '../../../schemas/primitives.ts';
import { mciFor, mciToTenge, UnknownMciYearError } from '../../../schemas/reference/mci.ts';
import { findRegion } from '../../../schemas/reference/regions.ts';
import * as z from '../../../schemas/zod.ts';
import { type CommandDefinition, defineCommand, event, ofKind, Refusal } from '../command.ts';

export const RELOCATION_MCI_PER_MEMBER = 35;
export const RENT_MCI_RANGE = [15, 30] as const;
export const RENT_MONTHS = 12;

export const qandasQuotaCounter = (year: number, region: string) => `qandas#${year}#${region}`;

export const setQandasQuota = defineCommand({
  name: 'set-qandas-quota',
  system: 'qandas',
  agency: 'labour',
  description: 'Set a quota region\u2019s qandas quota for a year.',
  input: events.QandasQuotaSet.data,
  emits: [events.QandasQuotaSet],
  async decide(input) {
    if (!findRegion(input.region)?.qandasQuotaRegion) {
      throw new Refusal(
        'not-a-quota-region',
        `${input.region} is not one of the five qandas quota regions`,
        422,
        'region',
      );
    }
    return [event(events.QandasQuotaSet, input)];
  },
});

export const grantQandasStatus = defineCommand({
  name: 'grant-qandas-status',
  system: 'qandas',
  agency: 'labour',
  description:
    'Grant qandas status; the family counts against the quota (in people) only when it settles in a quota region ' +
    'with room left for all of it.',
  input: z.strictObject({
    person: PersonRef,
    holder: Holder,
    qandasId: QandasId,
    grantedOn: IsoDate,
    originCountry: CountryCode,
    settlementRegion: RegionCode,
    familyMembers: z.number().check(z.int(), z.gte(1), z.lte(30)),
  }),
  emits: [events.QandasStatusGranted],
  async decide(input, ports) {
    const records = await ports.personRecords(input.person);
    const active = ofKind(records, 'qandas').find((q) => q.state.status === 'active');
    if (active) throw new Refusal('already-qandas', `the person already holds qandas status ${active.state.qandasId}`);
    if (input.originCountry === 'KAZ')
      throw new Refusal(
        'not-a-repatriate',
        'qandas status is for ethnic Kazakhs arriving from abroad',
        422,
        'originCountry',
      );
    let inQuota = false;
    const year = Number(input.grantedOn.slice(0, 4));
    if (findRegion(input.settlementRegion)?.qandasQuotaRegion) {
      // The quota counts people: the whole family takes places, or none of it does.
      inQuota =
        (await ports.reserve(qandasQuotaCounter(year, input.settlementRegion), input.familyMembers)) === 'reserved';
    }
    return [event(events.QandasStatusGranted, { ...input, inQuota })];
  },
});

export const paySubsidy = defineCommand({
  name: 'pay-subsidy',
  system: 'qandas',
  agency: 'labour',
  description: 'Pay a relocation or rent subsidy to a qandas family in the quota.',
  input: z
    .strictObject({
      person: PersonRef,
      qandasId: QandasId,
      kind: z.enum(['relocation', 'rent']),
      period: z.optional(Month),
      paidOn: IsoDate,
      /** Rent only: MCI a month for this family (15-30). */
      rentMci: z.optional(z.number().check(z.gte(RENT_MCI_RANGE[0]), z.lte(RENT_MCI_RANGE[1]))),
    })
    .check(
      z.refine((d) => d.kind !== 'rent' || (d.period !== undefined && d.rentMci !== undefined), {
        path: ['period'],
        error: 'a rent payment needs period and rentMci',
      }),
    ),
  emits: [events.ResettlementSubsidyPaid],
  async decide(input, ports) {
    const records = await ports.personRecords(input.person);
    const status = ofKind(records, 'qandas').find((q) => q.state.qandasId === input.qandasId);
    if (!status)
      throw new Refusal('qandas-not-found', `no qandas status ${input.qandasId} for this person`, 404, 'qandasId');
    if (status.state.inQuota !== true)
      throw new Refusal('not-in-quota', 'subsidies are paid only to families settled within the regional quota');
    const subsidies = ofKind(records, 'subsidy').filter((s) => s.state.qandasId === input.qandasId);
    const members = Number(status.state.familyMembers);
    const year = Number(input.paidOn.slice(0, 4));
    try {
      mciFor(year); // an unknown year is a refusal naming paidOn, not an internal error later
    } catch (error) {
      if (error instanceof UnknownMciYearError) throw new Refusal('unknown-mci', error.message, 422, 'paidOn');
      throw error;
    }
    if (input.kind === 'relocation') {
      if (subsidies.some((s) => s.state.kind === 'relocation'))
        throw new Refusal('relocation-already-paid', 'the relocation subsidy is paid once per family');
      const units = RELOCATION_MCI_PER_MEMBER * members;
      return [
        event(events.ResettlementSubsidyPaid, {
          person: input.person,
          qandasId: input.qandasId,
          kind: 'relocation',
          familyMembers: members,
          mciUnits: units,
          mciYear: year,
          amountKzt: mciToTenge(units, year),
          paidOn: input.paidOn,
        }),
      ];
    }
    const granted = String(status.state.grantedOn).slice(0, 7);
    const monthsSince =
      (Number(input.period!.slice(0, 4)) - Number(granted.slice(0, 4))) * 12 +
      Number(input.period!.slice(5, 7)) -
      Number(granted.slice(5, 7));
    if (monthsSince < 0 || monthsSince >= RENT_MONTHS)
      throw new Refusal(
        'rent-period-over',
        `rent is paid for ${RENT_MONTHS} months from ${granted}; ${input.period} is outside that`,
        409,
        'period',
      );
    if (subsidies.some((s) => s.state.kind === 'rent' && s.state.period === input.period))
      throw new Refusal('rent-already-paid', `rent for ${input.period} is already paid`, 409, 'period');
    return [
      event(events.ResettlementSubsidyPaid, {
        person: input.person,
        qandasId: input.qandasId,
        kind: 'rent',
        period: input.period,
        familyMembers: members,
        mciUnits: input.rentMci!,
        mciYear: year,
        amountKzt: mciToTenge(input.rentMci!, year),
        paidOn: input.paidOn,
      }),
    ];
  },
});

export const QANDAS_COMMANDS: readonly CommandDefinition[] = [
  setQandasQuota,
  grantQandasStatus,
  paySubsidy,
] as unknown as CommandDefinition[];
