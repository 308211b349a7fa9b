/**
 * EventBridge event patterns: validation with AWS's error reasons, and a
 * compiled matcher. Semantics follow AWS's documentation and the
 * AWS-recorded conformance cases vendored in test/fixtures/eventbridge-patterns:
 * - a pattern's leaves are arrays of alternatives; every field must match;
 * - an event array matches if any element matches;
 * - keys are joined with dots on both sides ("a.b" matches a → b);
 * - `$or` takes alternative sub-patterns.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 *
 * Patterns and events come from callers (TestEventPattern, PutRule), so neither
 * compiling nor matching may cost more than linear time in what was sent, or
 * recurse as deep as it is nested: compiling and deciding `$or`s keep explicit
 * stacks, matching walks the event once (pattern-paths.ts), and no operator
 * uses a regular expression (wildcard.ts).
 */
import { BlockList, isIP } from 'node:net';
import { isPlainObject, type Leaf, PathTrie } from './pattern-paths.ts';
import { compileWildcard } from './wildcard.ts';

export class InvalidEventPatternError extends Error {
  constructor(readonly reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.name = 'InvalidEventPatternError';
  }
}

type ValueTest = (value: Leaf) => boolean;

/** One alternative in a field's array. `exists` is kept apart: it tests presence, not a value. */
type Alternative = { kind: 'value'; test: ValueTest } | { kind: 'exists'; present: boolean };

interface FieldMatcher {
  /** The trie node whose leaves the field is tested against. */
  readonly node: number;
  readonly alternatives: readonly Alternative[];
}

/** A pattern object (the root or one `$or` branch): all its fields must match, and each of its `$or`s. */
interface Conjunction {
  readonly fields: FieldMatcher[];
  /** Each entry is one `$or`: the indices of its branches, at least one of which must match. */
  readonly ors: number[][];
}

export interface CompiledPattern {
  matches(event: unknown): boolean;
}

const MAX_WILDCARDS = 5;

const fail = (reason: string): never => {
  throw new InvalidEventPatternError(reason);
};

/** Parses and validates a pattern (a JSON string or an object) and compiles it. */
export function compilePattern(pattern: unknown): CompiledPattern {
  let parsed = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch (error) {
      fail(`Filter is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!isPlainObject(parsed)) fail('Filter is not an object');
  const trie = new PathTrie();
  const conjunctions = compileConjunctions(parsed as Record<string, unknown>, trie);
  const root = conjunctions[0]!;
  if (root.fields.length === 0 && root.ors.length === 0) fail('Empty objects are not allowed');
  const leaves = trie.seal();
  return { matches: (event) => matchConjunctions(conjunctions, leaves.collect(event)) };
}

/** A pattern object being compiled: its entries, how far we are, where it sits and which conjunction it feeds. */
interface ObjectFrame {
  readonly kind: 'object';
  readonly entries: [string, unknown][];
  index: number;
  readonly node: number;
  readonly conjunction: number;
}

/** An `$or` being compiled: its branches, how far we are, and where its branch indices go. */
interface OrFrame {
  readonly kind: 'or';
  readonly branches: unknown[];
  index: number;
  readonly node: number;
  readonly group: number[];
}

/**
 * Compiles depth-first in document order, like the recursive descent it
 * replaces, so the first invalid part still decides the error; but with a stack
 * of its own. Conjunction 0 is the root.
 */
function compileConjunctions(pattern: Record<string, unknown>, trie: PathTrie): Conjunction[] {
  const conjunctions: Conjunction[] = [{ fields: [], ors: [] }];
  const stack: (ObjectFrame | OrFrame)[] = [
    { kind: 'object', entries: Object.entries(pattern), index: 0, node: PathTrie.ROOT, conjunction: 0 },
  ];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.kind === 'or') {
      if (frame.index === frame.branches.length) {
        stack.pop();
        continue;
      }
      const branch = frame.branches[frame.index++];
      if (!isPlainObject(branch)) fail('$or must contain objects');
      frame.group.push(conjunctions.length);
      stack.push({
        kind: 'object',
        entries: Object.entries(branch as Record<string, unknown>),
        index: 0,
        node: frame.node,
        conjunction: conjunctions.length,
      });
      conjunctions.push({ fields: [], ors: [] });
      continue;
    }
    if (frame.index === frame.entries.length) {
      stack.pop();
      continue;
    }
    const [key, value] = frame.entries[frame.index++]!;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) fail('$or must be an array of at least two objects');
      const group: number[] = [];
      conjunctions[frame.conjunction]!.ors.push(group);
      stack.push({ kind: 'or', branches: value as unknown[], index: 0, node: frame.node, group });
      continue;
    }
    const node = trie.descend(frame.node, key);
    if (Array.isArray(value)) {
      if (value.length === 0) fail('Empty arrays are not allowed');
      trie.markTested(node);
      conjunctions[frame.conjunction]!.fields.push({ node, alternatives: value.map(compileAlternative) });
    } else if (isPlainObject(value)) {
      stack.push({ kind: 'object', entries: Object.entries(value), index: 0, node, conjunction: frame.conjunction });
    } else {
      fail(`"${key}" must be an object or an array`);
    }
  }
  return conjunctions;
}

function compileAlternative(spec: unknown): Alternative {
  if (spec === null || typeof spec === 'string' || typeof spec === 'number' || typeof spec === 'boolean') {
    return { kind: 'value', test: equalsLiteral(spec) };
  }
  if (!isPlainObject(spec)) fail('Match value must be String, number, true, false, or null');
  const entries = Object.entries(spec as Record<string, unknown>);
  if (entries.length !== 1) fail('Only one key allowed in match expression');
  const [operator, operand] = entries[0]!;
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') fail('exists match pattern must be either true or false.');
      return { kind: 'exists', present: operand as boolean };
    case 'prefix':
      return { kind: 'value', test: stringOperator('prefix', operand, true) };
    case 'suffix':
      return { kind: 'value', test: stringOperator('suffix', operand, true) };
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') fail('equals-ignore-case match pattern must be a string');
      const lower = (operand as string).toLowerCase();
      return { kind: 'value', test: (v) => typeof v === 'string' && v.toLowerCase() === lower };
    }
    case 'wildcard':
      return { kind: 'value', test: wildcardTest(operand) };
    case 'numeric':
      return { kind: 'value', test: numericTest(operand) };
    case 'cidr':
      return { kind: 'value', test: cidrTest(operand) };
    case 'anything-but':
      return { kind: 'value', test: anythingBut(operand) };
    default:
      return fail(`Unrecognized match type ${operator}`);
  }
}

function equalsLiteral(expected: Leaf): ValueTest {
  if (typeof expected === 'number') return (v) => typeof v === 'number' && v === expected;
  return (v) => v === expected;
}

/** prefix/suffix with a string, or with `{ "equals-ignore-case": string }`. */
function stringOperator(kind: 'prefix' | 'suffix', operand: unknown, allowIgnoreCase: boolean): ValueTest {
  let ignoreCase = false;
  let text = operand;
  if (allowIgnoreCase && isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case')
      fail(`Unsupported ${kind} pattern: ${JSON.stringify(operand)}`);
    ignoreCase = true;
    text = operand['equals-ignore-case'];
  }
  if (typeof text !== 'string') fail(`${kind} match pattern must be a string`);
  const needle = ignoreCase ? (text as string).toLowerCase() : (text as string);
  return kind === 'prefix'
    ? (v) => typeof v === 'string' && (ignoreCase ? v.toLowerCase() : v).startsWith(needle)
    : (v) => typeof v === 'string' && (ignoreCase ? v.toLowerCase() : v).endsWith(needle);
}

function wildcardTest(operand: unknown): ValueTest {
  if (typeof operand !== 'string') fail('wildcard match pattern must be a string');
  const text = operand as string;
  // AWS reports the position of the second star.
  if (text.includes('**')) fail(`Consecutive wildcard characters at pos ${text.indexOf('**') + 1}`);
  if (text.split('*').length - 1 > MAX_WILDCARDS) {
    fail(
      'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a ' +
        'wildcard character',
    );
  }
  const wildcard = compileWildcard(text);
  return (v) => typeof v === 'string' && wildcard.matches(v);
}

const NUMERIC_OPERATORS = new Set(['<', '<=', '=', '>', '>=']);

function numericTest(operand: unknown): ValueTest {
  if (!Array.isArray(operand) || operand.length === 0) fail('Value of numeric must be an array.');
  const ops = operand as unknown[];
  const checks: ValueTest[] = [];
  let lower = false;
  let upper = false;
  for (let i = 0; i < ops.length; i += 2) {
    const op = ops[i];
    if (typeof op !== 'string' || !NUMERIC_OPERATORS.has(op))
      fail(`Unrecognized numeric range operator: ${String(op)}`);
    if (i + 1 >= ops.length || typeof ops[i + 1] !== 'number') fail(`Value of ${String(op)} must be numeric`);
    const bound = ops[i + 1] as number;
    if (op === '=') {
      if (ops.length !== 2) fail('Bad numeric range operator: =');
      checks.push((v) => v === bound);
      continue;
    }
    const isLower = op === '>' || op === '>=';
    if ((isLower && lower) || (!isLower && upper)) fail(`Bad numeric range operator: ${op}`);
    if (isLower) lower = true;
    else upper = true;
    checks.push(
      op === '<'
        ? (v) => (v as number) < bound
        : op === '<='
          ? (v) => (v as number) <= bound
          : op === '>'
            ? (v) => (v as number) > bound
            : (v) => (v as number) >= bound,
    );
  }
  return (v) => typeof v === 'number' && checks.every((check) => check(v));
}

function cidrTest(operand: unknown): ValueTest {
  if (typeof operand !== 'string') fail('prefix match pattern must be a string');
  const parts = (operand as string).split('/');
  if (parts.length !== 2) fail("Malformed CIDR, one '/' required");
  const [address, maskText] = parts as [string, string];
  if (!/^\d+$/.test(maskText)) fail('Malformed CIDR, mask bits must be an integer');
  const family = isIP(address);
  if (family === 0) fail(`Nonstandard IP address: ${address}`);
  const mask = Number(maskText);
  if (mask > (family === 4 ? 32 : 128))
    fail(`Malformed CIDR, mask bits must be between 0 and ${family === 4 ? 32 : 128}`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  list.addSubnet(address!, mask, type);
  return (v) => typeof v === 'string' && isIP(v) === family && list.check(v, type);
}

function anythingBut(operand: unknown): ValueTest {
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1) fail('Only one key allowed in anything-but match expression');
    const [kind] = keys as [string];
    const inner = operand[kind];
    const list = Array.isArray(inner) ? inner : [inner];
    if (list.length === 0) fail(`Empty arrays are not allowed`);
    let tests: ValueTest[];
    switch (kind) {
      case 'prefix':
      case 'suffix':
        if (isPlainObject(inner)) fail('Value of anything-but must be an array or single string/number value.');
        tests = list.map((text) => {
          if (typeof text !== 'string') fail('prefix/suffix match pattern must be a string');
          if (text === '') fail('Null prefix/suffix not allowed');
          return stringOperator(kind, text, false);
        });
        break;
      case 'wildcard':
        tests = list.map(wildcardTest);
        break;
      case 'equals-ignore-case':
        tests = list.map((text) => {
          if (typeof text !== 'string')
            fail('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
          const lower = (text as string).toLowerCase();
          return (v: Leaf) => typeof v === 'string' && v.toLowerCase() === lower;
        });
        break;
      default:
        return fail(`Unsupported anything-but pattern: ${kind}`);
    }
    return (v) => !tests.some((test) => test(v));
  }
  if (!Array.isArray(operand) && typeof operand !== 'string' && typeof operand !== 'number') {
    fail('Value of anything-but must be an array or single string/number value.');
  }
  const list = Array.isArray(operand) ? operand : [operand];
  if (list.length === 0) fail('Empty arrays are not allowed');
  for (const item of list) {
    if (typeof item !== 'string' && typeof item !== 'number') {
      fail('Inside anything but list, start|null|boolean is not supported.');
    }
  }
  const excluded = list.map((item) => equalsLiteral(item as Leaf));
  return (v) => !excluded.some((test) => test(v));
}

function matchField(field: FieldMatcher, leaves: readonly Leaf[]): boolean {
  for (const alternative of field.alternatives) {
    if (alternative.kind === 'exists') {
      if (alternative.present === leaves.length > 0) return true;
    } else if (leaves.some(alternative.test)) {
      return true;
    }
  }
  return false;
}

const NO_LEAVES: readonly Leaf[] = [];

function fieldsHold(conjunction: Conjunction, leaves: readonly (Leaf[] | undefined)[]): boolean {
  for (const field of conjunction.fields) if (!matchField(field, leaves[field.node] ?? NO_LEAVES)) return false;
  return true;
}

function matchConjunctions(conjunctions: readonly Conjunction[], leaves: readonly (Leaf[] | undefined)[]): boolean {
  const root = conjunctions[0]!;
  if (!fieldsHold(root, leaves)) return false;
  // The root's `$or`s are decided here, without a stack; deeper ones (rare) on orsHold's.
  for (const group of root.ors) {
    let held = false;
    for (let i = 0; i < group.length && !held; i++) {
      const branch = conjunctions[group[i]!]!;
      held = fieldsHold(branch, leaves) && orsHold(branch, conjunctions, leaves);
    }
    if (!held) return false;
  }
  return true;
}

/** A conjunction whose fields hold, waiting on its `$or`s: which one, and which branch of it is being tried. */
interface OrProgress {
  readonly conjunction: Conjunction;
  or: number;
  branch: number;
}

/**
 * Decides a conjunction's `$or`s (its fields hold): branch by branch until one
 * holds, as a recursive descent would, but on a stack of its own (a caller may
 * nest `$or`s as deep as it likes).
 */
function orsHold(
  conjunction: Conjunction,
  conjunctions: readonly Conjunction[],
  leaves: readonly (Leaf[] | undefined)[],
): boolean {
  if (conjunction.ors.length === 0) return true;
  const stack: OrProgress[] = [{ conjunction, or: 0, branch: 0 }];
  /** What the last branch decided, until the conjunction waiting on it takes it in. */
  let decided: boolean | undefined;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (decided !== undefined) {
      if (decided) {
        top.or++;
        top.branch = 0;
      } else {
        top.branch++;
      }
      decided = undefined;
    }
    const group = top.conjunction.ors[top.or];
    if (group === undefined || top.branch === group.length) {
      stack.pop();
      decided = group === undefined;
      continue;
    }
    const branch = conjunctions[group[top.branch]!]!;
    if (!fieldsHold(branch, leaves)) decided = false;
    else if (branch.ors.length === 0) decided = true;
    else stack.push({ conjunction: branch, or: 0, branch: 0 });
  }
  return decided === true;
}
