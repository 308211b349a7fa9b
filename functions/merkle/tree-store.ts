/**
 * The Merkle tree's bookkeeping items in a log's own table: the leaf
 * counter, the tree state at the last checkpoint (its size and right edge),
 * and the tiles proofs are built from (see tiles.ts).
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../lib/dynamo-errors.ts';
import type { LogLayout } from './logs.ts';
import { nodeFromTile, nodeSpan, type TileId, tileKey } from './tiles.ts';
import { type EdgeNode, HASH_BYTES, type NodeId } from './tree.ts';

/** The tree as of the last signed checkpoint. */
export interface TreeState {
  readonly size: number;
  readonly edge: readonly EdgeNode[];
  /** The archived name of the checkpoint this state was signed at. */
  readonly checkpoint: string;
  readonly time: number;
}

const keyAttribute = (layout: LogLayout) => Object.keys(layout.key('x'))[0]!;

/** How many leaf indexes have been handed out (the counter; 0 before the first claim). */
export async function readCounter(client: DynamoDBDocumentClient, table: string, layout: LogLayout): Promise<number> {
  const item = (await client.send(new GetCommand({ TableName: table, Key: layout.key('next'), ConsistentRead: true })))
    .Item as { next?: number } | undefined;
  return Number(item?.next ?? 0);
}

export async function readState(
  client: DynamoDBDocumentClient,
  table: string,
  layout: LogLayout,
): Promise<TreeState | undefined> {
  const item = (await client.send(new GetCommand({ TableName: table, Key: layout.key('state'), ConsistentRead: true })))
    .Item as
    | { size: number; edge: { level: number; hash: Uint8Array }[]; checkpoint: string; time: number }
    | undefined;
  if (!item) return undefined;
  return {
    size: Number(item.size),
    edge: item.edge.map((n) => ({ level: Number(n.level), hash: new Uint8Array(n.hash) })),
    checkpoint: item.checkpoint,
    time: Number(item.time),
  };
}

/** Writes the state at a checkpoint; a state never goes back to a smaller tree (a second, late checkpointer loses). */
export async function writeState(
  client: DynamoDBDocumentClient,
  table: string,
  layout: LogLayout,
  state: TreeState,
): Promise<boolean> {
  try {
    await client.send(
      new PutCommand({
        TableName: table,
        Item: {
          ...layout.key('state'),
          size: state.size,
          edge: state.edge.map((n) => ({ level: n.level, hash: n.hash })),
          checkpoint: state.checkpoint,
          time: state.time,
        },
        ConditionExpression: 'attribute_not_exists(#k) OR #size <= :size',
        ExpressionAttributeNames: { '#k': keyAttribute(layout), '#size': 'size' },
        ExpressionAttributeValues: { ':size': state.size },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** Writes a tile; a tile only grows (a stale writer cannot shrink it). */
export async function writeTile(
  client: DynamoDBDocumentClient,
  table: string,
  layout: LogLayout,
  tile: TileId,
  hashes: Uint8Array,
): Promise<void> {
  const width = hashes.length / HASH_BYTES;
  try {
    await client.send(
      new PutCommand({
        TableName: table,
        Item: { ...layout.key(tileKey(tile)), hashes, width },
        ConditionExpression: 'attribute_not_exists(#k) OR #w <= :w',
        ExpressionAttributeNames: { '#k': keyAttribute(layout), '#w': 'width' },
        ExpressionAttributeValues: { ':w': width },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

export async function readTiles(
  client: DynamoDBDocumentClient,
  table: string,
  layout: LogLayout,
  tiles: readonly TileId[],
): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  const unique = [...new Map(tiles.map((t) => [tileKey(t), t])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((t) => layout.key(tileKey(t)));
    for (let attempt = 0; keys?.length && attempt < 10; attempt++) {
      const out: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[table] ?? [])
        found.set(layout.itemName(item), new Uint8Array(item.hashes as Uint8Array));
      keys = out.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return found;
}

/**
 * The hashes of complete subtrees, computed from the tiles under them: what
 * a proof needs. Fails naming the node a missing or short tile leaves out.
 */
export async function readNodes(
  client: DynamoDBDocumentClient,
  table: string,
  layout: LogLayout,
  nodes: readonly NodeId[],
): Promise<(node: NodeId) => Uint8Array> {
  const tiles = await readTiles(
    client,
    table,
    layout,
    nodes.map((n) => nodeSpan(n).tile),
  );
  return (node) => {
    const { tile, from, count } = nodeSpan(node);
    const hashes = tiles.get(tileKey(tile));
    if (!hashes || hashes.length < (from + count) * HASH_BYTES)
      throw new Error(
        `the ${layout.name} tree has no stored hashes for node ${node.level}/${node.index} (tile ` +
          `${tileKey(tile)}); it is not checkpointed that far yet`,
      );
    return nodeFromTile(hashes, from, count);
  };
}
