/**
 * A year of officials' commands, calibrated to the seed's figures
 * (calibration.ts), as a pure function of (year, scale, seed). The plan is a
 * set of per-person scripts in time order plus the setup (quotas); the runner
 * sends it through the command APIs.
 */
import { withCheckDigit } from '../../schemas/reference/identity-numbers.ts';
import { visaRequired } from '../../schemas/reference/visa-regime.ts';
import type { SystemName } from '../../functions/domain/views.ts';
import type { Ministry } from '../topology.ts';
import { ASSUMPTIONS, SEED_2021 } from './calibration.ts';
import { addDays, apportion, Random } from './random.ts';

export interface PlannedCommand {
  readonly system: SystemName;
  readonly agency: Ministry;
  readonly command: string;
  readonly input: Record<string, unknown>;
  /** When the act happens (the events' occurredAt). */
  readonly occurredAt: string;
}

export interface Targets {
  readonly qandasGranted: number;
  readonly qandasByOrigin: Record<string, number>;
  readonly qandasBySettlementRegion: Record<string, number>;
  readonly qandasQuota: number;
  readonly qandasGrantedInQuota: number;
  readonly leaActiveOn: string;
  readonly leaActive: number;
  readonly leaActiveByCountry: Record<string, number>;
  readonly offences: number;
  readonly deportations: number;
}

export interface SimulationPlan {
  readonly year: number;
  readonly scale: number;
  readonly seed: number;
  readonly setup: PlannedCommand[];
  readonly scripts: PlannedCommand[][];
  /** Days on which the Interior's scheduled overstay check runs. */
  readonly overstayChecks: string[];
  readonly targets: Targets;
}

const SURNAMES = ['NURLANOV', 'SADYKOV', 'IBRAGIMOV', 'KARIMOV', 'ZHUMABAEV', 'WANG', 'LI', 'SMITH', 'YILMAZ', 'SHARMA', 'IVANOV', 'KIM', 'MUELLER', 'ROSSI'];
const GIVEN = ['AIBEK', 'DANIYAR', 'ALISHER', 'MADINA', 'AIGERIM', 'WEI', 'JOHN', 'MEHMET', 'RAHUL', 'OLGA', 'MIN', 'ANNA', 'MARCO', 'ZARINA'];

const CHECKPOINTS: Readonly<Record<string, string>> = {
  UZB: 'KZ-ZHIBEKZHOLY-ROAD', TJK: 'KZ-ZHIBEKZHOLY-ROAD', TKM: 'KZ-TEMIRBABA-ROAD', KGZ: 'KZ-KORDAI-ROAD', CHN: 'KZ-KHORGOS-ROAD',
  RUS: 'KZ-PETROPAVL-RAIL', MNG: 'KZ-ALA-AIR', AZE: 'KZ-AKTAU-SEA',
};
const checkpointFor = (citizenship: string, random: Random) => CHECKPOINTS[citizenship] ?? random.pick(['KZ-ALA-AIR', 'KZ-NQZ-AIR']);

function scaled<K extends string>(shares: Readonly<Record<K, number>>, scale: number): Record<K, number> {
  const total = Math.round((Object.values(shares) as number[]).reduce((a, b) => a + b, 0) * scale);
  return apportion(total, shares);
}

/** Expands `{ key: count }` into a list of keys, shuffled deterministically. */
function deal<K extends string>(counts: Readonly<Record<K, number>>, random: Random): K[] {
  const list: K[] = [];
  for (const [key, count] of Object.entries(counts) as [K, number][]) for (let i = 0; i < count; i++) list.push(key);
  for (let i = list.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

class Identities {
  private serial = 0;
  private iinSerial = 0;
  constructor(private readonly random: Random) {}

  document(citizenship: string): { citizenship: string; documentNumber: string } {
    this.serial += 1;
    return { citizenship, documentNumber: `${citizenship.slice(0, 2)}${String(this.serial).padStart(8, '0')}` };
  }

  holder(): { surname: string; givenNames: string; birthDate: string; sex: 'F' | 'M' } {
    return { surname: this.random.pick(SURNAMES), givenNames: this.random.pick(GIVEN), birthDate: this.random.dayBetween('1960-01-01', '2001-12-31'), sex: this.random.chance(0.5) ? 'F' : 'M' };
  }

  /** An IIN for a birth date: YYMMDD, century-and-sex digit, serial, check digit. */
  iin(birthDate: string, sex: 'F' | 'M'): string {
    const century = Number(birthDate.slice(0, 2)) >= 20 ? (sex === 'M' ? 5 : 6) : sex === 'M' ? 3 : 4;
    for (;;) {
      this.iinSerial += 1;
      const iin = withCheckDigit(`${birthDate.slice(2, 4)}${birthDate.slice(5, 7)}${birthDate.slice(8, 10)}${century}${String(this.iinSerial % 10_000).padStart(4, '0')}`);
      if (iin) return iin;
    }
  }

  bin(index: number): string {
    for (let n = index * 7; ; n++) {
      const bin = withCheckDigit(`0${String(100_000_000 + n).slice(-9)}4`.slice(0, 4) + `40${String(n).padStart(5, '0')}`);
      if (bin) return bin;
    }
  }
}

export function planYear(year: number, scale: number, seed: number): SimulationPlan {
  if (year !== 2021) throw new Error(`only 2021 is calibrated (the seed's figures are for 2021), got ${year}`);
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be in (0, 1], got ${scale}`);
  const random = new Random(seed);
  const ids = new Identities(random);
  const y = String(year);
  const setup: PlannedCommand[] = [];
  const scripts: PlannedCommand[][] = [];
  const cmd = (system: SystemName, agency: Ministry, command: string, occurredAt: string, input: Record<string, unknown>): PlannedCommand => ({
    system,
    agency,
    command,
    input,
    occurredAt: occurredAt.length === 10 ? `${occurredAt}T09:00:00Z` : occurredAt,
  });
  let visaSerial = 0;
  const visaNumber = () => `KZ${String(++visaSerial).padStart(7, '0')}`;
  const entry = (person: { citizenship: string; documentNumber: string }, at: string, visa?: string) =>
    cmd('berkut', 'border-service', 'record-crossing', at, { person, direction: 'entry', checkpoint: checkpointFor(person.citizenship, random), crossedAt: at, ...(visa ? { visaNumber: visa } : {}) });
  const exit = (person: { citizenship: string; documentNumber: string }, at: string) =>
    cmd('berkut', 'border-service', 'record-crossing', at, { person, direction: 'exit', checkpoint: checkpointFor(person.citizenship, random), crossedAt: at });

  // Qandas quotas: 2021's set in January, 2022's announced in December.
  const quota2021 = scaled(ASSUMPTIONS.qandasQuotaSplit2021, scale);
  for (const [region, quota] of Object.entries(quota2021)) setup.push(cmd('qandas', 'labour', 'set-qandas-quota', `${y}-01-05`, { year, region, quota }));
  for (const [region, quota] of Object.entries(scaled(ASSUMPTIONS.qandasQuotaSplit2022, scale))) setup.push(cmd('qandas', 'labour', 'set-qandas-quota', `${y}-12-20`, { year: year + 1, region, quota }));

  // Qandas: origins and settlements dealt exactly, then each family's path.
  const granted = Math.round(SEED_2021.qandasGranted * scale);
  const inQuotaTotal = Object.values(quota2021).reduce((a, b) => a + b, 0);
  const originCounts = apportion(granted, SEED_2021.qandasOrigin);
  const otherOrigins = apportion(originCounts.OTHER, ASSUMPTIONS.qandasOtherOrigins);
  const { OTHER: _other, ...namedOrigins } = originCounts;
  const origins = deal({ ...namedOrigins, ...otherOrigins } as Record<string, number>, random);
  const named = apportion(granted, { ...SEED_2021.qandasSettlement, REST: 100 - 78.8 });
  const restOthers = apportion(named.REST - inQuotaTotal, ASSUMPTIONS.qandasOtherSettlement);
  const { REST: _rest, ...namedSettlement } = named;
  const settlements = deal({ ...namedSettlement, ...quota2021, ...restOthers } as Record<string, number>, random);
  const qandasByOrigin: Record<string, number> = {};
  const qandasBySettlementRegion: Record<string, number> = {};
  for (let i = 0; i < granted; i++) {
    const origin = origins[i]!;
    const region = settlements[i]!;
    qandasByOrigin[origin] = (qandasByOrigin[origin] ?? 0) + 1;
    qandasBySettlementRegion[region] = (qandasBySettlementRegion[region] ?? 0) + 1;
    const person = ids.document(origin);
    const holder = ids.holder();
    const grantedOn = random.dayBetween(`${y}-01-10`, `${y}-12-20`);
    const arrived = addDays(grantedOn, -random.int(5, 40));
    const script: PlannedCommand[] = [];
    let visa: string | undefined;
    if (visaRequired(origin)) {
      visa = visaNumber();
      script.push(cmd('berkut', 'foreign-affairs', 'issue-visa', addDays(arrived, -20), { person, holder, visaNumber: visa, visaType: 'ethnic-kazakh', entries: 'single', validFrom: addDays(arrived, -20), validUntil: addDays(arrived, 70), issuedIn: origin }));
    }
    script.push(entry(person, random.time(arrived), visa));
    const familyMembers = random.int(1, 6);
    const qandasId = `Q-${y}-${String(i + 1).padStart(6, '0')}`;
    script.push(cmd('qandas', 'labour', 'grant-qandas-status', grantedOn, { person, holder, qandasId, grantedOn, originCountry: origin, settlementRegion: region, familyMembers }));
    if (region in quota2021) {
      script.push(cmd('qandas', 'labour', 'pay-subsidy', addDays(grantedOn, 7), { person, qandasId, kind: 'relocation', paidOn: addDays(grantedOn, 7) }));
      const rentMci = random.int(15, 30);
      for (let m = Number(grantedOn.slice(5, 7)) + 1; m <= 12; m++) {
        const period = `${y}-${String(m).padStart(2, '0')}`;
        script.push(cmd('qandas', 'labour', 'pay-subsidy', `${period}-05`, { person, qandasId, kind: 'rent', period, paidOn: `${period}-05`, rentMci }));
      }
    }
    const citizenshipOn = addDays(grantedOn, random.int(100, 160));
    if (citizenshipOn <= `${y}-12-31` && random.chance(ASSUMPTIONS.qandasCitizenshipShare)) {
      script.push(cmd('berkut', 'interior', 'grant-citizenship', citizenshipOn, { person, iin: ids.iin(holder.birthDate, holder.sex), grantedOn: citizenshipOn, procedure: 'simplified-qandas', decreeNumber: `D-${y}-${i + 1}` }));
    }
    scripts.push(script);
  }

  // LEA permits: the counted workforce on 1 December, plus permits that do not count then.
  const leaByCountry = { ...SEED_2021.leaByCountry, ...ASSUMPTIONS.leaOtherCountries };
  const leaCounts = scaled(leaByCountry, scale);
  const leaCountries = deal(leaCounts as Record<string, number>, random);
  const expiredCountries = deal(scaled({ CHN: 40, TUR: 30, IND: 30 }, (ASSUMPTIONS.leaExpiredBeforeDecember / 100) * scale), random);
  const revokedCountries = deal(scaled({ CHN: 60, IND: 40 }, (ASSUMPTIONS.leaRevokedWithVisa / 100) * scale), random);
  const permitPlans = [
    ...leaCountries.map((c) => ({ citizenship: c, fate: 'counted' as const })),
    ...expiredCountries.map((c) => ({ citizenship: c, fate: 'expired' as const })),
    ...revokedCountries.map((c) => ({ citizenship: c, fate: 'visa-revoked' as const })),
  ];
  const regions = deal(apportion(permitPlans.length, ASSUMPTIONS.leaRegions), random);
  const categories = deal(apportion(permitPlans.length, ASSUMPTIONS.leaCategories), random);
  const quotaNeed: Record<string, number> = {};
  let permitSerial = 0;
  const permitNumber = (region: string) => `WP-${region.slice(3)}-${y}-${String(++permitSerial).padStart(6, '0')}`;
  const EAEU = new Set(['RUS', 'KGZ', 'BLR', 'ARM']);
  permitPlans.forEach((plan, i) => {
    const person = ids.document(plan.citizenship);
    const holder = ids.holder();
    const region = regions[i]!;
    const category = categories[i]!;
    quotaNeed[`${region}#${category}`] = (quotaNeed[`${region}#${category}`] ?? 0) + 1;
    // Revoked permits start early enough that the revocation (October-November) always comes after them.
    const latestStart = plan.fate === 'expired' ? `${y}-03-31` : plan.fate === 'visa-revoked' ? `${y}-09-15` : `${y}-11-20`;
    const validFrom = random.dayBetween(`${y}-01-15`, latestStart);
    const validUntil = plan.fate === 'expired' ? addDays(validFrom, 150) : addDays(validFrom, 364);
    const arrive = addDays(validFrom, -random.int(3, 14));
    const script: PlannedCommand[] = [];
    let visa: string | undefined;
    if (!EAEU.has(plan.citizenship)) {
      visa = visaNumber();
      script.push(cmd('berkut', 'foreign-affairs', 'issue-visa', addDays(arrive, -15), { person, holder, visaNumber: visa, visaType: 'work', entries: 'multiple', validFrom: addDays(arrive, -15), validUntil: addDays(validUntil, 30), issuedIn: plan.citizenship }));
    }
    script.push(entry(person, random.time(arrive), visa));
    script.push(cmd('berkut', 'interior', 'register-stay', addDays(arrive, 2), { person, registrationNumber: `R-${region.slice(3)}-${y}-${String(i + 1).padStart(7, '0')}`, region, validFrom: addDays(arrive, 2), validUntil, purpose: 'work' }));
    const number = permitNumber(region);
    script.push(cmd('foreign-labour', 'labour', 'issue-work-permit', validFrom, { person, holder, permitNumber: number, kind: 'lea-employer', employerBin: ids.bin(i % 200), category, region, occupation: 'Engineer', validFrom, validUntil }));
    if (plan.fate === 'visa-revoked') {
      const on = random.dayBetween(`${y}-10-01`, `${y}-11-25`);
      script.push(cmd('berkut', 'foreign-affairs', 'revoke-visa', on, { person, visaNumber: visa!, revokedOn: on, reason: 'purpose-changed' }));
    } else if (plan.fate === 'counted' && validFrom < `${y}-11-01` && random.chance(ASSUMPTIONS.leaExtensionShare)) {
      script.push(cmd('foreign-labour', 'labour', 'extend-work-permit', `${y}-11-15`, { person, permitNumber: number, extendedOn: `${y}-11-15`, validUntil: addDays(validUntil, 365) }));
    }
    scripts.push(script);
  });
  for (const [key, need] of Object.entries(quotaNeed)) {
    const [region, category] = key.split('#');
    setup.push(cmd('foreign-labour', 'labour', 'set-labour-quota', `${y}-01-05`, { year, region, category, quota: Math.ceil(need * 1.1) + 5 }));
  }

  // Offenders: mostly labour migrants from CIS countries; some are deported, some of those come back and are refused.
  const offences = Math.round(SEED_2021.offences * scale);
  const deportations = Math.round(SEED_2021.deportations * scale);
  const offenders = Math.round(offences / (1 + ASSUMPTIONS.repeatOffenceShare));
  const offenderCountries = deal(apportion(offenders, ASSUMPTIONS.offenderCitizenship), random);
  const individualPermits = Math.round(ASSUMPTIONS.individualPermits * scale);
  const returningDeportees = Math.round(ASSUMPTIONS.entryDenialsOfDeportees * scale);
  let offenceSerial = 0;
  let deported = 0;
  let returning = 0;
  for (let i = 0; i < offenders; i++) {
    const citizenship = offenderCountries[i]!;
    const person = ids.document(citizenship);
    const arrived = random.dayBetween(`${y}-01-02`, `${y}-10-31`);
    const region = random.pick(['KZ-75', 'KZ-71', 'KZ-79', 'KZ-19', 'KZ-35', 'KZ-61', 'KZ-23']);
    const script: PlannedCommand[] = [];
    let visa: string | undefined;
    if (visaRequired(citizenship)) {
      visa = visaNumber();
      script.push(cmd('berkut', 'foreign-affairs', 'issue-visa', addDays(arrived, -10), { person, holder: ids.holder(), visaNumber: visa, visaType: 'private', entries: 'single', validFrom: addDays(arrived, -10), validUntil: addDays(arrived, 80), issuedIn: citizenship }));
    }
    script.push(entry(person, random.time(arrived), visa));
    if (random.chance(0.6)) {
      script.push(cmd('berkut', 'interior', 'register-stay', addDays(arrived, 3), { person, registrationNumber: `RS-${y}-${String(i + 1).padStart(7, '0')}`, region, validFrom: addDays(arrived, 3), validUntil: addDays(arrived, 90), purpose: 'work' }));
    }
    const hasPermit = i < individualPermits && !visaRequired(citizenship);
    if (hasPermit) {
      const from = addDays(arrived, 5);
      script.push(cmd('foreign-labour', 'labour', 'issue-work-permit', from, { person, permitNumber: permitNumber(region), kind: 'individual', category: '4', region, occupation: 'Household worker', validFrom: from, validUntil: addDays(from, 180) }));
    }
    const count = offences - offenders > i ? 2 : 1;
    let lastOffence = arrived;
    for (let k = 0; k < count; k++) {
      lastOffence = addDays(lastOffence, random.int(10, 30));
      const article = random.pick(['517', '517', '517', '519', '518']);
      script.push(cmd('berkut', 'interior', 'record-offence', lastOffence, { person, offenceId: `AO-${y}-${String(++offenceSerial).padStart(7, '0')}`, article, region, committedOn: lastOffence, penalty: { kind: 'fine', fineMci: random.pick([10, 15, 20]) } }));
    }
    // Deportees are spread over the offenders so that some hold permits (the exchange revokes them).
    if (deported < deportations && i % Math.max(1, Math.floor(offenders / deportations)) === 0) {
      deported += 1;
      // Ordered within the year, so the year's figure holds every planned deportation.
      const orderedOn = [addDays(lastOffence, random.int(3, 15)), `${y}-12-31`].sort()[0]!;
      script.push(cmd('berkut', 'interior', 'order-deportation', orderedOn, { person, orderNumber: `DO-${y}-${String(deported).padStart(6, '0')}`, orderedOn, region, basis: 'court-expulsion' }));
      script.push(exit(person, random.time(addDays(orderedOn, 2))));
      if (returning < returningDeportees && addDays(orderedOn, 40) < `${y}-12-28`) {
        returning += 1;
        const at = random.time(addDays(orderedOn, random.int(30, 40)));
        script.push(cmd('berkut', 'border-service', 'deny-entry', at, { person, checkpoint: checkpointFor(citizenship, random), deniedAt: at, reason: 'entry-ban' }));
      }
    }
    scripts.push(script);
  }

  // Visitors: visas where required, a stay, and a way home; some overstay, some are refused, some lose their visa.
  const visitors = Math.round(ASSUMPTIONS.visitors * scale);
  const visitorCountries = deal(apportion(visitors, ASSUMPTIONS.visitorCitizenship), random);
  const overstayers = Math.round(ASSUMPTIONS.overstayers * scale);
  const denials = Math.round(ASSUMPTIONS.entryDenialsWithoutVisa * scale);
  const revocations = Math.round(ASSUMPTIONS.visitorVisaRevocations * scale);
  let overstaying = 0;
  let denied = 0;
  let revoked = 0;
  for (let i = 0; i < visitors; i++) {
    const citizenship = visitorCountries[i]!;
    const person = ids.document(citizenship);
    const arrived = random.dayBetween(`${y}-01-02`, `${y}-11-30`);
    const script: PlannedCommand[] = [];
    const needsVisa = visaRequired(citizenship);
    if (needsVisa && denied < denials && i % 7 === 3) {
      denied += 1;
      const at = random.time(arrived);
      script.push(cmd('berkut', 'border-service', 'deny-entry', at, { person, checkpoint: checkpointFor(citizenship, random), deniedAt: at, reason: 'no-valid-visa' }));
      scripts.push(script);
      continue;
    }
    let visa: string | undefined;
    if (needsVisa) {
      visa = visaNumber();
      script.push(cmd('berkut', 'foreign-affairs', 'issue-visa', addDays(arrived, -12), { person, holder: ids.holder(), visaNumber: visa, visaType: random.pick(['tourist', 'business', 'private']), entries: 'single', validFrom: addDays(arrived, -12), validUntil: addDays(arrived, 30), issuedIn: citizenship }));
    }
    script.push(entry(person, random.time(arrived), visa));
    if (needsVisa && overstaying < overstayers && i % 11 === 5) {
      overstaying += 1; // never leaves: the scheduled check finds them
    } else if (needsVisa && revoked < revocations && i % 13 === 7) {
      revoked += 1;
      const on = addDays(arrived, 5);
      script.push(cmd('berkut', 'foreign-affairs', 'revoke-visa', on, { person, visaNumber: visa!, revokedOn: on, reason: 'false-information' }));
      script.push(exit(person, random.time(addDays(arrived, 7))));
    } else {
      script.push(exit(person, random.time(addDays(arrived, random.int(3, 25)))));
    }
    scripts.push(script);
  }

  return {
    year,
    scale,
    seed,
    setup,
    scripts,
    overstayChecks: [`${y}-03-31`, `${y}-06-30`, `${y}-09-30`, `${y}-12-31`],
    targets: {
      qandasGranted: granted,
      qandasByOrigin,
      qandasBySettlementRegion,
      qandasQuota: inQuotaTotal,
      qandasGrantedInQuota: inQuotaTotal,
      leaActiveOn: SEED_2021.leaActiveOn,
      leaActive: leaCountries.length,
      leaActiveByCountry: leaCounts as Record<string, number>,
      offences,
      deportations,
    },
  };
}
