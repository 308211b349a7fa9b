/**
 * Limits on JSON a client sends, checked on the text before it is parsed, so
 * that nothing recursive (JSON.stringify, the pattern matcher, a handler's
 * validation) ever sees a value nested deeply enough to overflow the stack.
 * Pure and linear in the text's length.
 */

/**
 * EventBridge: "PutEvents will only process nested JSON up to 1000 levels
 * deep" (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html).
 * The local cloud holds every JSON a client sends to the same bound.
 */
export const MAX_JSON_DEPTH = 1000;

/**
 * The deepest nesting of arrays and objects in a JSON text (0 for a scalar),
 * or the first depth above `stopAbove` (the scan stops there). Brackets inside
 * strings do not count. The text need not be valid JSON: parsing it is the
 * next step's job, and a malformed text is at worst reported as shallower.
 * A Buffer is scanned as UTF-8 bytes without decoding it: the characters that
 * matter are ASCII, and no byte of a multi-byte UTF-8 sequence is ASCII.
 * Strings are skipped with a native indexOf, so the scan costs little more
 * than the brackets (it runs on every DynamoDB request).
 */
export function jsonDepth(text: string | Uint8Array, stopAbove = Number.POSITIVE_INFINITY): number {
  return typeof text === 'string'
    ? depthOf(
        text,
        (from) => text.indexOf('"', from),
        (i) => text.charCodeAt(i),
        stopAbove,
      )
    : depthOf(
        text,
        (from) => text.indexOf(0x22, from),
        (i) => text[i]!,
        stopAbove,
      );
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function depthOf(
  text: { readonly length: number },
  nextQuote: (from: number) => number,
  codeAt: (i: number) => number,
  stopAbove: number,
): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = codeAt(i);
    if (c === QUOTE) {
      // Jump to the quote that ends the string: one preceded by an even number of backslashes.
      let end = nextQuote(i + 1);
      for (;;) {
        if (end < 0) return deepest;
        let backslashes = 0;
        while (codeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
        if (backslashes % 2 === 0) break;
        end = nextQuote(end + 1);
      }
      i = end;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Why a JSON text is nested too deeply to accept, or undefined. */
export function depthProblem(text: string | Uint8Array, maxDepth = MAX_JSON_DEPTH): string | undefined {
  return jsonDepth(text, maxDepth) > maxDepth ? `nested more than ${maxDepth} levels deep` : undefined;
}

export type ParsedJson =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'too-deep' | 'malformed'; problem: string };

/** JSON.parse behind the depth bound: too deep or malformed, the problem is named and nothing is parsed. */
export function parseBoundedJson(text: string, maxDepth = MAX_JSON_DEPTH): ParsedJson {
  const tooDeep = depthProblem(text, maxDepth);
  if (tooDeep) return { ok: false, reason: 'too-deep', problem: tooDeep };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: 'malformed', problem: `not valid JSON (${(error as Error).message})` };
  }
}
