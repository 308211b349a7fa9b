import { describe, expect, it } from 'vitest';
import { checkPurpose } from '../../functions/query-api/purpose.ts';

const ZWSP = '\u200b';
const HANGUL_FILLER = '\u3164';
const HANGUL_CHOSEONG_FILLER = '\u115f';
const HANGUL_JUNGSEONG_FILLER = '\u1160';
const HALFWIDTH_HANGUL_FILLER = '\uffa0';
const BRAILLE_BLANK = '\u2800';

describe('checkPurpose', () => {
  const accepted: [string, string, string][] = [
    ['plain Latin text', 'visa application 123', 'visa application 123'],
    ['Kazakh Cyrillic', 'қоныс аудару ісі 17', 'қоныс аудару ісі 17'],
    ['exactly five digits', '20211', '20211'],
    ['surrounding and repeated whitespace, tidied', '  case   2021/17  ', 'case 2021/17'],
    ['zero-width characters inside real text, removed', `case${ZWSP} 2021${ZWSP}/17`, 'case 2021/17'],
    ['a Hangul filler inside real text, removed', `permit${HANGUL_FILLER} review`, 'permit review'],
    ['decomposed accents, composed (NFC)', 'Re\u0301sume\u0301 check', 'Résumé check'],
  ];
  it.each(accepted)('accepts %s', (_, raw, kept) => {
    expect(checkPurpose(raw)).toEqual({ ok: true, purpose: kept });
  });

  const refused: [string, string | undefined, RegExp][] = [
    ['no purpose', undefined, /^purpose: a person read needs a purpose/],
    ['only spaces', '      ', /^purpose: a person read needs a purpose/],
    ['four letters', 'case', /^purpose: needs at least 5 visible letters or digits, found 4/],
    ['only zero-width spaces', ZWSP.repeat(10), /^purpose: needs at least 5 visible letters or digits, found 0/],
    ['zero-width joiners, non-joiners and a BOM', '\u200d\u200c\ufeff\u2060\u200d\u200c', /found 0/],
    [
      'Hangul fillers (letters by category)',
      `${HANGUL_FILLER}${HANGUL_CHOSEONG_FILLER}${HANGUL_JUNGSEONG_FILLER}${HALFWIDTH_HANGUL_FILLER}` +
        `${HANGUL_FILLER}${HANGUL_FILLER}`,
      /found 0/,
    ],
    ['braille blanks', BRAILLE_BLANK.repeat(8), /found 0/],
    ['punctuation and symbols only', '--- ... *** ///', /found 0/],
    ['four letters padded with invisibles', `a${ZWSP}b${HANGUL_FILLER}c${BRAILLE_BLANK}d${ZWSP}${ZWSP}`, /found 4/],
    ['combining marks with nothing to combine on', '\u0301\u0301\u0301\u0301\u0301\u0301', /found 0/],
    ['a NUL', 'case 2021\u0000/17', /^purpose: contains the control character U\+0000/],
    ['a newline', 'case 2021\n17', /^purpose: contains the control character U\+000A/],
    ['an escape sequence', 'case \u001b[2J 2021', /^purpose: contains the control character U\+001B/],
    ['a C1 control', 'case\u0085 2021', /^purpose: contains the control character U\+0085/],
    ['a lone surrogate', 'case 2021 \ud800', /^purpose: contains the control character U\+D800/],
    [
      'a right-to-left override',
      'case \u202e71/1202',
      /^purpose: contains the bidirectional control character U\+202E/,
    ],
    ['a left-to-right embedding', 'case \u202a2021', /U\+202A/],
    ['a first-strong isolate', 'case \u20682021\u2069', /U\+2068/],
    ['a right-to-left mark', 'case \u200f2021', /U\+200F/],
    ['301 characters', 'a'.repeat(301), /^purpose: is at most 300 characters/],
    ['a huge padded value', `case 2021 ${ZWSP.repeat(5000)}`, /^purpose: is at most 300 characters/],
  ];
  it.each(refused)('refuses %s, naming purpose', (_, raw, message) => {
    const result = checkPurpose(raw);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ message: expect.stringMatching(message) });
  });
});
