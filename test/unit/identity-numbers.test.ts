import { describe, expect, it } from 'vitest';
import { checkDigit, hasValidCheckDigit, withCheckDigit } from '../../schemas/reference/identity-numbers.ts';

describe('IIN/BIN check digit', () => {
  it('accepts numbers whose 12th digit is the mod-11 check digit', () => {
    expect(hasValidCheckDigit('900101300017')).toBe(true);
    expect(hasValidCheckDigit('990909400012')).toBe(true);
  });

  it('refuses a wrong check digit, wrong length and non-digits', () => {
    expect(hasValidCheckDigit('900101300018')).toBe(false);
    expect(hasValidCheckDigit('90010130001')).toBe(false);
    expect(hasValidCheckDigit('9001013000171')).toBe(false);
    expect(hasValidCheckDigit('90010130001X')).toBe(false);
  });

  it('falls back to the second weights when the first remainder is 10', () => {
    // Only the 10th digit is set: first weight 10 gives remainder 10, second weight 1 gives 1.
    expect(checkDigit('00000000010')).toBe(1);
  });

  it('has no check digit when both remainders are 10', () => {
    const impossible = Array.from({ length: 2000 }, (_, i) => String(85071540000 + i).padStart(11, '0')).filter(
      (n) => checkDigit(n) === undefined,
    );
    expect(impossible.length).toBeGreaterThan(0);
    for (const n of impossible) expect(withCheckDigit(n)).toBeUndefined();
  });
});
