/**
 * Reads a log's rows in leaf order through its byLeaf index: eight
 * partitions (leaf i in partition i mod 8), each read in pages with the next
 * page fetched while the current one is consumed, and merged by taking leaf i
 * from partition i mod 8. Memory stays bounded (a page or two per partition)
 * whatever the size of the log. Whatever does not fit an append-only log is
 * reported where it is met: an index no row holds, an index two rows hold.
 * The merge works on anything that knows its leaf index, so the partitions
 * can also be read (and their rows hashed) in worker threads.
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { LEAF_SHARDS, leafIndexOf, rowLabel, rowLeafHash, textOf } from './leaf.ts';
import { LEAF_INDEX } from './logs.ts';

export type Row = Record<string, AttributeValue>;

export type Merged<T> =
  | { readonly kind: 'leaf'; readonly index: number; readonly item: T }
  /** No row holds this index, though rows at later indexes (or the leaf counter) say it was handed out. */
  | { readonly kind: 'gap'; readonly index: number }
  /** More than one row claims this index. */
  | { readonly kind: 'duplicate'; readonly index: number; readonly items: readonly T[] }
  /** A row filed in the wrong partition of the index for its leaf index (met after its index was passed). */
  | { readonly kind: 'misplaced'; readonly index: number; readonly item: T };

export type LeafEvent = Merged<Row>;

export interface ReadOptions {
  readonly from: number;
  /** Stop before this index (the leaf counter): indexes below it with no row are gaps. Unbounded when absent. */
  readonly to?: number;
  /** Items per query page (default: DynamoDB's 1 MB pages). */
  readonly pageSize?: number;
}

/** One partition's items in index order, a page at a time. */
export interface ShardCursor<T> {
  peek(): Promise<T | undefined>;
  shift(): void;
}

/**
 * The pages of one partition of the byLeaf index holding leaves of [from, to), the next page
 * requested as soon as one arrives.
 */
export async function* shardPages(
  client: DynamoDBClient,
  table: string,
  shard: number,
  { from, to, pageSize }: ReadOptions,
): AsyncGenerator<Row[]> {
  // Only the leaves of [from, to) in this partition: leaf i is in partition i mod 8.
  const first = from + ((shard - (from % LEAF_SHARDS) + LEAF_SHARDS) % LEAF_SHARDS);
  if (to !== undefined && first >= to) return;
  const query = (start?: Record<string, AttributeValue>): Promise<QueryCommandOutput> =>
    client.send(
      new QueryCommand({
        TableName: table,
        IndexName: LEAF_INDEX,
        KeyConditionExpression:
          to === undefined
            ? 'leafShard = :s AND leafIndex >= :from'
            : 'leafShard = :s AND leafIndex BETWEEN :from AND :last',
        ExpressionAttributeValues: {
          ':s': { N: String(shard) },
          ':from': { N: String(first) },
          ...(to === undefined ? {} : { ':last': { N: String(to - 1) } }),
        },
        ...(pageSize ? { Limit: pageSize } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
  let next: Promise<QueryCommandOutput> | undefined = query();
  while (next) {
    const page: QueryCommandOutput = await next;
    next = page.LastEvaluatedKey ? query(page.LastEvaluatedKey) : undefined;
    yield page.Items ?? [];
  }
}

/** A cursor over pages of items (however they are produced). */
export function pagedCursor<T>(pages: AsyncIterator<T[]>): ShardCursor<T> {
  let items: T[] = [];
  let position = 0;
  let finished = false;
  return {
    async peek() {
      while (position >= items.length) {
        if (finished) return undefined;
        const page = await pages.next();
        if (page.done) {
          finished = true;
          return undefined;
        }
        items = page.value;
        position = 0;
      }
      return items[position];
    },
    shift() {
      position += 1;
    },
  };
}

/** Merges the eight partitions into leaf order: leaf i is the head of partition i mod 8. */
export async function* mergeShards<T>(
  cursors: readonly ShardCursor<T>[],
  indexOf: (item: T) => number | undefined,
  { from, to }: Pick<ReadOptions, 'from' | 'to'>,
): AsyncGenerator<Merged<T>> {
  if (to !== undefined && to <= from) return;
  const exhausted = async () => (await Promise.all(cursors.map((c) => c.peek()))).every((r) => r === undefined);
  for (let index = from; to === undefined || index < to; index++) {
    const cursor = cursors[index % LEAF_SHARDS]!;
    let head = await cursor.peek();
    let at = head === undefined ? undefined : indexOf(head);
    while (head !== undefined && (at === undefined || at < index)) {
      yield { kind: 'misplaced', index: at ?? -1, item: head };
      cursor.shift();
      head = await cursor.peek();
      at = head === undefined ? undefined : indexOf(head);
    }
    if (head === undefined || at === undefined || at > index) {
      if (to === undefined && (await exhausted())) return;
      yield { kind: 'gap', index };
      continue;
    }
    cursor.shift();
    const items = [head];
    for (let more = await cursor.peek(); more !== undefined && indexOf(more) === index; more = await cursor.peek()) {
      items.push(more);
      cursor.shift();
    }
    yield items.length === 1 ? { kind: 'leaf', index, item: head } : { kind: 'duplicate', index, items };
  }
}

export function readLeaves(client: DynamoDBClient, table: string, options: ReadOptions): AsyncGenerator<LeafEvent> {
  const cursors = Array.from({ length: LEAF_SHARDS }, (_, shard) =>
    pagedCursor(shardPages(client, table, shard, options)),
  );
  return mergeShards(cursors, leafIndexOf, options);
}

/** Where an exchange-log row keeps a detail too big for itself (its part rows), which its digest covers. */
export interface DetailParts {
  readonly pk: string;
  readonly digest: string;
  readonly source: string;
  readonly detailType: string;
  readonly detailParts: number;
}

/**
 * What the verifier needs of a row: its position, leaf hash and name (a worker thread computes it next to the read).
 */
export interface HashedLeaf {
  readonly index: number;
  readonly hash: Uint8Array;
  readonly label: string;
  readonly parts?: DetailParts;
}

export function hashedLeaf(row: Row): HashedLeaf {
  const parts = row.detailParts?.N;
  return {
    index: leafIndexOf(row) ?? -1,
    hash: rowLeafHash(row),
    label: rowLabel(row),
    ...(parts === undefined
      ? {}
      : {
          parts: {
            pk: textOf(row, 'pk') ?? '',
            digest: textOf(row, 'digest') ?? '',
            source: textOf(row, 'source') ?? '',
            detailType: textOf(row, 'detailType') ?? '',
            detailParts: Number(parts),
          },
        }),
  };
}

/** The hashed leaves of a log in leaf order, read and hashed in this thread. */
export function readHashedLeaves(
  client: DynamoDBClient,
  table: string,
  options: ReadOptions,
): AsyncGenerator<Merged<HashedLeaf>> {
  const cursors = Array.from({ length: LEAF_SHARDS }, (_, shard) =>
    pagedCursor(mapPages(shardPages(client, table, shard, options), hashedLeaf)),
  );
  return mergeShards(cursors, (leaf) => (leaf.index < 0 ? undefined : leaf.index), options);
}

export async function* mapPages<A, B>(pages: AsyncIterable<A[]>, fn: (a: A) => B): AsyncGenerator<B[]> {
  for await (const page of pages) yield page.map(fn);
}
