/**
 * The one writer of a log's Merkle tree: it reads the rows writers placed
 * at leaf indexes, in leaf order, extends the tree (and its tiles), settles
 * indexes no writer will fill (void leaves, see sequencer.ts), and signs a
 * checkpoint every N leaves or T seconds, whichever comes first. A
 * checkpoint is archived where it cannot be rewritten before the tree state
 * is saved, and the state is trusted only if it is the archived
 * checkpoint's: after a crash, a lost or forged state, the tree is rebuilt
 * from the rows and must reproduce the last signed root, or nothing more is
 * signed (a log never signs a tree inconsistent with what it signed before).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CheckpointArchive } from './archive.ts';
import { checkpointText, type NoteSigner, openCheckpoint, signNote, verifierOf } from './checkpoint.ts';
import { rowLabel, rowLeafHash } from './leaf.ts';
import { type Row, readLeaves } from './leaf-reader.ts';
import type { LogLayout } from './logs.ts';
import { voidLeaf } from './sequencer.ts';
import { edgeTiles, TileBuffer, tileKey } from './tiles.ts';
import { equalBytes, HASH_BYTES, TreeEdge } from './tree.ts';
import { readCounter, readState, readTiles, writeState, writeTile } from './tree-store.ts';

export interface CheckpointPolicy {
  /** Sign once this many leaves wait for a checkpoint… */
  readonly entries: number;
  /** …or once the oldest of them has waited this long, whichever comes first. */
  readonly seconds: number;
  /** A leaf index no row holds is voided after it has been seen empty this long (see sequencer.ts). */
  readonly leaseMs: number;
}

export interface CheckpointerOptions {
  readonly raw: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly table: string;
  readonly layout: LogLayout;
  readonly signer: NoteSigner;
  readonly archive: CheckpointArchive;
  readonly policy: CheckpointPolicy;
  /** Indexes below this were handed out to writers that are gone (the local cloud: the counter when it started). */
  readonly voidBelow?: number;
  /** Leaves read per tick at most, so one tick never holds the process long. */
  readonly maxLeavesPerTick?: number;
  readonly now?: () => number;
  readonly log?: (message: string) => void;
}

export interface TickReport {
  readonly log: string;
  /** Leaves in the tree now. */
  readonly size: number;
  /** Leaves under the last signed checkpoint. */
  readonly signedSize: number;
  /** The checkpoint signed by this tick, if any. */
  readonly signed?: { readonly size: number; readonly name: string };
  /** An index no row holds yet, which the tree waits for. */
  readonly waitingFor?: number;
  /** Why the checkpointer has stopped signing (the log does not match what it signed); needs an operator. */
  readonly stalled?: string;
}

/** Tiles are written in between checkpoints once this many have filled, so a long read never holds many in memory. */
const TILE_FLUSH = 64;

export class LogCheckpointer {
  private edge?: TreeEdge;
  private readonly tiles = new TileBuffer();
  private signed = { size: 0, time: 0 };
  /** When the oldest leaf not yet under a checkpoint joined the tree. */
  private pendingSince?: number;
  /** When each empty index was first seen empty. */
  private readonly holes = new Map<number, number>();
  private stalled?: string;
  private last: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly log: (message: string) => void;

  constructor(private readonly options: CheckpointerOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
  }

  get name(): string {
    return this.options.layout.name;
  }

  /** How many leaf indexes writers have claimed so far. */
  counter(): Promise<number> {
    return readCounter(this.options.doc, this.options.table, this.options.layout);
  }

  /**
   * One step: extend the tree with the rows written since, settle what must
   * be settled, sign when due (or when `force`d and anything is unsigned).
   * Ticks run one after another, however they are called.
   */
  tick(force = false): Promise<TickReport> {
    const run = this.last.then(() => this.step(force));
    this.last = run.catch(() => undefined);
    return run;
  }

  private async step(force: boolean): Promise<TickReport> {
    if (this.stalled) return this.report();
    const edge = this.edge ?? (await this.resume());
    if (!edge) return this.report();
    const { raw, doc, table, layout, maxLeavesPerTick = 20_000 } = this.options;
    const next = await readCounter(doc, table, layout);
    let waitingFor: number | undefined;
    if (next > edge.size) {
      // The tree grows up to the first empty index; past it, the rest of the range is still scanned so that every
      // hole that can be settled is voided in this one tick (a crash can leave hundreds), to be read in the next.
      let blockedAt: number | undefined;
      const voided: number[] = [];
      for await (const event of readLeaves(raw, table, {
        from: edge.size,
        to: Math.min(next, edge.size + maxLeavesPerTick),
      })) {
        if (event.kind === 'leaf') {
          if (blockedAt === undefined) this.append(edge, event.item);
          continue;
        }
        if (event.kind === 'gap') {
          blockedAt ??= event.index;
          if (this.holeSettled(event.index)) {
            await voidLeaf(
              doc,
              table,
              layout,
              event.index,
              'claimed by a writer that never wrote it (it stopped or gave up before writing)',
            );
            voided.push(event.index);
          } else waitingFor ??= event.index;
          continue;
        }
        const holder =
          event.kind === 'duplicate'
            ? `is held by ${event.items.length} rows (${event.items.map(rowLabel).join(', ')})`
            : `is claimed by row ${rowLabel(event.item)}, filed under another partition`;
        return this.stall(`leaf ${event.index} ${holder}`);
      }
      if (voided.length)
        this.log(
          `${layout.name}: ${voided.length} leaf index(es) voided, no row having been written for them: ` +
            `${compactRanges(voided)}`,
        );
      if (this.tiles.pending >= TILE_FLUSH) await this.flushTiles();
    }
    const waiting = edge.size - this.signed.size;
    const due =
      waiting > 0 &&
      (force ||
        waiting >= this.options.policy.entries ||
        this.now() - (this.pendingSince ?? this.now()) >= this.options.policy.seconds * 1000);
    const signed = due ? await this.sign(edge) : undefined;
    return this.report(signed, waitingFor);
  }

  private report(signed?: TickReport['signed'], waitingFor?: number): TickReport {
    return {
      log: this.options.layout.name,
      size: this.edge?.size ?? 0,
      signedSize: this.signed.size,
      ...(signed ? { signed } : {}),
      ...(waitingFor !== undefined ? { waitingFor } : {}),
      ...(this.stalled ? { stalled: this.stalled } : {}),
    };
  }

  private stall(reason: string): TickReport {
    this.stalled =
      `${this.options.layout.name}: ${reason}; no checkpoint is signed until an operator has run \`mx ` +
      `log verify\` and repaired the log`;
    this.log(this.stalled);
    return this.report();
  }

  private append(edge: TreeEdge, row: Row): void {
    edge.append(rowLeafHash(row), (node, hash) => this.tiles.add(node, hash));
    this.pendingSince ??= this.now();
  }

  private holeSettled(index: number): boolean {
    if (this.options.voidBelow !== undefined && index < this.options.voidBelow) return true;
    const seen = this.holes.get(index) ?? this.now();
    this.holes.set(index, seen);
    return this.now() - seen >= this.options.policy.leaseMs;
  }

  private async flushTiles(): Promise<void> {
    const { doc, table, layout } = this.options;
    const tiles = this.tiles.drain();
    for (let i = 0; i < tiles.length; i += 16)
      await Promise.all(tiles.slice(i, i + 16).map((t) => writeTile(doc, table, layout, t.tile, t.hashes)));
  }

  private async sign(edge: TreeEdge): Promise<TickReport['signed']> {
    const { doc, table, layout, signer, archive } = this.options;
    await this.flushTiles();
    // A checkpoint's time never goes back, even if the clock does.
    const time = Math.max(Math.floor(this.now() / 1000), this.signed.time);
    const note = await signNote(
      checkpointText({ origin: signer.name, size: edge.size, root: edge.root(), time }),
      signer,
    );
    const name = await archive.put(layout.name, { size: edge.size, time }, note);
    this.signed = { size: edge.size, time };
    this.pendingSince = undefined;
    this.holes.clear();
    if (!(await writeState(doc, table, layout, { size: edge.size, edge: edge.edge, checkpoint: name, time }))) {
      // Another checkpointer saved a larger tree: start again from what is stored.
      this.edge = undefined;
      this.log(`${layout.name}: another checkpointer is ahead; resuming from the stored state`);
    }
    return { size: edge.size, name };
  }

  /**
   * The tree as of the last archived checkpoint: from the saved state when it is that
   * checkpoint's, else rebuilt from the rows.
   */
  private async resume(): Promise<TreeEdge | undefined> {
    const { doc, table, layout, signer, archive } = this.options;
    const latest = await archive.latest(layout.name);
    if (!latest) {
      this.edge = new TreeEdge();
      return this.edge;
    }
    const checkpoint = openCheckpoint(latest.note, verifierOf(signer.name, signer.publicKey));
    if ('problem' in checkpoint) {
      this.stall(
        `the latest archived checkpoint ${latest.name} does not verify under this log's key (${checkpoint.problem})`,
      );
      return undefined;
    }
    this.signed = { size: checkpoint.size, time: checkpoint.time };
    const state = await readState(doc, table, layout);
    if (state && state.checkpoint === latest.name && state.size === checkpoint.size) {
      const edge = new TreeEdge(state.size, state.edge);
      if (equalBytes(edge.root(), checkpoint.root)) {
        const open = edgeTiles(state.size);
        const stored = await readTiles(
          doc,
          table,
          layout,
          open.map((t) => t.tile),
        );
        if (open.every((t) => (stored.get(tileKey(t.tile))?.length ?? 0) >= t.width * HASH_BYTES)) {
          this.tiles.resume(
            open.map((t) => ({ tile: t.tile, hashes: stored.get(tileKey(t.tile))!.subarray(0, t.width * HASH_BYTES) })),
          );
          this.edge = edge;
          return edge;
        }
      }
    }
    this.log(
      `${layout.name}: rebuilding the tree from the rows up to checkpoint ${latest.name} (${checkpoint.size} leaves)`,
    );
    const rebuilt = new TreeEdge();
    for await (const event of readLeaves(this.options.raw, table, { from: 0, to: checkpoint.size })) {
      if (event.kind !== 'leaf') {
        this.stall(
          `rebuilding the tree, leaf ${event.index} is ` +
            `${event.kind === 'gap' ? 'held by no row' : 'held by more than one row'}, though checkpoint ` +
            `${latest.name} covers it`,
        );
        return undefined;
      }
      this.append(rebuilt, event.item);
      if (this.tiles.pending >= TILE_FLUSH) await this.flushTiles();
    }
    this.pendingSince = undefined;
    if (!equalBytes(rebuilt.root(), checkpoint.root)) {
      this.stall(
        `the rows no longer give the root signed at ${latest.name}: a row under it was changed, removed or moved`,
      );
      return undefined;
    }
    await this.flushTiles();
    await writeState(doc, table, layout, {
      size: rebuilt.size,
      edge: rebuilt.edge,
      checkpoint: latest.name,
      time: checkpoint.time,
    });
    this.edge = rebuilt;
    return rebuilt;
  }
}

/** 3, 4, 5, 9 → "3-5, 9". */
function compactRanges(indexes: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indexes.length; i++) {
    let j = i;
    while (j + 1 < indexes.length && indexes[j + 1] === indexes[j]! + 1) j++;
    parts.push(j > i ? `${indexes[i]}-${indexes[j]}` : String(indexes[i]));
    i = j;
  }
  return parts.join(', ');
}
