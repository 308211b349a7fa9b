import { isCountryCode } from './reference/countries.ts';
import { hasValidCheckDigit } from './reference/identity-numbers.ts';
import { REGION_CODES } from './reference/regions.ts';
import * as z from './zod.ts';

export const IsoDate = z.iso.date({ error: 'expected a date as YYYY-MM-DD' });
export const IsoDateTime = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 date-time with offset, e.g. 2021-03-01T09:30:00Z',
});

export const CountryCode = z.string({ error: 'expected an ISO 3166-1 alpha-3 country code, e.g. UZB' }).check(
  z.maxLength(3, { error: 'an ISO 3166-1 alpha-3 country code is 3 letters', abort: true }),
  z.refine(isCountryCode, {
    error: (issue) => `unknown ISO 3166-1 alpha-3 country code ${JSON.stringify(issue.input)}`,
  }),
);

export const RegionCode = z.enum(REGION_CODES, {
  error: (issue) =>
    `unknown ISO 3166-2:KZ region code ${JSON.stringify(issue.input)}; expected one of ${REGION_CODES.join(', ')}`,
});

function twelveDigitNumber(kind: 'IIN' | 'BIN') {
  return z
    .string({ error: `expected an ${kind}: 12 digits as a string` })
    .check(
      z.maxLength(12, { error: `an ${kind} is exactly 12 digits`, abort: true }),
      z.regex(/^\d{12}$/, { error: `an ${kind} is exactly 12 digits`, abort: true }),
      z.refine(hasValidCheckDigit, { error: `${kind} check digit does not match` }),
    );
}

/** Individual identification number of a citizen or resident. */
export const Iin = twelveDigitNumber('IIN');
/** Business identification number of an employer. */
export const Bin = twelveDigitNumber('BIN');

/** Passport or travel document number as printed (Latin letters and digits). */
export const DocumentNumber = z
  .string({ error: 'expected a travel document number' })
  .check(
    z.maxLength(20, { error: 'a document number is 5-20 upper-case Latin letters or digits', abort: true }),
    z.regex(/^[A-Z0-9]{5,20}$/, { error: 'a document number is 5-20 upper-case Latin letters or digits' }),
  );

export const PositiveInt = z.number().check(z.int(), z.positive());

/**
 * A number a registry prints on a document (registration, offence, order, decree):
 * letters, digits and the separators registries use, of a length a form has room for.
 * Bounds matter beyond tidiness: a 450 kB "number" would not fit a DynamoDB item.
 */
export const RegistryNumber = (min = 4) =>
  z
    .string()
    .check(
      z.minLength(min),
      z.maxLength(32),
      z.regex(/^[A-Z0-9][A-Z0-9./-]*$/, { error: 'upper-case Latin letters, digits and . / - only' }),
    );

/** Monthly calculation indices: the unit fines and subsidies are set in (finite, and far above any real amount). */
export const MciAmount = z.number().check(z.positive(), z.lte(100_000, { error: 'at most 100,000 MCI' }));
/** Tenge amounts paid out (a ceiling far above any subsidy, well inside DynamoDB's number range). */
export const TengeAmount = z
  .number()
  .check(z.int(), z.positive(), z.lte(1_000_000_000, { error: 'at most 1,000,000,000 KZT' }));
/** A quota: people or permits a year may take. */
export const QuotaSize = z
  .number()
  .check(z.int(), z.nonnegative(), z.lte(1_000_000, { error: 'a quota is at most 1,000,000' }));
export const Year = z.number().check(z.int(), z.gte(1991), z.lte(2100));
export const Month = z
  .string()
  .check(
    z.maxLength(7, { error: 'expected a month as YYYY-MM', abort: true }),
    z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'expected a month as YYYY-MM' }),
  );
