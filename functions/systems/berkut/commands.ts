/**
 * Berkut's commands, issued by the officials of its three agencies:
 * visas (MFA), border crossings and refusals (Border Service), and stays,
 * offences, deportations, residence and citizenship (Interior).
 */

import { addMonths } from '../../../schemas/events/interior.ts';
import { type DataOf, events } from '../../../schemas/index.ts';
import { Holder, PersonRef } from '../../../schemas/person.ts';
import { Iin, IsoDate, RegionCode, RegistryNumber } from '../../../schemas/primitives.ts';
import { visaRequired } from '../../../schemas/reference/visa-regime.ts';
import * as z from '../../../schemas/zod.ts';
import { VISA_FREE_STAY_DAYS } from '../../domain/stay-rules.ts';
import type { StoredRecord } from '../../domain/stored-record.ts';
import {
  type CommandDefinition,
  defineCommand,
  entryBanOn,
  event,
  ofKind,
  Refusal,
  refuseIfBanned,
} from '../command.ts';

const addYears = (date: string, years: number) => `${Number(date.slice(0, 4)) + years}${date.slice(4, 10)}`;
const addDays = (date: string, days: number) =>
  new Date(Date.parse(date.slice(0, 10)) + days * 86_400_000).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / 86_400_000);

export const issueVisa = defineCommand({
  name: 'issue-visa',
  system: 'berkut',
  agency: 'foreign-affairs',
  description: 'Issue a visa to a foreigner.',
  input: events.VisaIssued.data,
  emits: [events.VisaIssued],
  async decide(input, ports) {
    const records = await ports.personRecords(input.person);
    const ban = entryBanOn(records, input.validFrom);
    if (ban)
      throw new Refusal(
        'entry-ban',
        `the person is banned from entry until ${ban.state.entryBanUntil} (deportation order ${ban.state.orderNumber})`,
      );
    if (ofKind(records, 'visa').some((v) => v.state.visaNumber === input.visaNumber)) {
      throw new Refusal(
        'visa-number-taken',
        `visa ${input.visaNumber} is already recorded for this person`,
        409,
        'visaNumber',
      );
    }
    return [event(events.VisaIssued, input)];
  },
});

export const revokeVisa = defineCommand({
  name: 'revoke-visa',
  system: 'berkut',
  agency: 'foreign-affairs',
  description: 'Annul a visa before its expiry.',
  input: events.VisaRevoked.data,
  emits: [events.VisaRevoked],
  async decide(input, ports) {
    const visa = ofKind(await ports.personRecords(input.person), 'visa').find(
      (v) => v.state.visaNumber === input.visaNumber,
    );
    if (!visa)
      throw new Refusal('visa-not-found', `no visa ${input.visaNumber} is recorded for this person`, 404, 'visaNumber');
    if (visa.state.status === 'revoked')
      throw new Refusal('visa-already-revoked', `visa ${input.visaNumber} was revoked on ${visa.state.revokedOn}`);
    return [event(events.VisaRevoked, input)];
  },
});

export const recordCrossing = defineCommand({
  name: 'record-crossing',
  system: 'berkut',
  agency: 'border-service',
  description: 'Record an entry or exit at a border checkpoint.',
  input: events.BorderCrossingRecorded.data,
  emits: [events.BorderCrossingRecorded],
  async decide(input, ports) {
    if (input.direction === 'exit') return [event(events.BorderCrossingRecorded, input)];
    const records = await ports.personRecords(input.person);
    const ban = entryBanOn(records, input.crossedAt);
    if (ban)
      throw new Refusal(
        'entry-ban',
        `the person is banned from entry until ${ban.state.entryBanUntil}; record an entry denial instead`,
      );
    const day = input.crossedAt.slice(0, 10);
    if (input.visaNumber) {
      const visa = ofKind(records, 'visa').find((v) => v.state.visaNumber === input.visaNumber);
      if (
        visa?.state.status !== 'issued' ||
        String(visa.state.validFrom) > day ||
        String(visa.state.validUntil) < day
      ) {
        throw new Refusal('visa-not-valid', `visa ${input.visaNumber} is not valid on ${day}`, 409, 'visaNumber');
      }
    } else if (visaRequired(input.person.citizenship) && !ofKind(records, 'residence').length && !input.person.iin) {
      throw new Refusal(
        'visa-required',
        `citizens of ${input.person.citizenship} need a visa to enter`,
        409,
        'visaNumber',
      );
    }
    return [event(events.BorderCrossingRecorded, input)];
  },
});

export const denyEntry = defineCommand({
  name: 'deny-entry',
  system: 'berkut',
  agency: 'border-service',
  description: 'Record a refusal of entry at a checkpoint.',
  input: events.EntryDenied.data,
  emits: [events.EntryDenied],
  async decide(input) {
    return [event(events.EntryDenied, input)];
  },
});

export const registerStay = defineCommand({
  name: 'register-stay',
  system: 'berkut',
  agency: 'interior',
  description: 'Register a foreigner\u2019s temporary stay at an address.',
  input: events.StayRegistered.data,
  emits: [events.StayRegistered],
  async decide(input, ports) {
    refuseIfBanned(await ports.personRecords(input.person), input.validFrom);
    return [event(events.StayRegistered, input)];
  },
});

export const recordOffence = defineCommand({
  name: 'record-offence',
  system: 'berkut',
  agency: 'interior',
  description: 'Record an administrative offence against migration law.',
  input: events.AdministrativeOffenceRecorded.data,
  emits: [events.AdministrativeOffenceRecorded],
  async decide(input, ports) {
    const records = await ports.personRecords(input.person);
    if (ofKind(records, 'offence').some((o) => o.state.offenceId === input.offenceId)) {
      throw new Refusal('offence-already-recorded', `offence ${input.offenceId} is already recorded`, 409, 'offenceId');
    }
    return [event(events.AdministrativeOffenceRecorded, input)];
  },
});

export const orderDeportation = defineCommand({
  name: 'order-deportation',
  system: 'berkut',
  agency: 'interior',
  description: 'Order a foreigner\u2019s expulsion; an entry ban (five years unless stated) follows.',
  input: z.strictObject({
    person: PersonRef,
    orderNumber: RegistryNumber(),
    orderedOn: IsoDate,
    region: RegionCode,
    basis: events.DeportationOrdered.data.shape.basis,
    entryBanUntil: z.optional(IsoDate),
  }),
  emits: [events.DeportationOrdered],
  async decide(input, ports) {
    const records = await ports.personRecords(input.person);
    if (ofKind(records, 'citizenship').length)
      throw new Refusal('citizen', 'a citizen of Kazakhstan cannot be deported');
    if (ofKind(records, 'deportation').some((d) => d.state.orderNumber === input.orderNumber)) {
      throw new Refusal(
        'order-number-taken',
        `deportation order ${input.orderNumber} already exists`,
        409,
        'orderNumber',
      );
    }
    return [
      event(events.DeportationOrdered, {
        ...input,
        entryBanUntil: input.entryBanUntil ?? addYears(input.orderedOn, 5),
      }),
    ];
  },
});

export const issueResidencePermit = defineCommand({
  name: 'issue-residence-permit',
  system: 'berkut',
  agency: 'interior',
  description: 'Issue a temporary or permanent residence permit.',
  input: events.ResidencePermitIssued.data,
  emits: [events.ResidencePermitIssued],
  async decide(input, ports) {
    refuseIfBanned(await ports.personRecords(input.person), input.validFrom);
    return [event(events.ResidencePermitIssued, input)];
  },
});

export const grantCitizenship = defineCommand({
  name: 'grant-citizenship',
  system: 'berkut',
  agency: 'interior',
  description: 'Grant citizenship (by decree, or the simplified procedure for qandas).',
  input: z.strictObject({
    person: PersonRef,
    iin: Iin,
    grantedOn: IsoDate,
    procedure: events.CitizenshipGranted.data.shape.procedure,
    decreeNumber: RegistryNumber(1),
    holder: z.optional(Holder),
  }),
  emits: [events.CitizenshipGranted],
  async decide(input, ports) {
    const records = await ports.personRecords(input.person);
    if (ofKind(records, 'citizenship').length) throw new Refusal('already-citizen', 'the person is already a citizen');
    if (entryBanOn(records, input.grantedOn))
      throw new Refusal('entry-ban', 'a person under a deportation order cannot be granted citizenship');
    if (!ofKind(records, 'residence').length) {
      throw new Refusal(
        'no-residence',
        'citizenship needs a residence permit first (for qandas it comes with the status: one window)',
        422,
      );
    }
    const { holder: _holder, ...data } = input;
    return [event(events.CitizenshipGranted, data)];
  },
});

/** Who a person's records say they are (the profile, or any record that names them). */
function identityOf(records: readonly StoredRecord[]): { citizenship?: string; documentNumber?: string } {
  const profile = ofKind(records, 'profile')[0]?.state;
  if (profile?.citizenship) return profile;
  for (const record of records) {
    const person = (record.state as { person?: { citizenship?: string; documentNumber?: string } }).person;
    if (person?.citizenship) return person;
  }
  return {};
}

export { VISA_FREE_STAY_DAYS };

type OverstayData = DataOf<typeof events.OverstayDetected>;
type StayGround = { readonly until: string; readonly basis: OverstayData['basis'] };

/**
 * Whether one person has overstayed on `asOf`, from their Berkut records: a
 * foreigner (no residence, not a citizen, record open) whose last crossing is
 * an entry and whose latest ground to stay since that entry ended before
 * `asOf`. Grounds: a visa (a revoked one ends on its revocation), a
 * registered stay, and for a visa-free national with neither, the visa-free
 * period from the entry. A ground already reported is not reported again.
 * Pure, so the check can run per candidate person, however candidates are found.
 */
export function detectOverstay(records: readonly StoredRecord[], asOf: string): OverstayData | undefined {
  const profile = ofKind(records, 'profile')[0];
  const person = identityOf(records);
  if (
    !person.citizenship ||
    !person.documentNumber ||
    profile?.state.citizen ||
    profile?.state.foreignerRecord === 'closed'
  )
    return undefined;
  if (ofKind(records, 'residence').length || ofKind(records, 'citizenship').length) return undefined;
  const last = ofKind(records, 'crossing')
    .sort((a, b) => String(a.state.crossedAt).localeCompare(String(b.state.crossedAt)))
    .at(-1);
  if (last?.state.direction !== 'entry') return undefined;
  const entered = String(last.state.crossedAt).slice(0, 10);
  const visas = ofKind(records, 'visa').map((v): StayGround => {
    const until = String(v.state.validUntil);
    const revokedOn = v.state.status === 'revoked' ? String(v.state.revokedOn) : undefined;
    return { until: revokedOn && revokedOn < until ? revokedOn : until, basis: 'visa' };
  });
  const stays = ofKind(records, 'stay').map(
    (s): StayGround => ({ until: String(s.state.validUntil), basis: 'stay-registration' }),
  );
  const grounds = [...visas, ...stays].filter((g) => g.until >= entered);
  if (grounds.length === 0 && !visaRequired(person.citizenship))
    grounds.push({ until: addDays(entered, VISA_FREE_STAY_DAYS), basis: 'visa-free-limit' });
  const latest = grounds.sort((a, b) => a.until.localeCompare(b.until)).at(-1);
  if (!latest || latest.until >= asOf) return undefined;
  if (ofKind(records, 'overstay').some((o) => o.state.stayValidUntil === latest.until)) return undefined;
  return {
    person: { citizenship: person.citizenship, documentNumber: person.documentNumber },
    stayValidUntil: latest.until,
    detectedOn: asOf,
    daysOverstayed: daysBetween(latest.until, asOf),
    basis: latest.basis,
  };
}

const dayBefore = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/**
 * The scheduled check. Candidates come from Berkut's index of when permitted
 * stays end (those that ended in [since, asOf)), never from a scan: a daily
 * run looks at yesterday's ends; a catch-up run passes `since`.
 */
export const runOverstayCheck = defineCommand({
  name: 'run-overstay-check',
  system: 'berkut',
  agency: 'interior',
  description: 'Raise OverstayDetected for stays that ended with no exit recorded.',
  input: z.strictObject({ asOf: IsoDate, since: z.optional(IsoDate) }).check(
    z.refine((i) => i.since === undefined || i.since <= i.asOf, {
      path: ['since'],
      error: 'since must not be after asOf',
    }),
  ),
  emits: [events.OverstayDetected],
  async decide(input, ports) {
    const raised = [];
    for (const pk of await ports.staysEnding(input.since ?? dayBefore(input.asOf), input.asOf)) {
      const overstay = detectOverstay(await ports.partition(pk), input.asOf);
      if (overstay) raised.push(event(events.OverstayDetected, overstay));
    }
    return raised;
  },
});

/** Patents' advance income tax: MCI a month (the Tax Code's base rate; regional coefficients are not modelled). */
export const PATENT_MCI_PER_MONTH = 2;
/** The citizens of the EAEU work in Kazakhstan without any permit (EAEU Treaty, art. 97). */
export const EAEU_MEMBERS: ReadonlySet<string> = new Set(['ARM', 'BLR', 'KGZ', 'RUS']);
/** From this day work for individuals needs Labour's permit, no longer the Interior's patent. */
export const PATENTS_END = '2022-01-01';

export const issuePatent = defineCommand({
  name: 'issue-patent',
  system: 'berkut',
  agency: 'interior',
  description:
    'Issue a labour immigrant who entered visa-free a patent to work for individuals, for the 1-12 months paid ' +
    'in advance (until 2022).',
  input: z.strictObject({
    person: PersonRef,
    holder: z.optional(Holder),
    patentNumber: events.WorkPatentIssued.data.shape.patentNumber,
    region: RegionCode,
    validFrom: IsoDate,
    paidMonths: events.WorkPatentIssued.data.shape.paidMonths,
  }),
  emits: [events.WorkPatentIssued],
  async decide(input, ports) {
    const citizenship = input.person.citizenship;
    if (!citizenship)
      throw new Refusal(
        'not-a-foreigner',
        'a patent is issued to a foreigner, identified by citizenship and document number',
        422,
        'person',
      );
    if (input.validFrom >= PATENTS_END)
      throw new Refusal(
        'patents-ended',
        `from ${PATENTS_END} work for individuals needs a Labour permit (issue-work-permit, kind individual)`,
        422,
        'validFrom',
      );
    if (EAEU_MEMBERS.has(citizenship))
      throw new Refusal('eaeu-citizen', `citizens of ${citizenship} (EAEU) work without a patent`, 422, 'person');
    if (visaRequired(citizenship))
      throw new Refusal(
        'visa-national',
        `a patent is for foreigners who enter visa-free; citizens of ${citizenship} need a work visa and an LEA permit`,
        422,
        'person',
      );
    if (input.holder && addYears(input.holder.birthDate, 18) > input.validFrom) {
      throw new Refusal(
        'under-age',
        `a labour immigrant must be 18 or older; born ${input.holder.birthDate}`,
        422,
        'holder.birthDate',
      );
    }
    const records = await ports.personRecords(input.person);
    refuseIfBanned(records, input.validFrom);
    if (ofKind(records, 'patent').some((p) => p.state.patentNumber === input.patentNumber)) {
      throw new Refusal('patent-number-taken', `patent ${input.patentNumber} already exists`, 409, 'patentNumber');
    }
    const validUntil = addMonths(input.validFrom, input.paidMonths);
    const feeMci = PATENT_MCI_PER_MONTH * input.paidMonths;
    return [event(events.WorkPatentIssued, { ...input, validUntil, feeMci })];
  },
});

export const BERKUT_COMMANDS: readonly CommandDefinition[] = [
  issueVisa,
  revokeVisa,
  recordCrossing,
  denyEntry,
  registerStay,
  recordOffence,
  orderDeportation,
  issueResidencePermit,
  grantCitizenship,
  runOverstayCheck,
  issuePatent,
] as unknown as CommandDefinition[];
