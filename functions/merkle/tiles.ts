/**
 * Where the tree's hashes are kept between checkpoints, so that a proof
 * needs a few reads instead of the whole log: tiles as C2SP tlog-tiles
 * lays them out. A tile of tile level L holds up to 256 consecutive hashes
 * of tree level 8·L (level-0 tiles hold leaf hashes; a level-1 tile the
 * roots of 256-leaf subtrees; …); the seven tree levels between are
 * recomputed from a tile's hashes when a proof needs them. A full tile never
 * changes; the right-most tile of each level grows. Tiles are derived data:
 * a proof built from a forged tile does not verify against a signed
 * checkpoint, and `verify` recomputes everything from the rows.
 */
import { HASH_BYTES, type NodeId, nodeHash } from './tree.ts';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;

export interface TileId {
  /** Tile level L: the tile holds hashes of tree level 8·L. */
  readonly level: number;
  readonly index: number;
}

export const tileKey = ({ level, index }: TileId) => `tile#${level}#${index}`;

/**
 * The tile a stored node goes to (only nodes of tree levels that are multiples of 8 are stored), and its slot in it.
 */
export function storedSlot(node: NodeId): { tile: TileId; slot: number } | undefined {
  if (node.level % TILE_HEIGHT !== 0) return undefined;
  return {
    tile: { level: node.level / TILE_HEIGHT, index: Math.floor(node.index / TILE_WIDTH) },
    slot: node.index % TILE_WIDTH,
  };
}

/** The tile a node is computed from, and which of its hashes: 2^(level mod 8) consecutive ones. */
export function nodeSpan(node: NodeId): { tile: TileId; from: number; count: number } {
  const tileLevel = Math.floor(node.level / TILE_HEIGHT);
  const height = node.level - tileLevel * TILE_HEIGHT;
  const first = node.index * 2 ** height;
  return {
    tile: { level: tileLevel, index: Math.floor(first / TILE_WIDTH) },
    from: first % TILE_WIDTH,
    count: 2 ** height,
  };
}

/**
 * The hash of a complete subtree, from the tile hashes under it (`hashes` holds a tile's 32-byte hashes back to back).
 */
export function nodeFromTile(hashes: Uint8Array, from: number, count: number): Uint8Array {
  if ((from + count) * HASH_BYTES > hashes.length)
    throw new RangeError(`the tile holds ${hashes.length / HASH_BYTES} hashes, the node needs ${from + count}`);
  let row = Array.from({ length: count }, (_, i) =>
    hashes.subarray((from + i) * HASH_BYTES, (from + i + 1) * HASH_BYTES),
  );
  while (row.length > 1) row = Array.from({ length: row.length / 2 }, (_, i) => nodeHash(row[2 * i]!, row[2 * i + 1]!));
  return row[0]!;
}

/**
 * How many hashes each tile level holds in a tree of `size` leaves (level L: the complete subtrees of 256^L leaves).
 */
export function storedCounts(size: number): number[] {
  const counts: number[] = [];
  for (let width = 1; width <= size; width *= TILE_WIDTH) counts.push(Math.floor(size / width));
  return counts;
}

/**
 * The right-most tile of each tile level in a tree of `size` leaves, with how many hashes it holds (none when
 * its level ends on a full tile).
 */
export function edgeTiles(size: number): { tile: TileId; width: number }[] {
  return storedCounts(size)
    .map((count, level) => ({ tile: { level, index: Math.floor(count / TILE_WIDTH) }, width: count % TILE_WIDTH }))
    .filter((t) => t.width > 0);
}

/**
 * The tiles the tree has grown since they were last written: fed every
 * completed node (TreeEdge.append reports them), it keeps the right-most
 * tile of each level and any tile that filled up, until `drain` hands them
 * over to be written.
 */
export class TileBuffer {
  private readonly open = new Map<number, { index: number; hashes: Uint8Array; width: number }>();
  private readonly dirty = new Map<string, { tile: TileId; hashes: Uint8Array }>();

  /** Seeds the buffer with the stored right-most tiles of the tree it continues. */
  resume(tiles: readonly { tile: TileId; hashes: Uint8Array }[]): void {
    for (const { tile, hashes } of tiles)
      this.open.set(tile.level, {
        index: tile.index,
        hashes: copyInto(new Uint8Array(TILE_WIDTH * HASH_BYTES), hashes),
        width: hashes.length / HASH_BYTES,
      });
  }

  add(node: NodeId, hash: Uint8Array): void {
    const place = storedSlot(node);
    if (!place) return;
    const { tile, slot } = place;
    let current = this.open.get(tile.level);
    if (!current || current.index !== tile.index) {
      current = { index: tile.index, hashes: new Uint8Array(TILE_WIDTH * HASH_BYTES), width: 0 };
      this.open.set(tile.level, current);
    }
    if (slot !== current.width)
      throw new RangeError(`tile ${tileKey(tile)}: hash for slot ${slot} arrived while ${current.width} are filled`);
    current.hashes.set(hash, slot * HASH_BYTES);
    current.width += 1;
    this.dirty.set(tileKey(tile), { tile, hashes: current.hashes.subarray(0, current.width * HASH_BYTES) });
  }

  /** Tiles written to since the last drain (copies: the buffer keeps growing its open tiles). */
  drain(): { tile: TileId; hashes: Uint8Array }[] {
    const out = [...this.dirty.values()].map(({ tile, hashes }) => ({ tile, hashes: hashes.slice() }));
    this.dirty.clear();
    return out;
  }

  get pending(): number {
    return this.dirty.size;
  }
}

function copyInto(target: Uint8Array, source: Uint8Array): Uint8Array {
  target.set(source);
  return target;
}
