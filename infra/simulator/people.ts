/**
 * Simulated people who look like the ones the registries hold: names from
 * their citizenship's pool in its passport spelling, sex-specific surname
 * forms, sex ratios and ages plausible for why they came, and document
 * numbers in their country's shape. Deterministic for a seed (every draw
 * comes from the plan's Random).
 */
import type { Holder } from '../../schemas/person.ts';
import { KAZAKH_NAMES, KAZAKH_NAMES_IN_PINYIN, NAME_POOLS, type NamePool } from './names.ts';
import type { Random } from './random.ts';

/** Why a person is in the simulated year; it decides sex ratio and age range. */
export type Role = 'lea-worker' | 'patent-worker' | 'offender' | 'visitor' | 'qandas';

/**
 * Share of men and ages (in the simulated year) per role: LEA workers are
 * mostly men of working age (executives older, see leaWorkerAges); household
 * workers on patents include many women; offenders are mostly young male
 * labour migrants; repatriating heads of family range widely.
 */
export const ROLE_PROFILE: Readonly<Record<Role, { readonly male: number; readonly ages: readonly [number, number] }>> =
  {
    'lea-worker': { male: 0.85, ages: [22, 60] },
    'patent-worker': { male: 0.55, ages: [20, 55] },
    offender: { male: 0.85, ages: [18, 50] },
    visitor: { male: 0.55, ages: [18, 72] },
    qandas: { male: 0.5, ages: [18, 75] },
  };

/** Ages of LEA workers by permit category: 1 executives, 2 heads of division, 3 specialists, 4 skilled workers. */
export function leaWorkerAges(category: string): readonly [number, number] {
  return (
    ({ '1': [35, 62], '2': [30, 60], '3': [24, 58], '4': [20, 55] } as Record<string, readonly [number, number]>)[
      category
    ] ?? ROLE_PROFILE['lea-worker'].ages
  );
}

/** A surname's form for a woman, where the language changes it (IVANOV → IVANOVA, IVANOU → IVANAVA, -SKII → -SKAIA). */
export function feminineSurname(surname: string): string {
  if (/(OV|EV|IN|YN)$/.test(surname)) return `${surname}A`;
  if (/OU$/.test(surname)) return `${surname.slice(0, -2)}AVA`;
  if (/EU$/.test(surname)) return `${surname.slice(0, -2)}EVA`;
  if (/SKI$/.test(surname)) return `${surname.slice(0, -3)}SKAYA`;
  if (/SKII$/.test(surname)) return `${surname.slice(0, -4)}SKAIA`;
  return surname;
}

const FALLBACK: NamePool = NAME_POOLS.GBR!;

function birthDate(random: Random, year: number, [min, max]: readonly [number, number]): string {
  // Aged min..max on 1 January of the year.
  return random.dayBetween(`${year - max - 1}-01-02`, `${year - min}-01-01`);
}

function surnameFor(pool: NamePool, citizenship: string, sex: 'F' | 'M', random: Random): string {
  if (pool.patronymic && random.chance(pool.patronymic.share)) {
    const father = random.pick(pool.male);
    const particle = sex === 'M' ? pool.patronymic.male : pool.patronymic.female;
    if (!particle) return father;
    // Kyrgyz puts the particle after the father's name, Malay before it.
    return citizenship === 'MYS' ? `${particle} ${father}` : `${father} ${particle}`;
  }
  const surname = random.pick(pool.surnames.length ? pool.surnames : pool.male);
  if (citizenship === 'ESP') return `${surname} ${random.pick(pool.surnames)}`;
  return sex === 'F' && pool.style === 'suffixed' ? feminineSurname(surname) : surname;
}

/** A foreigner's particulars, plausible for their citizenship and role. */
export function holderFor(
  citizenship: string,
  role: Role,
  random: Random,
  year: number,
  ages: readonly [number, number] = ROLE_PROFILE[role].ages,
): Holder {
  const pool = NAME_POOLS[citizenship] ?? FALLBACK;
  const sex = random.chance(ROLE_PROFILE[role].male) ? 'M' : 'F';
  const givenNames = random.pick(sex === 'M' ? pool.male : pool.female);
  return {
    surname: surnameFor(pool, citizenship, sex, random),
    givenNames,
    birthDate: birthDate(random, year, ages),
    sex,
  };
}

/** Kazakh names in the spelling of the passports of the country a repatriate comes from. */
function kazakhSpelling(name: string, origin: string): string {
  if (origin === 'UZB') return name.replace(/ZH/g, 'J').replace(/KH/g, 'X').replace(/AEV/g, 'AYEV');
  if (origin === 'TKM' || origin === 'MNG') return name.replace(/ZH/g, 'J');
  if (origin === 'TUR') return name.replace(/ZH/g, 'C').replace(/KH/g, 'H');
  return name;
}

/**
 * A repatriating ethnic Kazakh (the head of a qandas family), named as their country of origin's passport names them.
 */
export function qandasHolder(origin: string, random: Random, year: number): Holder {
  const sex = random.chance(ROLE_PROFILE.qandas.male) ? 'M' : 'F';
  const date = () => birthDate(random, year, ROLE_PROFILE.qandas.ages);
  if (origin === 'CHN') {
    // Chinese documents give the Chinese transcription in pinyin, the father's name standing as surname.
    const givenNames = random.pick(sex === 'M' ? KAZAKH_NAMES_IN_PINYIN.male : KAZAKH_NAMES_IN_PINYIN.female);
    return { surname: random.pick(KAZAKH_NAMES_IN_PINYIN.male), givenNames, birthDate: date(), sex };
  }
  const givenNames = kazakhSpelling(random.pick(sex === 'M' ? KAZAKH_NAMES.male : KAZAKH_NAMES.female), origin);
  let surname: string;
  if (origin === 'MNG' || origin === 'AFG' || origin === 'IRN') {
    // Mongolian passports print the father's name; Kazakhs from Afghanistan and Iran mostly carry it too.
    surname = kazakhSpelling(random.pick(KAZAKH_NAMES.male), origin);
  } else if (origin === 'TUR') {
    surname = random.pick(NAME_POOLS.TUR!.surnames);
  } else {
    const base = kazakhSpelling(random.pick(KAZAKH_NAMES.surnames), origin);
    surname = sex === 'F' ? feminineSurname(base) : base;
  }
  return { surname, givenNames, birthDate: date(), sex };
}

/** Passport number shapes: the letter prefixes a country issues and the digits after them. */
const DOCUMENT_SHAPES: Readonly<Record<string, { readonly prefixes: readonly string[]; readonly digits: number }>> = {
  UZB: { prefixes: ['FA', 'AA', 'AB', 'AC'], digits: 7 },
  TJK: { prefixes: ['40', '50'], digits: 7 },
  KGZ: { prefixes: ['AC', 'PE', 'ID'], digits: 7 },
  RUS: { prefixes: ['75', '76'], digits: 7 },
  UKR: { prefixes: ['FA', 'FB', 'FC', 'FE', 'FH', 'FK'], digits: 6 },
  BLR: { prefixes: ['MP', 'KH', 'AB'], digits: 7 },
  AZE: { prefixes: ['C'], digits: 8 },
  TKM: { prefixes: ['A', 'B'], digits: 7 },
  ARM: { prefixes: ['AN', 'AR', 'AT'], digits: 7 },
  CHN: { prefixes: ['EA', 'EB', 'EC', 'ED', 'EE', 'EG'], digits: 7 },
  MNG: { prefixes: ['E'], digits: 7 },
  AFG: { prefixes: ['P'], digits: 8 },
  IRN: { prefixes: ['H', 'K', 'N', 'R', 'S', 'U'], digits: 8 },
  TUR: { prefixes: ['U'], digits: 8 },
  IND: { prefixes: ['J', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'T', 'U', 'V', 'W', 'Z'], digits: 7 },
  PAK: { prefixes: ['AB', 'AC', 'BA', 'CE'], digits: 7 },
  GBR: { prefixes: ['1', '5'], digits: 8 },
  USA: { prefixes: ['5', '6'], digits: 8 },
  DEU: { prefixes: ['C'], digits: 8 },
  ITA: { prefixes: ['YA', 'YB', 'YC'], digits: 7 },
  FRA: { prefixes: ['18CF', '19CH', '20DK'], digits: 5 },
  ESP: { prefixes: ['PAA', 'PAB', 'PAC'], digits: 6 },
  NLD: { prefixes: ['NP', 'NR', 'NS'], digits: 7 },
  KOR: { prefixes: ['M'], digits: 8 },
  PHL: { prefixes: ['P'], digits: 7 },
  MYS: { prefixes: ['A', 'H', 'K'], digits: 8 },
  VNM: { prefixes: ['B', 'C'], digits: 7 },
};

/**
 * Unique travel document numbers per citizenship, in that country's shape.
 * The n-th number of a country is a permutation of n (a multiplier prime to
 * 10, plus an offset drawn per country from the seed, is a bijection on
 * d-digit numbers), so numbers look scattered yet never repeat.
 */
export class DocumentNumbers {
  private readonly issued = new Map<string, { count: number; offset: number }>();

  constructor(private readonly random: Random) {}

  next(citizenship: string): string {
    const shape = DOCUMENT_SHAPES[citizenship] ?? { prefixes: [citizenship.slice(0, 2)], digits: 7 };
    const modulus = 10 ** shape.digits;
    let country = this.issued.get(citizenship);
    if (!country) {
      country = { count: 0, offset: this.random.int(0, modulus - 1) };
      this.issued.set(citizenship, country);
    }
    const n = country.count++;
    const serial = Math.floor(n / shape.prefixes.length);
    if (serial >= modulus)
      throw new RangeError(`more than ${modulus * shape.prefixes.length} ${citizenship} documents`);
    const digits = (serial * 7_919 + country.offset) % modulus;
    return `${shape.prefixes[n % shape.prefixes.length]}${String(digits).padStart(shape.digits, '0')}`;
  }
}
