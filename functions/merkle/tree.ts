/**
 * The Merkle tree of RFC 6962 / RFC 9162 §2.1 over a log's leaves: leaf
 * hashes `SHA-256(0x00 || data)`, interior nodes `SHA-256(0x01 || left ||
 * right)`, the tree of n leaves split at the largest power of two below n.
 * Pure: no I/O, no clock. SHA-256 is @noble/hashes' (audited, pure JS, runs
 * wherever a verifier does); what is written here is only the tree's
 * arithmetic, which no maintained npm package implements to the RFC, and
 * which the tests hold to transparency-dev/merkle's published vectors.
 *
 * Sizes and indexes are JavaScript numbers (exact to 2^53): bit tricks on
 * them are written as arithmetic, because `>>` and `&` truncate to 32 bits.
 */
import { sha256 } from '@noble/hashes/sha2.js';

export const HASH_BYTES = 32;
/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT = sha256(new Uint8Array(0));

export function leafHash(data: Uint8Array): Uint8Array {
  const input = new Uint8Array(data.length + 1);
  input.set(data, 1);
  return sha256(input);
}

const interior = new Uint8Array(1 + 2 * HASH_BYTES);
interior[0] = 1;
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  interior.set(left, 1);
  interior.set(right, 1 + HASH_BYTES);
  return sha256(interior);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);
const isPowerOfTwo = (n: number) => n >= 1 && 2 ** Math.round(Math.log2(n)) === n;

/** The largest power of two strictly below n (n ≥ 2): where RFC 6962 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A complete subtree: leaves [index·2^level, (index+1)·2^level). Level 0 nodes are the leaves. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** A half-open range of leaves [start, end) whose Merkle tree hash (MTH of RFC 6962) is one proof element. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The complete subtrees that the hash of leaves [start, end) is made of, in
 * the order `rangeHash` reads them: a range that is itself an aligned
 * complete subtree is one node, any other range splits as RFC 6962 splits it.
 */
export function rangeNodes({ start, end }: LeafRange): NodeId[] {
  const n = end - start;
  if (n < 1) throw new RangeError(`empty leaf range [${start}, ${end})`);
  if (isPowerOfTwo(n) && start % n === 0) return [{ level: Math.log2(n), index: start / n }];
  const k = splitPoint(n);
  return [...rangeNodes({ start, end: start + k }), ...rangeNodes({ start: start + k, end })];
}

/** MTH(D[start:end]) from stored complete subtrees (`node` must know every node `rangeNodes` names). */
export function rangeHash({ start, end }: LeafRange, node: (id: NodeId) => Uint8Array): Uint8Array {
  const n = end - start;
  if (isPowerOfTwo(n) && start % n === 0) return node({ level: Math.log2(n), index: start / n });
  const k = splitPoint(n);
  return nodeHash(rangeHash({ start, end: start + k }, node), rangeHash({ start: start + k, end }, node));
}

/** RFC 6962 §2.1.1 PATH(m, D[start:end]): the sibling ranges from the leaf up. */
function path(m: number, start: number, end: number): LeafRange[] {
  if (end - start === 1) return [];
  const k = splitPoint(end - start);
  return m < start + k
    ? [...path(m, start, start + k), { start: start + k, end }]
    : [...path(m, start + k, end), { start, end: start + k }];
}

/** The ranges whose hashes prove leaf `index` is in the tree of `size` leaves (RFC 6962 §2.1.1). */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size} leaves`);
  return path(index, 0, size);
}

/** RFC 6962 §2.1.2 SUBPROOF(m, D[start:end], complete). */
function subproof(m: number, start: number, end: number, complete: boolean): LeafRange[] {
  const n = end - start;
  if (m === n) return complete ? [] : [{ start, end }];
  const k = splitPoint(n);
  return m <= k
    ? [...subproof(m, start, start + k, complete), { start: start + k, end }]
    : [...subproof(m - k, start + k, end, false), { start, end: start + k }];
}

/** The ranges whose hashes prove the tree of `size1` leaves is a prefix of the tree of `size2` (RFC 6962 §2.1.2). */
export function consistencyRanges(size1: number, size2: number): LeafRange[] {
  if (!(size1 >= 0 && size1 <= size2)) throw new RangeError(`no consistency proof from ${size1} to ${size2} leaves`);
  return size1 === 0 || size1 === size2 ? [] : subproof(size1, 0, size2, true);
}

/** Why a proof does not verify, in a sentence; `undefined` when it does. */
export type ProofProblem = string | undefined;

/** RFC 9162's "right-shift both fn and sn equally until either LSB(fn) is set or fn is 0". */
function climbLeftEdge(fn: number, sn: number): [number, number] {
  while (!(isOdd(fn) || fn === 0)) {
    fn = half(fn);
    sn = half(sn);
  }
  return [fn, sn];
}

const badHash = (what: string, h: Uint8Array) =>
  h.length === HASH_BYTES ? undefined : `${what} is ${h.length} bytes, not ${HASH_BYTES}`;

/** RFC 9162 §2.1.3.2: does `proof` place `leaf` at `index` in the tree of `size` leaves whose root is `root`? */
export function checkInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): ProofProblem {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0)
    return `leaf index ${index} or tree size ${size} is not a whole number`;
  if (index >= size) return `leaf index ${index} is not below the tree size ${size}`;
  const shape =
    badHash('the leaf hash', leaf) ??
    badHash('the root hash', root) ??
    proof.map((p, i) => badHash(`proof element ${i}`, p)).find(Boolean);
  if (shape) return shape;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return `the proof has ${proof.length} elements, more than a tree of ${size} leaves needs`;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) [fn, sn] = climbLeftEdge(fn, sn);
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return `the proof has ${proof.length} elements, fewer than a tree of ${size} leaves needs`;
  return equalBytes(r, root) ? undefined : 'the proof leads to another root hash than the checkpoint signed';
}

/**
 * RFC 9162 §2.1.4.2: is the tree of `size1` leaves (root `root1`) a prefix of the tree of
 * `size2` leaves (root `root2`)?
 */
export function checkConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): ProofProblem {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0)
    return `tree sizes ${size1} and ${size2} are not whole numbers`;
  if (size2 < size1) return `the second tree (${size2} leaves) is smaller than the first (${size1})`;
  if (size1 === 0) return 'a consistency proof from the empty tree proves nothing';
  if (size1 === size2) {
    if (proof.length > 0) return 'trees of one size need an empty proof';
    return equalBytes(root1, root2) ? undefined : `two trees of ${size1} leaves with different roots`;
  }
  if (proof.length === 0) return 'the proof is empty';
  const shape =
    badHash('the first root', root1) ??
    badHash('the second root', root2) ??
    proof.map((p, i) => badHash(`proof element ${i}`, p)).find(Boolean);
  if (shape) return shape;
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return `the proof has ${proof.length} elements, more than these trees need`;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) [fn, sn] = climbLeftEdge(fn, sn);
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return `the proof has ${proof.length} elements, fewer than these trees need`;
  if (!equalBytes(fr, root1)) return `the proof does not lead to the first root (${size1} leaves)`;
  return equalBytes(sr, root2) ? undefined : `the proof does not lead to the second root (${size2} leaves)`;
}

/** A node of the right edge of a growing tree: a complete subtree not yet merged into a larger one. */
export interface EdgeNode {
  readonly level: number;
  readonly hash: Uint8Array;
}

/**
 * The right edge of a tree being built leaf by leaf (a compact range from 0):
 * at most log2(n) complete subtrees, so a tree of any size is built and its
 * root taken in bounded memory. `append` reports every subtree that becomes
 * complete, which is what the tile store keeps.
 */
export class TreeEdge {
  private readonly nodes: EdgeNode[];
  private leaves: number;

  constructor(size = 0, nodes: readonly EdgeNode[] = []) {
    const expected = [...size.toString(2)]
      .reverse()
      .flatMap((bit, level) => (bit === '1' ? [level] : []))
      .reverse();
    if (
      size > 0 &&
      (nodes.length !== expected.length ||
        nodes.some((n, i) => n.level !== expected[i] || n.hash.length !== HASH_BYTES))
    ) {
      throw new RangeError(`the right edge of a tree of ${size} leaves has subtrees of levels ${expected.join(', ')}`);
    }
    this.leaves = size;
    this.nodes = nodes.map((n) => ({ level: n.level, hash: n.hash }));
  }

  get size(): number {
    return this.leaves;
  }

  /** The edge, largest subtree first (what a tree's state stores). */
  get edge(): readonly EdgeNode[] {
    return this.nodes;
  }

  /** Appends a leaf hash; calls `completed` for the leaf and for each subtree it completes, lowest first. */
  append(leaf: Uint8Array, completed?: (node: NodeId, hash: Uint8Array) => void): void {
    const index = this.leaves;
    let hash = leaf;
    let level = 0;
    completed?.({ level: 0, index }, hash);
    while (this.nodes.length > 0 && this.nodes[this.nodes.length - 1]!.level === level) {
      hash = nodeHash(this.nodes.pop()!.hash, hash);
      level += 1;
      completed?.({ level, index: Math.floor(index / 2 ** level) }, hash);
    }
    this.nodes.push({ level, hash });
    this.leaves += 1;
  }

  /** MTH of the leaves so far: the edge folded from the right. */
  root(): Uint8Array {
    if (this.nodes.length === 0) return EMPTY_ROOT;
    let hash = this.nodes[this.nodes.length - 1]!.hash;
    for (let i = this.nodes.length - 2; i >= 0; i--) hash = nodeHash(this.nodes[i]!.hash, hash);
    return hash;
  }

  clone(): TreeEdge {
    return new TreeEdge(this.leaves, this.nodes);
  }
}

/** MTH of a list of leaf hashes, straight from RFC 6962's definition (the reference the tests hold the rest to). */
export function referenceRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  const k = splitPoint(leaves.length);
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}
