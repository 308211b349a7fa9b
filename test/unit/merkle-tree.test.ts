import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkConsistency,
  checkInclusion,
  consistencyRanges,
  EMPTY_ROOT,
  inclusionRanges,
  leafHash,
  type NodeId,
  rangeHash,
  rangeNodes,
  referenceRoot,
  TreeEdge,
} from '../../functions/merkle/tree.ts';

const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');
const b64 = (s: string | null | undefined) => new Uint8Array(Buffer.from(s ?? '', 'base64'));

/** transparency-dev/merkle's reference tree (testonly/constants.go): its leaf inputs and the root at every size. */
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  (h) => leafHash(Buffer.from(h, 'hex')),
);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
  file: string;
}
interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
  file: string;
}
const vectors = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../fixtures/merkle-vectors/vectors.json'), 'utf8'),
) as { inclusion: InclusionVector[]; consistency: ConsistencyVector[] };

/** Every complete subtree of a list of leaves, for proofs built the way the log builds them (from stored nodes). */
function nodesOf(leaves: readonly Uint8Array[]): (id: NodeId) => Uint8Array {
  return ({ level, index }) => {
    const start = index * 2 ** level;
    const end = start + 2 ** level;
    if (end > leaves.length) throw new RangeError(`node ${level}/${index} is not complete in ${leaves.length} leaves`);
    return referenceRoot(leaves.slice(start, end));
  };
}

function proofOf(leaves: readonly Uint8Array[], ranges: readonly { start: number; end: number }[]): Uint8Array[] {
  return ranges.map((r) => rangeHash(r, nodesOf(leaves)));
}

const leafList = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));

describe('RFC 6962 tree', () => {
  it(
    'gives the reference roots of transparency-dev/merkle at every size from 0 to 8, leaf by leaf and from the ' +
      'definition',
    () => {
      const edge = new TreeEdge();
      expect(hex(edge.root())).toBe(ROOTS[0]);
      expect(hex(EMPTY_ROOT)).toBe(ROOTS[0]);
      for (let size = 1; size <= 8; size++) {
        edge.append(LEAVES[size - 1]!);
        expect(hex(edge.root())).toBe(ROOTS[size]);
        expect(hex(referenceRoot(LEAVES.slice(0, size)))).toBe(ROOTS[size]);
      }
    },
  );

  it.each(vectors.inclusion.map((v) => [v.file, v] as const))('inclusion vector %s', (_file, v) => {
    const problem = checkInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, (v.proof ?? []).map(b64), b64(v.root));
    if (v.wantErr) expect(problem, v.desc).toBeDefined();
    else expect(problem, v.desc).toBeUndefined();
  });

  it.each(vectors.consistency.map((v) => [v.file, v] as const))('consistency vector %s', (_file, v) => {
    const problem = checkConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), (v.proof ?? []).map(b64));
    if (v.wantErr) expect(problem, v.desc).toBeDefined();
    else expect(problem, v.desc).toBeUndefined();
  });

  it('builds the inclusion proofs of the vectors for the reference tree', () => {
    for (const v of vectors.inclusion.filter((c) => c.desc === 'happy path' && c.treeSize <= 8)) {
      expect(
        proofOf(LEAVES.slice(0, v.treeSize), inclusionRanges(v.leafIdx, v.treeSize)).map((p) =>
          Buffer.from(p).toString('base64'),
        ),
      ).toEqual(v.proof ?? []);
    }
  });

  it('builds the consistency proofs of the vectors for the reference tree', () => {
    for (const v of vectors.consistency.filter((c) => c.desc === 'happy path' && c.size2 <= 8)) {
      expect(
        proofOf(LEAVES.slice(0, v.size2), consistencyRanges(v.size1, v.size2)).map((p) =>
          Buffer.from(p).toString('base64'),
        ),
      ).toEqual(v.proof ?? []);
    }
  });

  it('proves every leaf of trees up to 300 leaves and refuses the proof for any other position or root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (size, pick) => {
        const leaves = leafList(size);
        const index = pick % size;
        const root = referenceRoot(leaves);
        const proof = proofOf(leaves, inclusionRanges(index, size));
        expect(checkInclusion(leaves[index]!, index, size, proof, root)).toBeUndefined();
        if (size > 1) expect(checkInclusion(leaves[index]!, (index + 1) % size, size, proof, root)).toBeDefined();
        if (proof.length > 0) expect(checkInclusion(leaves[index]!, index, size, proof.slice(1), root)).toBeDefined();
        expect(checkInclusion(leafHash(Buffer.from('another')), index, size, proof, root)).toBeDefined();
      }),
      { numRuns: 150 },
    );
  });

  it('proves every prefix consistent with the larger tree and refuses a tree that changed a leaf', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        fc.nat(),
        (size1, extra, pick) => {
          const size2 = size1 + extra;
          const leaves = leafList(size2);
          const root1 = referenceRoot(leaves.slice(0, size1));
          const root2 = referenceRoot(leaves);
          const proof = proofOf(leaves, consistencyRanges(size1, size2));
          expect(checkConsistency(size1, size2, root1, root2, proof)).toBeUndefined();
          // A log that rewrote one of the first tree's leaves cannot prove the new tree consistent with the old root.
          const forked = [...leaves];
          forked[pick % size1] = leafHash(Buffer.from('rewritten'));
          const forkedProof = proofOf(forked, consistencyRanges(size1, size2));
          expect(checkConsistency(size1, size2, root1, referenceRoot(forked), forkedProof)).toBeDefined();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reports every subtree a leaf completes, and those subtrees are the ones proofs read', () => {
    const stored = new Map<string, string>();
    const edge = new TreeEdge();
    const leaves = leafList(77);
    for (const leaf of leaves) edge.append(leaf, (node, hash) => stored.set(`${node.level}/${node.index}`, hex(hash)));
    const reference = nodesOf(leaves);
    for (const [key, hash] of stored) {
      const [level, index] = key.split('/').map(Number) as [number, number];
      expect(hash).toBe(hex(reference({ level, index })));
    }
    for (let i = 0; i < 77; i++)
      for (const range of inclusionRanges(i, 77))
        for (const node of rangeNodes(range)) expect(stored.has(`${node.level}/${node.index}`)).toBe(true);
  });

  it('resumes a tree from its stored right edge and refuses an edge that does not fit the size', () => {
    const leaves = leafList(45);
    const edge = new TreeEdge();
    for (const leaf of leaves.slice(0, 30)) edge.append(leaf);
    const resumed = new TreeEdge(30, edge.edge);
    for (const leaf of leaves.slice(30)) resumed.append(leaf);
    expect(hex(resumed.root())).toBe(hex(referenceRoot(leaves)));
    expect(() => new TreeEdge(31, edge.edge)).toThrow(/levels 4, 3, 2, 1, 0/);
  });

  it('handles sizes beyond 32 bits in proof arithmetic', () => {
    // Index and size above 2^32: the arithmetic must not truncate (a `>>` would). One leaf's proof against a made-up
    // root must fail on the root, not on the proof's length.
    const size = 2 ** 40 + 3;
    const proofLength = inclusionRanges(2 ** 40 + 1, size).length;
    const problem = checkInclusion(
      LEAVES[0]!,
      2 ** 40 + 1,
      size,
      Array.from({ length: proofLength }, () => LEAVES[1]!),
      LEAVES[2]!,
    );
    expect(problem).toBe('the proof leads to another root hash than the checkpoint signed');
  });
});
