/**
 * The monthly calculation index (MCI, "АЕК"), in tenge, as fixed by each
 * year's republican budget law on 1 January. Subsidies, fines and fees are
 * expressed in MCI, so an amount is only meaningful with its year.
 * 2022 was raised mid-year (3,180 from 1 April); rules use the January figure.
 */
export const MCI_BY_YEAR: Readonly<Record<number, number>> = {
  2017: 2269,
  2018: 2405,
  2019: 2525,
  2020: 2651,
  2021: 2917,
  2022: 3063,
  2023: 3450,
  2024: 3692,
  2025: 3932,
  2026: 4325,
};

export class UnknownMciYearError extends Error {
  constructor(readonly year: number) {
    const years = Object.keys(MCI_BY_YEAR).join(', ');
    super(`no MCI is known for ${year}; known years: ${years}`);
    this.name = 'UnknownMciYearError';
  }
}

export function mciFor(year: number): number {
  const value = MCI_BY_YEAR[year];
  if (value === undefined) throw new UnknownMciYearError(year);
  return value;
}

/** Tenge amount for a number of MCI in a year. */
export function mciToTenge(units: number, year: number): number {
  return Math.round(units * mciFor(year));
}
