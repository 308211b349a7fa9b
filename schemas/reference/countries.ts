/*
 * ISO 3166-1 from the i18n-iso-countries package. Validation reads only its
 * code table (a few KB) so Lambda bundles stay small; English names load the
 * locale lazily, for the CLI and the console.
 */
import codes from 'i18n-iso-countries/codes.json' with { type: 'json' };

const ALPHA3 = new Set((codes as string[][]).map((row) => row[1]!));

/** ISO 3166-1 alpha-3 code, upper case (e.g. UZB). */
export function isCountryCode(code: string): boolean {
  return ALPHA3.has(code);
}

export function countryCodes(): string[] {
  return [...ALPHA3];
}

let names: ((code: string) => string | undefined) | undefined;

export async function countryName(code: string): Promise<string> {
  if (!names) {
    const [{ default: countries }, { default: en }] = await Promise.all([
      import('i18n-iso-countries/index.js'),
      import('i18n-iso-countries/langs/en.json', { with: { type: 'json' } }),
    ]);
    countries.registerLocale(en);
    names = (c) => countries.getName(c, 'en');
  }
  return names(code) ?? code;
}

export const KAZAKHSTAN = 'KAZ';
