/**
 * EventBridge `wildcard` matching in time linear in the value's length, with no
 * regular expression. A RegExp such as /^.*a.*a.*a.*a.*b$/ backtracks: against
 * 200 × "a" it blocked the whole process for tens of seconds.
 *
 * AWS's engine (aws/event-ruler, `ByteMachine`) compiles wildcards into an NFA
 * over UTF-8 bytes. A pattern whose only metacharacter is `*` needs less: split
 * it at its unescaped stars; the first piece is a prefix, the last a suffix, and
 * each middle piece is found left to right, each at its leftmost place after the
 * previous one. Taking the leftmost place never loses a match (any later place
 * leaves less room for what follows), so one pass suffices. Each find is a
 * Knuth–Morris–Pratt scan: hand-rolled, because String.prototype.indexOf's
 * running time is an engine detail, and this bound is the whole point
 * (at most 2 comparisons per code unit; at most 4 middle pieces, since AWS
 * allows at most 5 stars).
 *
 * Escapes follow event-ruler's README: `\*` is a literal star and `\\` a literal
 * backslash. A backslash before anything else is kept literally (AWS refuses it
 * with "Invalid escape character"; this matcher has never refused it, and
 * AWS's exact message is not among the recorded cases).
 */

/** Counts comparisons so tests can assert the bound by behaviour rather than by wall-clock time. */
export interface StepMeter {
  steps: number;
}

export interface Wildcard {
  matches(value: string, meter?: StepMeter): boolean;
}

/** The literal pieces between unescaped stars: `a*b\*c` → ["a", "b*c"]. */
export function wildcardPieces(text: string): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const next = text[i + 1];
    if (char === '\\' && (next === '*' || next === '\\')) {
      piece += next;
      i++;
    } else if (char === '*') {
      pieces.push(piece);
      piece = '';
    } else {
      piece += char;
    }
  }
  pieces.push(piece);
  return pieces;
}

/** A literal string and its KMP failure table: failure[i] is the longest proper border of needle[0..i]. */
interface Needle {
  readonly text: string;
  readonly failure: Int32Array;
}

function needle(text: string): Needle {
  const failure = new Int32Array(text.length);
  let border = 0;
  for (let i = 1; i < text.length; i++) {
    while (border > 0 && text.charCodeAt(i) !== text.charCodeAt(border)) border = failure[border - 1]!;
    if (text.charCodeAt(i) === text.charCodeAt(border)) border++;
    failure[i] = border;
  }
  return { text, failure };
}

/** The first index ≥ from where `n` lies wholly before `end`, or -1. */
function find(haystack: string, n: Needle, from: number, end: number, meter: StepMeter | undefined): number {
  const { text, failure } = n;
  if (text.length === 0) return from;
  let matched = 0;
  let steps = 0;
  let found = -1;
  for (let i = from; i < end; i++) {
    const code = haystack.charCodeAt(i);
    while (matched > 0 && code !== text.charCodeAt(matched)) {
      matched = failure[matched - 1]!;
      steps++;
    }
    steps++;
    if (code === text.charCodeAt(matched)) matched++;
    if (matched === text.length) {
      found = i + 1 - text.length;
      break;
    }
  }
  if (meter) meter.steps += steps;
  return found;
}

/** Compiles a wildcard operand (already validated) in time linear in its length. */
export function compileWildcard(text: string): Wildcard {
  const pieces = wildcardPieces(text);
  if (pieces.length === 1) {
    const literal = pieces[0]!;
    return {
      matches(value, meter) {
        if (meter) meter.steps += Math.min(value.length, literal.length) + 1;
        return value === literal;
      },
    };
  }
  const head = pieces[0]!;
  const tail = pieces[pieces.length - 1]!;
  const middle = pieces.slice(1, -1).map(needle);
  const shortest = pieces.reduce((sum, piece) => sum + piece.length, 0);
  return {
    matches(value, meter) {
      if (meter) meter.steps += head.length + tail.length + 1;
      if (value.length < shortest || !value.startsWith(head) || !value.endsWith(tail)) return false;
      let from = head.length;
      const end = value.length - tail.length;
      for (const piece of middle) {
        const at = find(value, piece, from, end, meter);
        if (at < 0) return false;
        from = at + piece.text.length;
      }
      return true;
    },
  };
}
