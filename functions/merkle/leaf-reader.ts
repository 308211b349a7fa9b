/**
 * Reads a log's rows in leaf order through its byLeaf index: eight
 * partitions (leaf i in partition i mod 8), each read in pages with the next
 * page fetched while the current one is consumed, and merged by taking leaf i
 * from partition i mod 8. Memory stays bounded (a page or two per partition)
 * whatever the size of the log. Whatever does not fit an append-only log is
 * reported where it is met: an index no row holds, an index two rows hold.
 */
import { QueryCommand, type AttributeValue, type DynamoDBClient, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { LEAF_SHARDS, leafIndexOf } from './leaf.ts';
import { LEAF_INDEX } from './logs.ts';

export type Row = Record<string, AttributeValue>;

export type LeafEvent =
  | { readonly kind: 'leaf'; readonly index: number; readonly row: Row }
  /** No row holds this index, though rows at later indexes (or the leaf counter) say it was handed out. */
  | { readonly kind: 'gap'; readonly index: number }
  /** More than one row claims this index. */
  | { readonly kind: 'duplicate'; readonly index: number; readonly rows: readonly Row[] }
  /** A row filed in the wrong partition of the index for its leaf index (met after its index was passed). */
  | { readonly kind: 'misplaced'; readonly index: number; readonly row: Row };

export interface ReadOptions {
  readonly from: number;
  /** Stop before this index (the leaf counter): indexes below it with no row are gaps. Unbounded when absent. */
  readonly to?: number;
  /** Items per query page (default: DynamoDB's 1 MB pages). */
  readonly pageSize?: number;
}

class ShardCursor {
  private items: Row[] = [];
  private position = 0;
  private next?: Promise<QueryCommandOutput>;
  private finished = false;

  constructor(
    private readonly query: (start?: Record<string, AttributeValue>) => Promise<QueryCommandOutput>,
  ) {
    this.next = query();
  }

  async peek(): Promise<Row | undefined> {
    while (this.position >= this.items.length) {
      if (this.finished || !this.next) return undefined;
      const page = await this.next;
      this.items = page.Items ?? [];
      this.position = 0;
      // The next page is on its way while this one is consumed.
      if (page.LastEvaluatedKey) this.next = this.query(page.LastEvaluatedKey);
      else {
        this.next = undefined;
        this.finished = true;
      }
    }
    return this.items[this.position];
  }

  shift(): void {
    this.position += 1;
  }
}

export async function* readLeaves(client: DynamoDBClient, table: string, options: ReadOptions): AsyncGenerator<LeafEvent> {
  const { from, to, pageSize } = options;
  if (to !== undefined && to <= from) return;
  const cursors = Array.from({ length: LEAF_SHARDS }, (_, shard) => {
    // Only the leaves of [from, to) in this partition: leaf i is in partition i mod 8.
    const first = from + ((shard - (from % LEAF_SHARDS) + LEAF_SHARDS) % LEAF_SHARDS);
    return new ShardCursor((start) =>
      client.send(
        new QueryCommand({
          TableName: table,
          IndexName: LEAF_INDEX,
          KeyConditionExpression: to === undefined ? 'leafShard = :s AND leafIndex >= :from' : 'leafShard = :s AND leafIndex BETWEEN :from AND :last',
          ExpressionAttributeValues: { ':s': { N: String(shard) }, ':from': { N: String(first) }, ...(to === undefined ? {} : { ':last': { N: String(Math.max(first, to - 1)) } }) },
          ...(pageSize ? { Limit: pageSize } : {}),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      ),
    );
  });
  const exhausted = async () => (await Promise.all(cursors.map((c) => c.peek()))).every((r) => r === undefined);
  for (let index = from; to === undefined || index < to; index++) {
    const cursor = cursors[index % LEAF_SHARDS]!;
    let head = await cursor.peek();
    let at = head ? leafIndexOf(head) : undefined;
    while (head !== undefined && (at === undefined || at < index)) {
      yield { kind: 'misplaced', index: at ?? -1, row: head };
      cursor.shift();
      head = await cursor.peek();
      at = head ? leafIndexOf(head) : undefined;
    }
    if (head === undefined || at === undefined || at > index) {
      if (to === undefined && (await exhausted())) return;
      yield { kind: 'gap', index };
      continue;
    }
    cursor.shift();
    const rows = [head];
    for (let more = await cursor.peek(); more && leafIndexOf(more) === index; more = await cursor.peek()) {
      rows.push(more);
      cursor.shift();
    }
    yield rows.length === 1 ? { kind: 'leaf', index, row: head } : { kind: 'duplicate', index, rows };
  }
}
