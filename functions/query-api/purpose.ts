/**
 * The purpose an operator gives for reading a person's data. It goes into the
 * access ledger for the person (and any auditor) to read, so it must say
 * something visible: text padded out of invisible characters (zero-width
 * spaces, Hangul fillers, braille blanks) is no purpose, and control or
 * bidirectional-override characters, which can hide or reorder what a reader
 * of the ledger sees, are refused outright.
 */

export const MIN_PURPOSE_SIGNS = 5;
export const MAX_PURPOSE_LENGTH = 300;

export type PurposeCheck =
  | { readonly ok: true; readonly purpose: string }
  | { readonly ok: false; readonly message: string };

/** C0/C1 controls (NUL, tabs, newlines, ESC…) and lone surrogates. */
const CONTROL = /[\p{Cc}\p{Cs}]/u;
/** Bidi embeddings, overrides, isolates and marks (LRE…RLO, LRI…PDI, LRM, RLM, ALM). */
const BIDI_CONTROL = /\p{Bidi_Control}/u;
/**
 * Characters that render as nothing: format characters (zero-width space and
 * joiners, BOM, soft hyphen) and every default-ignorable code point, which
 * includes the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0 — letters by
 * category, invisible in practice — plus the braille blank U+2800 (a symbol
 * that prints as a space).
 */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/gu;
const SIGN = /[\p{L}\p{N}]/gu;

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Checks a purpose and returns it as the ledger should keep it: invisible
 * characters removed, whitespace runs collapsed, trimmed.
 */
export function checkPurpose(raw: string | undefined): PurposeCheck {
  if (raw === undefined || raw.trim() === '') {
    return {
      ok: false,
      message:
        `purpose: a person read needs a purpose (at least ${MIN_PURPOSE_SIGNS} letters or digits), e.g. ` +
        `purpose=visa application 123`,
    };
  }
  // Bounded before any regular expression runs; padding never makes a purpose longer than this legitimately.
  if (raw.length > MAX_PURPOSE_LENGTH * 4)
    return { ok: false, message: `purpose: is at most ${MAX_PURPOSE_LENGTH} characters` };
  const control = CONTROL.exec(raw);
  if (control)
    return {
      ok: false,
      message: `purpose: contains the control character ${codePoint(control[0])}; write the purpose as plain text`,
    };
  const bidi = BIDI_CONTROL.exec(raw);
  if (bidi)
    return {
      ok: false,
      message:
        `purpose: contains the bidirectional control character ${codePoint(bidi[0])}, which can disguise what ` +
        `the ledger shows`,
    };
  const visible = raw.replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim().normalize('NFC');
  const signs = visible.match(SIGN)?.length ?? 0;
  if (signs < MIN_PURPOSE_SIGNS) {
    return {
      ok: false,
      message:
        `purpose: needs at least ${MIN_PURPOSE_SIGNS} visible letters or digits, found ${signs}; say why you ` +
        `read this person's data, e.g. purpose=visa application 123`,
    };
  }
  if (visible.length > MAX_PURPOSE_LENGTH)
    return { ok: false, message: `purpose: is at most ${MAX_PURPOSE_LENGTH} characters` };
  return { ok: true, purpose: visible };
}
