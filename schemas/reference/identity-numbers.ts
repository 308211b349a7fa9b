/**
 * IIN (individual) and BIN (business) are 12-digit numbers whose last digit
 * is a mod-11 check digit: weights 1..11 first, and if the remainder is 10,
 * weights 3..11,1,2; a second remainder of 10 means the number is never
 * issued. (Rules of the National Register of identification numbers.)
 */
const FIRST_WEIGHTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const SECOND_WEIGHTS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

function weightedRemainder(digits: number[], weights: number[]): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum += digits[i]! * weights[i]!;
  return sum % 11;
}

/** The check digit for the first 11 digits, or undefined if none exists. */
export function checkDigit(first11: string): number | undefined {
  if (!/^\d{11}$/.test(first11)) return undefined;
  const digits = [...first11].map(Number);
  let remainder = weightedRemainder(digits, FIRST_WEIGHTS);
  if (remainder === 10) remainder = weightedRemainder(digits, SECOND_WEIGHTS);
  return remainder === 10 ? undefined : remainder;
}

export function hasValidCheckDigit(number: string): boolean {
  if (!/^\d{12}$/.test(number)) return false;
  return checkDigit(number.slice(0, 11)) === Number(number[11]);
}

/** Completes 11 digits to a valid 12-digit number (undefined if impossible). */
export function withCheckDigit(first11: string): string | undefined {
  const digit = checkDigit(first11);
  return digit === undefined ? undefined : first11 + digit;
}
