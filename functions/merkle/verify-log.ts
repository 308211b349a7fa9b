/**
 * `mx log verify`: recomputes a log's whole Merkle tree from its rows, in
 * leaf order and bounded memory, checks every archived checkpoint's
 * signature and that each signed root is the root of the rows (which also
 * proves every checkpoint consistent with every other: they are all roots
 * of prefixes of one leaf sequence), and names the first row that does not
 * fit. Naming a row uses the leaf hashes the checkpointer stored (tiles),
 * which are trusted only once they reproduce a signed root themselves.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ArchivedCheckpoint, CheckpointArchive } from './archive.ts';
import { type Checkpoint, type NoteVerifier, openCheckpoint, vkeyText } from './checkpoint.ts';
import { type HashedLeaf, type Merged, readHashedLeaves } from './leaf-reader.ts';
import type { LogLayout } from './logs.ts';
import { TILE_WIDTH, tileKey } from './tiles.ts';
import { equalBytes, HASH_BYTES, TreeEdge } from './tree.ts';
import { readCounter, readTiles } from './tree-store.ts';

export type ProblemKind =
  | 'checkpoint-signature'
  | 'checkpoint-root'
  | 'checkpoint-beyond-log'
  | 'row-changed'
  | 'rows-reordered'
  | 'row-missing'
  | 'row-duplicated'
  | 'row-misplaced'
  | 'row-detail';

export interface VerifyProblem {
  readonly kind: ProblemKind;
  readonly message: string;
  readonly leafIndex?: number;
  readonly row?: string;
  readonly checkpoint?: string;
}

export interface LogVerification {
  readonly log: string;
  readonly origin: string;
  readonly vkey: string;
  readonly ok: boolean;
  /** Leaves read from the log (up to the first break). */
  readonly leaves: number;
  /** Leaf indexes writers have claimed. */
  readonly counter: number;
  readonly checkpoints: {
    readonly archived: number;
    readonly verified: number;
    readonly latest?: { readonly name: string; readonly size: number; readonly signedAt: string };
  };
  /** Leaves not yet under a checkpoint (they will be at the next one). */
  readonly unsigned: number;
  readonly problems: readonly VerifyProblem[];
  readonly seconds: number;
}

export interface VerifyOptions {
  readonly raw: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly table: string;
  readonly layout: LogLayout;
  readonly archive: CheckpointArchive;
  readonly verifier: NoteVerifier;
  /** A check of a row beyond its leaf (the exchange log's detail parts); a sentence when it fails. */
  readonly checkLeaf?: (leaf: HashedLeaf) => Promise<string | undefined>;
  /** Where the hashed leaves come from (default: read and hashed in this thread; `mx` reads them in worker threads). */
  readonly source?: (range: { from: number; to: number }) => AsyncIterable<Merged<HashedLeaf>>;
  readonly onProgress?: (leaves: number) => void;
}

const MAX_PROBLEMS = 20;
const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');

interface Mismatch {
  readonly index: number;
  readonly row: string;
  readonly computed: Uint8Array;
  readonly recorded: Uint8Array;
}

/** The level-0 tile hashes (leaf hashes as the checkpointer recorded them), one tile in memory at a time. */
class RecordedLeaves {
  private tile = -1;
  private hashes?: Uint8Array;

  constructor(private readonly read: (tile: number) => Promise<Uint8Array | undefined>) {}

  async at(index: number): Promise<Uint8Array | undefined> {
    const tile = Math.floor(index / TILE_WIDTH);
    if (tile !== this.tile) {
      this.tile = tile;
      this.hashes = await this.read(tile);
    }
    const slot = index % TILE_WIDTH;
    return this.hashes && this.hashes.length >= (slot + 1) * HASH_BYTES
      ? this.hashes.subarray(slot * HASH_BYTES, (slot + 1) * HASH_BYTES)
      : undefined;
  }
}

export async function verifyLog(options: VerifyOptions): Promise<LogVerification> {
  const started = performance.now();
  const { raw, doc, table, layout, archive, verifier } = options;
  const problems: VerifyProblem[] = [];
  const problem = (p: VerifyProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };

  const archived = await archive.list(layout.name);
  const signed: (Checkpoint & { name: string })[] = [];
  for (const entry of archived) {
    const opened = openCheckpoint(entry.note, verifier);
    if ('problem' in opened)
      problem({
        kind: 'checkpoint-signature',
        checkpoint: entry.name,
        message: `checkpoint ${entry.name}: ${opened.problem} — it was not signed by ${vkeyText(verifier)}`,
      });
    else if (opened.size !== entry.size)
      problem({
        kind: 'checkpoint-signature',
        checkpoint: entry.name,
        message: `checkpoint ${entry.name} is filed as ${entry.size} leaves but signs ${opened.size}`,
      });
    else signed.push({ ...opened, name: entry.name });
  }
  signed.sort((a, b) => a.size - b.size || a.time - b.time);

  const counter = await readCounter(doc, table, layout);
  const end = Math.max(counter, signed.at(-1)?.size ?? 0);
  const recorded = new RecordedLeaves(async (tile) =>
    (await readTiles(doc, table, layout, [{ level: 0, index: tile }])).get(tileKey({ level: 0, index: tile })),
  );
  const edge = new TreeEdge();
  const mismatches: Mismatch[] = [];
  let next = 0;
  let verified = 0;
  let broken = false;
  const source = options.source ?? ((range) => readHashedLeaves(raw, table, range));
  for await (const event of source({ from: 0, to: end })) {
    if (event.kind === 'gap') {
      // Above the last checkpoint an empty index may still be written (or voided): not a problem yet.
      if (event.index >= (signed.at(-1)?.size ?? 0)) break;
      const was = await recorded.at(event.index);
      problem({
        kind: 'row-missing',
        leafIndex: event.index,
        message:
          `leaf ${event.index} is held by no row` +
          `${was ? ` (the log recorded a row hashing to ${hex(was)} there)` : ''}: a row was deleted or moved`,
      });
      broken = true;
      break;
    }
    if (event.kind === 'duplicate') {
      const labels = event.items.map((l) => l.label).join(', ');
      problem({
        kind: 'row-duplicated',
        leafIndex: event.index,
        row: labels,
        message: `leaf ${event.index} is claimed by ${event.items.length} rows: ${labels}`,
      });
      broken = true;
      break;
    }
    if (event.kind === 'misplaced') {
      problem({
        kind: 'row-misplaced',
        leafIndex: event.index,
        row: event.item.label,
        message:
          `row ${event.item.label} claims leaf ${event.index} but is filed in the wrong partition of the leaf ` +
          `index`,
      });
      broken = true;
      break;
    }
    const { hash, label } = event.item;
    const was = await recorded.at(event.index);
    if (was && !equalBytes(was, hash))
      mismatches.push({ index: event.index, row: label, computed: hash, recorded: was.slice() });
    const rowProblem = event.item.parts ? await options.checkLeaf?.(event.item) : undefined;
    if (rowProblem)
      problem({
        kind: 'row-detail',
        leafIndex: event.index,
        row: label,
        message: `leaf ${event.index} (${label}): ${rowProblem}`,
      });
    edge.append(hash);
    if (edge.size % 100_000 === 0) options.onProgress?.(edge.size);
    while (signed[next] && signed[next]!.size === edge.size) {
      const checkpoint = signed[next]!;
      if (equalBytes(edge.root(), checkpoint.root)) verified += 1;
      else problem(await rootProblem(checkpoint, mismatches, options));
      next += 1;
    }
  }
  for (const checkpoint of signed.slice(next)) {
    if (broken) break;
    problem({
      kind: 'checkpoint-beyond-log',
      checkpoint: checkpoint.name,
      message:
        `checkpoint ${checkpoint.name} signs ${checkpoint.size} leaves, the log holds ${edge.size}: rows ` +
        `under it were removed`,
    });
  }
  // Rows that do not hash as recorded but that no checkpoint covers yet are named too: the
  // next checkpoint would sign them.
  for (const m of mismatches)
    if (!problems.some((p) => p.leafIndex === m.index))
      problem(describeMismatch(m, mismatches, 'not yet under a checkpoint'));
  const latest = signed.at(-1);
  return {
    log: layout.name,
    origin: verifier.name,
    vkey: vkeyText(verifier),
    ok: problems.length === 0,
    leaves: edge.size,
    counter,
    checkpoints: {
      archived: archived.length,
      verified,
      ...(latest
        ? { latest: { name: latest.name, size: latest.size, signedAt: new Date(latest.time * 1000).toISOString() } }
        : {}),
    },
    unsigned: Math.max(0, edge.size - (latest?.size ?? 0)),
    problems,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
  };
}

/**
 * A signed root the rows do not give. The rows that hash differently from
 * what the log recorded are the suspects; the recorded hashes are evidence
 * only if they give the signed root (else they were changed too).
 */
async function rootProblem(
  checkpoint: Checkpoint & { name: string },
  mismatches: readonly Mismatch[],
  options: VerifyOptions,
): Promise<VerifyProblem> {
  const suspects = mismatches.filter((m) => m.index < checkpoint.size);
  const trusted = suspects.length > 0 && (await recordedRootIs(checkpoint, options));
  const first = suspects[0];
  if (first && trusted) {
    const described = describeMismatch(first, suspects, `under checkpoint ${checkpoint.name}`);
    return {
      ...described,
      checkpoint: checkpoint.name,
      message:
        `checkpoint ${checkpoint.name} (${checkpoint.size} leaves) does not match the rows; the first row ` +
        `that does not fit: ${described.message}`,
    };
  }
  return {
    kind: 'checkpoint-root',
    checkpoint: checkpoint.name,
    ...(first ? { leafIndex: first.index, row: first.row } : {}),
    message:
      `checkpoint ${checkpoint.name} (${checkpoint.size} leaves) does not match the rows: a row under it was ` +
      'changed' +
      (first
        ? `; leaf ${first.index} (${first.row}) hashes differently from the stored record, which was altered too ` +
          'and proves nothing'
        : ', and so were the stored leaf hashes that would name it'),
  };
}

function describeMismatch(m: Mismatch, all: readonly Mismatch[], where: string): VerifyProblem {
  const partner = all.find((o) => o !== m && equalBytes(o.computed, m.recorded) && equalBytes(m.computed, o.recorded));
  if (partner) {
    return {
      kind: 'rows-reordered',
      leafIndex: m.index,
      row: `${m.row}, ${partner.row}`,
      message:
        `leaves ${m.index} and ${partner.index} hold each other\u2019s rows (${m.row} and ${partner.row}): ` +
        `the rows were reordered (${where})`,
    };
  }
  const elsewhere = all.find((o) => o !== m && equalBytes(o.recorded, m.computed));
  return {
    kind: 'row-changed',
    leafIndex: m.index,
    row: m.row,
    message:
      `leaf ${m.index} (${m.row}) was changed after it was logged: it hashes to ${hex(m.computed)}, the log ` +
      `recorded ${hex(m.recorded)}${elsewhere ? ` (its content is what leaf ${elsewhere.index} held)` : ''} ` +
      `(${where})`,
  };
}

/**
 * Whether the recorded leaf hashes of the first `size` leaves give the checkpoint's root (then they
 * are the leaves that were signed).
 */
async function recordedRootIs(checkpoint: Checkpoint, options: VerifyOptions): Promise<boolean> {
  const { doc, table, layout } = options;
  const edge = new TreeEdge();
  for (let tile = 0; tile * TILE_WIDTH < checkpoint.size; tile += 16) {
    const ids = Array.from({ length: 16 }, (_, i) => ({ level: 0, index: tile + i })).filter(
      (t) => t.index * TILE_WIDTH < checkpoint.size,
    );
    const found = await readTiles(doc, table, layout, ids);
    for (const id of ids) {
      const hashes = found.get(tileKey(id));
      const count = Math.min(TILE_WIDTH, checkpoint.size - id.index * TILE_WIDTH);
      if (!hashes || hashes.length < count * HASH_BYTES) return false;
      for (let i = 0; i < count; i++) edge.append(hashes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES));
    }
  }
  return equalBytes(edge.root(), checkpoint.root);
}

export type { ArchivedCheckpoint };
