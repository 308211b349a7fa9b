/**
 * Builds the proof file (proof-file.ts) for one row: its leaf, the inclusion
 * proof from the stored tiles, and the latest signed checkpoint. The proof
 * is checked before it is handed out, so a stale or damaged tile shows here
 * and not at the verifier's desk.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CheckpointArchive } from './archive.ts';
import { type NoteVerifier, openCheckpoint, vkeyText } from './checkpoint.ts';
import { leafContent, leafIndexOf, rowLabel, rowLeafHash } from './leaf.ts';
import type { Row } from './leaf-reader.ts';
import type { LogLayout } from './logs.ts';
import { PROOF_FORMAT, type ProofFile } from './proof-file.ts';
import { checkInclusion, inclusionRanges, rangeHash, rangeNodes } from './tree.ts';
import { readNodes } from './tree-store.ts';

export interface ProveOptions {
  readonly doc: DynamoDBDocumentClient;
  readonly table: string;
  readonly layout: LogLayout;
  readonly archive: CheckpointArchive;
  readonly verifier: NoteVerifier;
}

/** Why a row has no proof yet (or at all), when it has none. */
export class NoProof extends Error {
  constructor(
    message: string,
    /** Whether waiting for the next checkpoint would give one. */
    readonly pending: boolean,
  ) {
    super(message);
    this.name = 'NoProof';
  }
}

const b64 = (h: Uint8Array) => Buffer.from(h).toString('base64');

export async function proveRow(row: Row, kind: ProofFile['kind'], options: ProveOptions): Promise<ProofFile> {
  const { doc, table, layout, archive, verifier } = options;
  const index = leafIndexOf(row);
  if (index === undefined)
    throw new NoProof(
      `row ${rowLabel(row)} is no leaf of the ${layout.name} tree (smoke traffic, or written before the log was ` +
        `signed)`,
      false,
    );
  const latest = await archive.latest(layout.name);
  const checkpoint = latest ? openCheckpoint(latest.note, verifier) : undefined;
  if (checkpoint && 'problem' in checkpoint)
    throw new NoProof(`the latest checkpoint ${latest!.name} does not verify: ${checkpoint.problem}`, false);
  if (!latest || !checkpoint || checkpoint.size <= index) {
    throw new NoProof(
      `leaf ${index} (${rowLabel(row)}) is not under a signed checkpoint yet (the latest covers ` +
        `${checkpoint?.size ?? 0} leaves); checkpoints follow every N leaves or T seconds`,
      true,
    );
  }
  const ranges = inclusionRanges(index, checkpoint.size);
  const node = await readNodes(doc, table, layout, ranges.flatMap(rangeNodes));
  const proof = ranges.map((r) => rangeHash(r, node));
  const problem = checkInclusion(rowLeafHash(row), index, checkpoint.size, proof, checkpoint.root);
  if (problem)
    throw new NoProof(
      `the stored tree does not prove leaf ${index} (${rowLabel(row)}): ${problem}; run \`mx log verify\``,
      false,
    );
  return {
    format: PROOF_FORMAT,
    kind,
    log: layout.name,
    leafIndex: index,
    treeSize: checkpoint.size,
    row: leafContent(row),
    inclusionProof: proof.map(b64),
    checkpoint: latest.note,
    vkey: vkeyText(verifier),
  };
}
