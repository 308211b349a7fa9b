import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES, isCountryCode } from '../../schemas/reference/countries.ts';

const require = createRequire(import.meta.url);
/** The package the written-out list is copied from: [alpha-2, alpha-3, numeric, subdivision] per country. */
const packaged = (require('i18n-iso-countries/codes.json') as string[][]).map((row) => row[1]!);

describe('ISO 3166-1 alpha-3 codes', () => {
  it('are exactly the codes i18n-iso-countries lists', () => {
    expect([...COUNTRY_CODES].sort()).toEqual([...packaged].sort());
    expect(COUNTRY_CODES).toHaveLength(250);
  });

  it('accept a code only whole and upper case', () => {
    expect(isCountryCode('UZB')).toBe(true);
    expect(isCountryCode('KAZ')).toBe(true);
    for (const code of ['uzb', 'UZ', 'UZBK', 'ZZZ', '', 'BWACA', 'WAC']) expect(isCountryCode(code), code).toBe(false);
  });
});
