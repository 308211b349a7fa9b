/**
 * A worker thread of `mx log verify`: reads some partitions of a log's
 * byLeaf index and hashes each row into its leaf, so that parsing and
 * hashing (most of a verification's work) run beside the thread that builds
 * the tree. Asked for a partition's next page, it answers with that page's
 * hashed leaves, or null when the partition has no more.
 */
import { parentPort, workerData } from 'node:worker_threads';
// A worker has a process.emitWarning of its own.
import '../bin/quiet-sdk-warning.mjs';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { type HashedLeaf, hashedLeaf, mapPages, shardPages } from '../../functions/merkle/leaf-reader.ts';

export interface LeafHashWork {
  readonly config: DynamoDBClientConfig;
  readonly table: string;
  readonly shards: readonly number[];
  readonly from: number;
  readonly to: number;
}

export type LeafHashRequest = { readonly shard: number };
export type LeafHashReply =
  | { readonly shard: number; readonly leaves: HashedLeaf[] | null }
  | { readonly shard: number; readonly error: string };

const work = workerData as LeafHashWork;
const client = new DynamoDBClient(work.config);
const pages = new Map(
  work.shards.map((shard) => [
    shard,
    mapPages(shardPages(client, work.table, shard, { from: work.from, to: work.to }), hashedLeaf)[
      Symbol.asyncIterator
    ](),
  ]),
);

parentPort!.on('message', ({ shard }: LeafHashRequest) => {
  const source = pages.get(shard);
  if (!source)
    return parentPort!.postMessage({
      shard,
      error: `this worker reads partitions ${work.shards.join(', ')}, not ${shard}`,
    } satisfies LeafHashReply);
  source.next().then(
    (page) => parentPort!.postMessage({ shard, leaves: page.done ? null : page.value } satisfies LeafHashReply),
    (error: unknown) => parentPort!.postMessage({ shard, error: (error as Error).message } satisfies LeafHashReply),
  );
});
