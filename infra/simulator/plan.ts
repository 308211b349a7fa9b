/**
 * A year of officials' commands, calibrated to the seed's figures
 * (calibration.ts), as a pure function of (year, scale, seed). The plan is a
 * set of per-person scripts in time order plus the setup (quotas); the runner
 * sends it through the command APIs. Its targets are the figures the views
 * must then show, counted from the plan itself.
 */

import type { SystemName } from '../../functions/domain/views.ts';
import { addMonths } from '../../schemas/events/interior.ts';
import { withCheckDigit } from '../../schemas/reference/identity-numbers.ts';
import { visaRequired } from '../../schemas/reference/visa-regime.ts';
import type { Ministry } from '../topology.ts';
import { ASSUMPTIONS, SEED_2021 } from './calibration.ts';
import { DocumentNumbers, holderFor, leaWorkerAges, qandasHolder } from './people.ts';
import { addDays, apportion, Random } from './random.ts';

export interface PlannedCommand {
  readonly system: SystemName;
  readonly agency: Ministry;
  readonly command: string;
  readonly input: Record<string, unknown>;
  /** When the act happens (the events' occurredAt). */
  readonly occurredAt: string;
}

export type ContradictionRule = keyof typeof ASSUMPTIONS.inconsistencies;

export interface Targets {
  readonly qandasGranted: number;
  readonly qandasByOrigin: Record<string, number>;
  readonly qandasBySettlementRegion: Record<string, number>;
  /** The 2021 quota as set, in people (the views' `quota`). */
  readonly qandasQuota: number;
  readonly qandasQuotaPeople: number;
  /** Statuses (families) granted within the quota. */
  readonly qandasGrantedInQuota: number;
  /** People in those families: the quota's places used. */
  readonly qandasPeopleInQuota: number;
  readonly leaActiveOn: string;
  readonly leaActive: number;
  readonly leaActiveByCountry: Record<string, number>;
  /** Distinct people held administratively responsible in the year. */
  readonly offenders: number;
  readonly offences: number;
  readonly deportations: number;
  /** OverstayDetected raised in the year (each for a different person). */
  readonly overstays: number;
  /** Border crossings in the year. */
  readonly crossings: { readonly entry: number; readonly exit: number };
  readonly patentsIssued: number;
  readonly patentsActiveOn: { readonly on: string; readonly active: number };
  /** What `mx contradictions --as-of <on>` finds, by rule. */
  readonly contradictions: { readonly on: string; readonly byRule: Readonly<Record<ContradictionRule, number>> };
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

type Person = { citizenship: string; documentNumber: string };

const CHECKPOINTS: Readonly<Record<string, string>> = {
  UZB: 'KZ-ZHIBEKZHOLY-ROAD',
  TJK: 'KZ-ZHIBEKZHOLY-ROAD',
  TKM: 'KZ-TEMIRBABA-ROAD',
  KGZ: 'KZ-KORDAI-ROAD',
  CHN: 'KZ-KHORGOS-ROAD',
  RUS: 'KZ-PETROPAVL-RAIL',
  MNG: 'KZ-ALA-AIR',
  AZE: 'KZ-AKTAU-SEA',
};
const checkpointFor = (citizenship: string, random: Random) =>
  CHECKPOINTS[citizenship] ?? random.pick(['KZ-ALA-AIR', 'KZ-NQZ-AIR']);

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

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
const earlier = (a: string, b: string) => (a < b ? a : b);
const later = (a: string, b: string) => (a > b ? a : b);

class Identities {
  private iinSerial = 0;

  /** An IIN for a birth date: YYMMDD, century-and-sex digit, serial, check digit. */
  iin(birthDate: string, sex: 'F' | 'M'): string {
    const century = Number(birthDate.slice(0, 2)) >= 20 ? (sex === 'M' ? 5 : 6) : sex === 'M' ? 3 : 4;
    for (;;) {
      this.iinSerial += 1;
      const iin = withCheckDigit(
        `${birthDate.slice(2, 4)}${birthDate.slice(5, 7)}${birthDate.slice(8, 10)}${century}` +
          `${String(this.iinSerial % 10_000).padStart(4, '0')}`,
      );
      if (iin) return iin;
    }
  }

  bin(index: number): string {
    for (let n = index * 7; ; n++) {
      const head = `0${String(100_000_000 + n).slice(-9)}4`.slice(0, 4);
      const bin = withCheckDigit(`${head}40${String(n).padStart(5, '0')}`);
      if (bin) return bin;
    }
  }
}

/** What becomes of an LEA permit in the year (see calibration.ts for the three inconsistencies). */
type LeaFate = 'counted' | 'expired' | 'visa-revoked' | 'business-visa' | 'deported-first' | 'stale-visa';

export function planYear(year: number, scale: number, seed: number): SimulationPlan {
  if (year !== 2021) throw new Error(`only 2021 is calibrated (the seed's figures are for 2021), got ${year}`);
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be in (0, 1], got ${scale}`);
  const random = new Random(seed);
  const ids = new Identities();
  const documents = new DocumentNumbers(random);
  const y = String(year);
  const yearEnd = `${y}-12-31`;
  const contradictionsOn = SEED_2021.leaActiveOn;
  const setup: PlannedCommand[] = [];
  const scripts: PlannedCommand[][] = [];
  const cmd = (
    system: SystemName,
    agency: Ministry,
    command: string,
    occurredAt: string,
    input: Record<string, unknown>,
  ): PlannedCommand => ({
    system,
    agency,
    command,
    input,
    occurredAt: occurredAt.length === 10 ? `${occurredAt}T09:00:00Z` : occurredAt,
  });
  const personOf = (citizenship: string): Person => ({ citizenship, documentNumber: documents.next(citizenship) });
  let visaSerial = 0;
  const visaNumber = () => `KZ${String(++visaSerial).padStart(7, '0')}`;
  const entry = (person: Person, at: string, visa?: string) =>
    cmd('berkut', 'border-service', 'record-crossing', at, {
      person,
      direction: 'entry',
      checkpoint: checkpointFor(person.citizenship, random),
      crossedAt: at,
      ...(visa ? { visaNumber: visa } : {}),
    });
  const exit = (person: Person, day: string) => {
    const at = random.time(day);
    return cmd('berkut', 'border-service', 'record-crossing', at, {
      person,
      direction: 'exit',
      checkpoint: checkpointFor(person.citizenship, random),
      crossedAt: at,
    });
  };
  let offenceSerial = 0;
  const offence = (
    person: Person,
    on: string,
    region: string,
    penalty: Record<string, unknown> = { kind: 'fine', fineMci: random.pick([10, 15, 20]) },
  ) =>
    cmd('berkut', 'interior', 'record-offence', on, {
      person,
      offenceId: `AO-${y}-${String(++offenceSerial).padStart(7, '0')}`,
      article: random.pick(['517', '517', '517', '519', '518']),
      region,
      committedOn: on,
      penalty,
    });
  let deportationSerial = 0;
  const deportation = (person: Person, on: string, region: string) =>
    cmd('berkut', 'interior', 'order-deportation', on, {
      person,
      orderNumber: `DO-${y}-${String(++deportationSerial).padStart(6, '0')}`,
      orderedOn: on,
      region,
      basis: 'court-expulsion',
    });

  // Qandas quotas (people): 2021's set in January, 2022's announced in December.
  const quota2021 = scaled(ASSUMPTIONS.qandasQuotaSplit2021, scale);
  for (const [region, quota] of Object.entries(quota2021))
    setup.push(cmd('qandas', 'labour', 'set-qandas-quota', `${y}-01-05`, { year, region, quota }));
  for (const [region, quota] of Object.entries(scaled(ASSUMPTIONS.qandasQuotaSplit2022, scale)))
    setup.push(cmd('qandas', 'labour', 'set-qandas-quota', `${y}-12-20`, { year: year + 1, region, quota }));

  // Qandas: each quota region takes families until its places are used (the last family
  // is as large as the places left).
  const [smallestFamily, largestFamily] = ASSUMPTIONS.qandasFamilySize;
  const quotaFamilies: Record<string, number[]> = {};
  for (const [region, places] of Object.entries(quota2021)) {
    const sizes: number[] = [];
    for (let left = places; left > 0; left -= sizes.at(-1)!)
      sizes.push(Math.min(random.int(smallestFamily, largestFamily), left));
    quotaFamilies[region] = sizes;
  }
  const familiesInQuota = sum(Object.values(quotaFamilies).map((f) => f.length));
  const peopleInQuota = sum(Object.values(quota2021));

  // Qandas: origins and settlements dealt exactly, then each family's path.
  const granted = Math.round(SEED_2021.qandasGranted * scale);
  const originCounts = apportion(granted, SEED_2021.qandasOrigin);
  const otherOrigins = apportion(originCounts.OTHER, ASSUMPTIONS.qandasOtherOrigins);
  const { OTHER: _other, ...namedOrigins } = originCounts;
  const origins = deal({ ...namedOrigins, ...otherOrigins } as Record<string, number>, random);
  const named = apportion(granted, { ...SEED_2021.qandasSettlement, REST: 100 - 78.8 });
  const restOthers = apportion(named.REST - familiesInQuota, ASSUMPTIONS.qandasOtherSettlement);
  const { REST: _rest, ...namedSettlement } = named;
  const quotaSettlement = Object.fromEntries(
    Object.entries(quotaFamilies).map(([region, sizes]) => [region, sizes.length]),
  );
  const settlements = deal({ ...namedSettlement, ...quotaSettlement, ...restOthers } as Record<string, number>, random);
  const qandasByOrigin: Record<string, number> = {};
  const qandasBySettlementRegion: Record<string, number> = {};
  for (let i = 0; i < granted; i++) {
    const origin = origins[i]!;
    const region = settlements[i]!;
    qandasByOrigin[origin] = (qandasByOrigin[origin] ?? 0) + 1;
    qandasBySettlementRegion[region] = (qandasBySettlementRegion[region] ?? 0) + 1;
    const person = personOf(origin);
    const holder = qandasHolder(origin, random, year);
    const grantedOn = random.dayBetween(`${y}-01-10`, `${y}-12-20`);
    const arrived = addDays(grantedOn, -random.int(5, 40));
    const script: PlannedCommand[] = [];
    let visa: string | undefined;
    if (visaRequired(origin)) {
      visa = visaNumber();
      script.push(
        cmd('berkut', 'foreign-affairs', 'issue-visa', addDays(arrived, -20), {
          person,
          holder,
          visaNumber: visa,
          visaType: 'ethnic-kazakh',
          entries: 'single',
          validFrom: addDays(arrived, -20),
          validUntil: addDays(arrived, 70),
          issuedIn: origin,
        }),
      );
    }
    script.push(entry(person, random.time(arrived), visa));
    const familyMembers = quotaFamilies[region]?.pop() ?? random.int(smallestFamily, largestFamily);
    const qandasId = `Q-${y}-${String(i + 1).padStart(6, '0')}`;
    script.push(
      cmd('qandas', 'labour', 'grant-qandas-status', grantedOn, {
        person,
        holder,
        qandasId,
        grantedOn,
        originCountry: origin,
        settlementRegion: region,
        familyMembers,
      }),
    );
    if (region in quota2021) {
      script.push(
        cmd('qandas', 'labour', 'pay-subsidy', addDays(grantedOn, 7), {
          person,
          qandasId,
          kind: 'relocation',
          paidOn: addDays(grantedOn, 7),
        }),
      );
      const rentMci = random.int(15, 30);
      for (let m = Number(grantedOn.slice(5, 7)) + 1; m <= 12; m++) {
        const period = `${y}-${String(m).padStart(2, '0')}`;
        script.push(
          cmd('qandas', 'labour', 'pay-subsidy', `${period}-05`, {
            person,
            qandasId,
            kind: 'rent',
            period,
            paidOn: `${period}-05`,
            rentMci,
          }),
        );
      }
    }
    const citizenshipOn = addDays(grantedOn, random.int(100, 160));
    if (citizenshipOn <= yearEnd && random.chance(ASSUMPTIONS.qandasCitizenshipShare)) {
      script.push(
        cmd('berkut', 'interior', 'grant-citizenship', citizenshipOn, {
          person,
          iin: ids.iin(holder.birthDate, holder.sex),
          grantedOn: citizenshipOn,
          procedure: 'simplified-qandas',
          decreeNumber: `D-${y}-${i + 1}`,
        }),
      );
    }
    scripts.push(script);
  }

  // LEA permits: the counted workforce on 1 December (a few of them with inconsistent records), plus
  // permits that do not count then.
  const atLeastOne = (n: number) => Math.max(1, Math.round(n * scale));
  const offendersTotal = Math.round(SEED_2021.offenders * scale);
  const offencesTotal = offendersTotal + Math.round(offendersTotal * ASSUMPTIONS.repeatOffenceShare);
  const deportationsTotal = Math.round(SEED_2021.deportations * scale);
  const leaByCountry = { ...SEED_2021.leaByCountry, ...ASSUMPTIONS.leaOtherCountries };
  const leaCounts = scaled(leaByCountry, scale);
  const leaCountries = deal(leaCounts as Record<string, number>, random);
  const fates: LeaFate[] = leaCountries.map(() => 'counted');
  const assign = (fate: LeaFate, wanted: number, eligible: (citizenship: string) => boolean) => {
    let assigned = 0;
    for (let i = 0; i < fates.length && assigned < wanted; i++) {
      if (fates[i] === 'counted' && eligible(leaCountries[i]!)) {
        fates[i] = fate;
        assigned += 1;
      }
    }
    return assigned;
  };
  const withoutVisa: ReadonlySet<string> = new Set(ASSUMPTIONS.workersWithoutVisa);
  const contradictions: Record<ContradictionRule, number> = {
    'permit-after-visa-expired': assign(
      'business-visa',
      atLeastOne(ASSUMPTIONS.inconsistencies['permit-after-visa-expired']),
      visaRequired,
    ),
    'permit-after-visa-revoked': assign(
      'stale-visa',
      atLeastOne(ASSUMPTIONS.inconsistencies['permit-after-visa-revoked']),
      visaRequired,
    ),
    // Expelled workers are labour migrants like the other offenders: Uzbek where there are any.
    'permit-after-deportation': 0,
  };
  const expelledWanted = Math.min(
    atLeastOne(ASSUMPTIONS.inconsistencies['permit-after-deportation']),
    deportationsTotal,
    offendersTotal,
  );
  contradictions['permit-after-deportation'] = assign('deported-first', expelledWanted, (c) => c === 'UZB');
  contradictions['permit-after-deportation'] += assign(
    'deported-first',
    expelledWanted - contradictions['permit-after-deportation'],
    () => true,
  );
  const expiredCountries = deal(
    scaled({ CHN: 40, TUR: 30, IND: 30 }, (ASSUMPTIONS.leaExpiredBeforeDecember / 100) * scale),
    random,
  );
  const revokedCountries = deal(scaled({ CHN: 60, IND: 40 }, (ASSUMPTIONS.leaRevokedWithVisa / 100) * scale), random);
  const permitPlans = [
    ...leaCountries.map((c, i) => ({ citizenship: c, fate: fates[i]! })),
    ...expiredCountries.map((c) => ({ citizenship: c, fate: 'expired' as const })),
    ...revokedCountries.map((c) => ({ citizenship: c, fate: 'visa-revoked' as const })),
  ];
  const regions = deal(apportion(permitPlans.length, ASSUMPTIONS.leaRegions), random);
  const categories = deal(apportion(permitPlans.length, ASSUMPTIONS.leaCategories), random);
  const quotaNeed: Record<string, number> = {};
  let permitSerial = 0;
  const permitNumber = (region: string) => `WP-${region.slice(3)}-${y}-${String(++permitSerial).padStart(6, '0')}`;
  const LATEST_START: Readonly<Record<LeaFate, string>> = {
    counted: '11-20',
    'deported-first': '11-20',
    // Their permit ends before December.
    expired: '03-31',
    // The revocation (October-November) comes after the permit.
    'visa-revoked': '09-15',
    // The 90-day business visa has run out by 1 December.
    'business-visa': '09-01',
    // The first visa ends, and the second is issued, before the second's revocation in October.
    'stale-visa': '07-31',
  };
  permitPlans.forEach((plan, i) => {
    const { citizenship, fate } = plan;
    const person = personOf(citizenship);
    const region = regions[i]!;
    const category = categories[i]!;
    const holder = holderFor(citizenship, 'lea-worker', random, year, leaWorkerAges(category));
    quotaNeed[`${region}#${category}`] = (quotaNeed[`${region}#${category}`] ?? 0) + 1;
    const validFrom = random.dayBetween(
      `${y}-${fate === 'deported-first' ? '02-15' : '01-15'}`,
      `${y}-${LATEST_START[fate]}`,
    );
    const validUntil = fate === 'expired' ? addDays(validFrom, 150) : addDays(validFrom, 364);
    // A worker expelled before the permit came through arrived weeks earlier and started work at once.
    const arrive = addDays(validFrom, -(fate === 'deported-first' ? random.int(20, 40) : random.int(3, 14)));
    const script: PlannedCommand[] = [];
    const stay = (from: string, until: string, purpose: string) =>
      cmd('berkut', 'interior', 'register-stay', from, {
        person,
        registrationNumber: `R-${region.slice(3)}-${y}-${String(i + 1).padStart(7, '0')}`,
        region,
        validFrom: from,
        validUntil: until,
        purpose,
      });
    const issuePermit = (visa: string | undefined) =>
      cmd('foreign-labour', 'labour', 'issue-work-permit', validFrom, {
        person,
        holder,
        permitNumber: number,
        kind: 'lea-employer',
        employerBin: ids.bin(i % 200),
        category,
        region,
        occupation: 'Engineer',
        validFrom,
        validUntil,
        ...(visa ? { visaNumber: visa } : {}),
      });
    const number = permitNumber(region);
    if (fate === 'business-visa') {
      // Came on a 90-day business visa; the employer never applied for the work visa. The stay is
      // registered as far as the visa goes.
      const visa = visaNumber();
      const visaEnds = addDays(arrive, 80);
      script.push(
        cmd('berkut', 'foreign-affairs', 'issue-visa', addDays(arrive, -10), {
          person,
          holder,
          visaNumber: visa,
          visaType: 'business',
          entries: 'single',
          validFrom: addDays(arrive, -10),
          validUntil: visaEnds,
          issuedIn: citizenship,
        }),
      );
      script.push(
        entry(person, random.time(arrive), visa),
        stay(addDays(arrive, 2), visaEnds, 'business'),
        issuePermit(undefined),
      );
      scripts.push(script);
      return; // keeps working: the overstay check finds them
    }
    if (fate === 'stale-visa') {
      // Arrived on a single-entry work visa, which the permit names; the MFA then issued a multiple-entry one in the
      // country, and later revoked it.
      const first = visaNumber();
      const firstEnds = addDays(arrive, 60);
      const second = visaNumber();
      const secondFrom = addDays(firstEnds, -5);
      script.push(
        cmd('berkut', 'foreign-affairs', 'issue-visa', addDays(arrive, -15), {
          person,
          holder,
          visaNumber: first,
          visaType: 'work',
          entries: 'single',
          validFrom: addDays(arrive, -15),
          validUntil: firstEnds,
          issuedIn: citizenship,
        }),
      );
      script.push(
        entry(person, random.time(arrive), first),
        stay(addDays(arrive, 2), validUntil, 'work'),
        issuePermit(first),
      );
      script.push(
        cmd('berkut', 'foreign-affairs', 'issue-visa', secondFrom, {
          person,
          holder,
          visaNumber: second,
          visaType: 'work',
          entries: 'multiple',
          validFrom: secondFrom,
          validUntil: addDays(validUntil, 30),
          issuedIn: 'KAZ',
        }),
      );
      const revokedOn = random.dayBetween(later(`${y}-10-01`, addDays(secondFrom, 10)), `${y}-11-25`);
      script.push(
        cmd('berkut', 'foreign-affairs', 'revoke-visa', revokedOn, {
          person,
          visaNumber: second,
          revokedOn,
          reason: 'purpose-changed',
        }),
      );
      script.push(exit(person, addDays(revokedOn, random.int(3, 10))));
      scripts.push(script);
      return;
    }
    let visa: string | undefined;
    if (!withoutVisa.has(citizenship)) {
      visa = visaNumber();
      script.push(
        cmd('berkut', 'foreign-affairs', 'issue-visa', addDays(arrive, -15), {
          person,
          holder,
          visaNumber: visa,
          visaType: 'work',
          entries: 'multiple',
          validFrom: addDays(arrive, -15),
          validUntil: addDays(validUntil, 30),
          issuedIn: citizenship,
        }),
      );
    }
    script.push(entry(person, random.time(arrive), visa), stay(addDays(arrive, 2), validUntil, 'work'));
    if (fate === 'deported-first') {
      // Fined and expelled for working before the permit; the employer's permit is issued after the
      // order, and Labour does not know.
      const caught = addDays(arrive, random.int(5, 10));
      const orderedOn = addDays(caught, random.int(2, 5));
      script.push(
        offence(person, caught, region, { kind: 'expulsion' }),
        deportation(person, orderedOn, region),
        exit(person, addDays(orderedOn, 2)),
      );
    }
    script.push(issuePermit(visa));
    if (fate === 'visa-revoked') {
      const on = random.dayBetween(`${y}-10-01`, `${y}-11-25`);
      script.push(
        cmd('berkut', 'foreign-affairs', 'revoke-visa', on, {
          person,
          visaNumber: visa!,
          revokedOn: on,
          reason: 'purpose-changed',
        }),
      );
      script.push(exit(person, addDays(on, random.int(3, 10))));
    } else if (fate === 'expired') {
      script.push(exit(person, addDays(validUntil, -random.int(0, 5))));
    } else if (fate === 'counted' && validFrom < `${y}-11-01` && random.chance(ASSUMPTIONS.leaExtensionShare)) {
      script.push(
        cmd('foreign-labour', 'labour', 'extend-work-permit', `${y}-11-15`, {
          person,
          permitNumber: number,
          extendedOn: `${y}-11-15`,
          validUntil: addDays(validUntil, 365),
        }),
      );
    }
    scripts.push(script);
  });
  for (const [key, need] of Object.entries(quotaNeed)) {
    const [region, category] = key.split('#');
    setup.push(
      cmd('foreign-labour', 'labour', 'set-labour-quota', `${y}-01-05`, {
        year,
        region,
        category,
        quota: Math.ceil(need * 1.1) + 5,
      }),
    );
  }

  // Patents: labour immigrants from the CIS visa-free countries working for individuals, on
  // Interior patents (until 2022).
  const patents = Math.round(ASSUMPTIONS.patents * scale);
  const patentCountries = deal(apportion(patents, ASSUMPTIONS.patentCitizenship), random);
  const patentMonths = deal(apportion(patents, ASSUMPTIONS.patentMonths), random);
  const patentRegions = deal(apportion(patents, ASSUMPTIONS.patentRegions), random);
  let patentsActive = 0;
  for (let i = 0; i < patents; i++) {
    const citizenship = patentCountries[i]!;
    const person = personOf(citizenship);
    const region = patentRegions[i]!;
    const arrived = random.dayBetween(`${y}-01-05`, `${y}-11-20`);
    const validFrom = addDays(arrived, random.int(3, 10));
    const paidMonths = Number(patentMonths[i]!);
    const validUntil = addMonths(validFrom, paidMonths);
    if (validFrom <= contradictionsOn && validUntil >= contradictionsOn) patentsActive += 1;
    const script = [
      entry(person, random.time(arrived)),
      cmd('berkut', 'interior', 'issue-patent', validFrom, {
        person,
        holder: holderFor(citizenship, 'patent-worker', random, year),
        patentNumber: `PT-${region.slice(3)}-${y}-${String(i + 1).padStart(6, '0')}`,
        region,
        validFrom,
        paidMonths,
      }),
      // The stay is registered for the patent's term.
      cmd('berkut', 'interior', 'register-stay', validFrom, {
        person,
        registrationNumber: `R-${region.slice(3)}-${y}-P${String(i + 1).padStart(6, '0')}`,
        region,
        validFrom,
        validUntil,
        purpose: 'work',
      }),
    ];
    // Leaves as the patent ends; one still running at the year's end stays on it.
    if (validUntil <= yearEnd) script.push(exit(person, addDays(validUntil, -random.int(0, 5))));
    scripts.push(script);
  }

  // Offenders: mostly labour migrants from CIS countries; some are deported, some of those come back and are refused.
  const expelledWorkers = contradictions['permit-after-deportation'];
  const offenders = offendersTotal - expelledWorkers;
  const offences = offencesTotal - expelledWorkers;
  const deportations = deportationsTotal - expelledWorkers;
  const offenderCountries = deal(apportion(offenders, ASSUMPTIONS.offenderCitizenship), random);
  const returningDeportees = Math.round(ASSUMPTIONS.entryDenialsOfDeportees * scale);
  let deported = 0;
  let returning = 0;
  for (let i = 0; i < offenders; i++) {
    const citizenship = offenderCountries[i]!;
    const person = personOf(citizenship);
    const arrived = random.dayBetween(`${y}-01-02`, `${y}-10-31`);
    const region = random.pick(['KZ-75', 'KZ-71', 'KZ-79', 'KZ-19', 'KZ-35', 'KZ-61', 'KZ-23']);
    const script: PlannedCommand[] = [];
    let visa: string | undefined;
    if (visaRequired(citizenship)) {
      visa = visaNumber();
      script.push(
        cmd('berkut', 'foreign-affairs', 'issue-visa', addDays(arrived, -10), {
          person,
          holder: holderFor(citizenship, 'offender', random, year),
          visaNumber: visa,
          visaType: 'private',
          entries: 'single',
          validFrom: addDays(arrived, -10),
          validUntil: addDays(arrived, 80),
          issuedIn: citizenship,
        }),
      );
    }
    script.push(entry(person, random.time(arrived), visa));
    if (random.chance(0.6)) {
      script.push(
        cmd('berkut', 'interior', 'register-stay', addDays(arrived, 3), {
          person,
          registrationNumber: `RS-${y}-${String(i + 1).padStart(7, '0')}`,
          region,
          validFrom: addDays(arrived, 3),
          validUntil: addDays(arrived, 90),
          purpose: 'work',
        }),
      );
    }
    const count = offences - offenders > i ? 2 : 1;
    let lastOffence = arrived;
    for (let k = 0; k < count; k++) {
      lastOffence = addDays(lastOffence, random.int(10, 30));
      script.push(offence(person, lastOffence, region));
    }
    // Deportees are spread over the offenders.
    if (deported < deportations && i % Math.max(1, Math.floor(offenders / deportations)) === 0) {
      deported += 1;
      // Ordered within the year, with the exit too, so the year's figures hold every planned deportation.
      const orderedOn = earlier(addDays(lastOffence, random.int(3, 15)), `${y}-12-29`);
      script.push(deportation(person, orderedOn, region));
      script.push(exit(person, addDays(orderedOn, 2)));
      if (returning < returningDeportees && addDays(orderedOn, 40) < `${y}-12-28`) {
        returning += 1;
        const at = random.time(addDays(orderedOn, random.int(30, 40)));
        script.push(
          cmd('berkut', 'border-service', 'deny-entry', at, {
            person,
            checkpoint: checkpointFor(citizenship, random),
            deniedAt: at,
            reason: 'entry-ban',
          }),
        );
      }
    } else {
      // Pays the fine and leaves before the stay runs out (visa 80 days, registration or visa-free 90).
      const leaveBy = earlier(addDays(arrived, visa ? 79 : 89), yearEnd);
      script.push(exit(person, random.dayBetween(addDays(lastOffence, 1), leaveBy)));
    }
    scripts.push(script);
  }

  // Visitors: visas where required, and a way home; among visa nationals some are refused, some
  // lose their visa, some overstay.
  const visitors = Math.round(ASSUMPTIONS.visitors * scale);
  const visitorCountries = deal(apportion(visitors, ASSUMPTIONS.visitorCitizenship), random);
  const visaNationals = visitorCountries.filter((c) => visaRequired(c)).length;
  const denials = Math.min(Math.round(ASSUMPTIONS.entryDenialsWithoutVisa * scale), visaNationals);
  const overstayers = Math.min(Math.round(ASSUMPTIONS.overstayers * scale), visaNationals - denials);
  const revocations = Math.min(
    Math.round(ASSUMPTIONS.visitorVisaRevocations * scale),
    visaNationals - denials - overstayers,
  );
  const visitorFates = deal(
    {
      denied: denials,
      overstay: overstayers,
      revoked: revocations,
      leaves: visaNationals - denials - overstayers - revocations,
    },
    random,
  );
  let visaNational = 0;
  for (let i = 0; i < visitors; i++) {
    const citizenship = visitorCountries[i]!;
    const person = personOf(citizenship);
    const arrived = random.dayBetween(`${y}-01-02`, `${y}-11-30`);
    const script: PlannedCommand[] = [];
    const fate = visaRequired(citizenship) ? visitorFates[visaNational++]! : 'leaves';
    if (fate === 'denied') {
      const at = random.time(arrived);
      script.push(
        cmd('berkut', 'border-service', 'deny-entry', at, {
          person,
          checkpoint: checkpointFor(citizenship, random),
          deniedAt: at,
          reason: 'no-valid-visa',
        }),
      );
      scripts.push(script);
      continue;
    }
    let visa: string | undefined;
    if (visaRequired(citizenship)) {
      visa = visaNumber();
      script.push(
        cmd('berkut', 'foreign-affairs', 'issue-visa', addDays(arrived, -12), {
          person,
          holder: holderFor(citizenship, 'visitor', random, year),
          visaNumber: visa,
          visaType: random.pick(['tourist', 'business', 'private']),
          entries: 'single',
          validFrom: addDays(arrived, -12),
          validUntil: addDays(arrived, 30),
          issuedIn: citizenship,
        }),
      );
    }
    script.push(entry(person, random.time(arrived), visa));
    if (fate === 'revoked') {
      const on = addDays(arrived, 5);
      script.push(
        cmd('berkut', 'foreign-affairs', 'revoke-visa', on, {
          person,
          visaNumber: visa!,
          revokedOn: on,
          reason: 'false-information',
        }),
      );
      // They leave the day their visa is revoked: a day later the nightly check would rightly raise an overstay
      // (which the quarter-batched schedule saw only where a quarter ended in between: one at scale 1).
      script.push(exit(person, on));
    } else if (fate === 'leaves') {
      script.push(exit(person, addDays(arrived, random.int(3, 25))));
    } // 'overstay': never leaves; the scheduled check finds them
    scripts.push(script);
  }

  // Each person's acts in time order (a stable sort keeps same-time acts as planned), so
  // the runner's rounds follow them.
  for (const script of scripts) script.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  const crossings = { entry: 0, exit: 0 };
  for (const c of scripts.flat()) {
    if (c.command === 'record-crossing' && String(c.input.crossedAt).startsWith(y))
      crossings[c.input.direction as 'entry' | 'exit'] += 1;
  }
  return {
    year,
    scale,
    seed,
    setup,
    scripts,
    overstayChecks: [`${y}-03-31`, `${y}-06-30`, `${y}-09-30`, yearEnd],
    targets: {
      qandasGranted: granted,
      qandasByOrigin,
      qandasBySettlementRegion,
      qandasQuota: peopleInQuota,
      qandasQuotaPeople: peopleInQuota,
      qandasGrantedInQuota: familiesInQuota,
      qandasPeopleInQuota: peopleInQuota,
      leaActiveOn: SEED_2021.leaActiveOn,
      leaActive: leaCountries.length,
      leaActiveByCountry: leaCounts as Record<string, number>,
      offenders: offendersTotal,
      offences: offencesTotal,
      deportations: deportationsTotal,
      overstays: overstayers + contradictions['permit-after-visa-expired'],
      crossings,
      patentsIssued: patents,
      patentsActiveOn: { on: contradictionsOn, active: patentsActive },
      contradictions: { on: contradictionsOn, byRule: contradictions },
    },
  };
}
