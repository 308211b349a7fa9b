/*
 * ISO 3166-1 from the i18n-iso-countries package. Validation reads only its
 * code table (a few KB), so Lambda bundles stay small.
 */
import codes from 'i18n-iso-countries/codes.json' with { type: 'json' };

const ALPHA3 = new Set((codes as string[][]).map((row) => row[1]!));

/** ISO 3166-1 alpha-3 code, upper case (e.g. UZB). */
export function isCountryCode(code: string): boolean {
  return ALPHA3.has(code);
}
