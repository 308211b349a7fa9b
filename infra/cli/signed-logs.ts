/**
 * What `mx log` and `mx ledger --format data-tracker` do with the running
 * cloud's signed logs: open them with the trusted keys, verify, prove. Kept
 * apart from the command declarations (log-command.ts) so `mx --help` loads
 * none of it.
 */
import { Worker } from 'node:worker_threads';
import {
  type AttributeValue,
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type LogEntry, logKey } from '../../functions/exchange-log/log-entry.ts';
import { detailMatchesDigest } from '../../functions/exchange-log/store.ts';
import { documentClient } from '../../functions/lib/document-client.ts';
import { type CheckpointArchive, DirectoryArchive } from '../../functions/merkle/archive.ts';
import { type NoteVerifier, parseVkey } from '../../functions/merkle/checkpoint.ts';
import { LEAF_SHARDS } from '../../functions/merkle/leaf.ts';
import {
  type HashedLeaf,
  type Merged,
  mergeShards,
  pagedCursor,
  type Row,
} from '../../functions/merkle/leaf-reader.ts';
import { LOG_NAMES, LOGS, type LogName } from '../../functions/merkle/logs.ts';
import type { ProofFile } from '../../functions/merkle/proof-file.ts';
import { NoProof, proveRow } from '../../functions/merkle/prove.ts';
import { type LogVerification, verifyLog } from '../../functions/merkle/verify-log.ts';
import { SOURCES } from '../../schemas/define.ts';
import { cloudHealth } from '../local/health-client.ts';
import { readLocalVkeys, type TransparencyDescription } from '../local/transparency.ts';
import { type Connection, connect, sdkConfig } from './connection.ts';
import type { LeafHashReply, LeafHashWork } from './leaf-hash-worker.ts';
import { CliError } from './output.ts';

export interface SignedLogs {
  readonly connection: Connection;
  /** The SDK configuration of `raw`, for worker threads to make clients of their own. */
  readonly config: DynamoDBClientConfig;
  readonly raw: DynamoDBClient;
  readonly doc: ReturnType<typeof documentClient>;
  readonly table: (log: LogName) => string;
  readonly archive: CheckpointArchive;
  readonly verifier: (log: LogName) => NoteVerifier;
  dispose(): void;
}

/** The logs of the running local cloud, with the keys that are trusted: pinned ones, else the data dir's. */
export async function openSignedLogs(opts: {
  endpoint?: string;
  dataDir?: string;
  vkey?: string[];
}): Promise<SignedLogs> {
  const connection = await connect(opts);
  const health = await cloudHealth<{ tables: Record<string, string>; transparency: TransparencyDescription }>(
    connection.endpoint,
    connection.credentials,
  );
  if (!health?.transparency)
    throw new CliError(
      `no signed logs at ${connection.endpoint}: is the local cloud running (\`npm start\`) with this data dir?`,
    );
  const own = await readLocalVkeys(connection.dataDir);
  const pinned = (opts.vkey ?? []).map((text) => {
    try {
      return parseVkey(text);
    } catch (error) {
      throw new CliError(`--vkey ${JSON.stringify(text.slice(0, 80))}: ${(error as Error).message}`);
    }
  });
  const verifiers = new Map<LogName, NoteVerifier>();
  for (const log of LOG_NAMES) {
    const origin = health.transparency.logs?.[log]?.origin;
    const chosen =
      pinned.find((v) => v.name === origin) ?? (pinned.length === 0 && own ? parseVkey(own[log]) : undefined);
    if (chosen) verifiers.set(log, chosen);
  }
  const config = sdkConfig(connection, connection.credentials.platform);
  const raw = new DynamoDBClient(config);
  return {
    connection,
    config,
    raw,
    doc: documentClient(raw),
    table: (log) => health.tables?.[LOGS[log].tableId] ?? LOGS[log].tableId,
    archive: new DirectoryArchive(health.transparency.checkpoints),
    verifier: (log) => {
      const v = verifiers.get(log);
      if (!v)
        throw new CliError(
          `no trusted key for the ${log}: pass --vkey with its verifier key ` +
            `(${health.transparency!.logs[log].origin}+…)`,
        );
      return v;
    },
    dispose: () => raw.destroy(),
  };
}

export async function withLogs<T>(
  opts: { endpoint?: string; dataDir?: string; vkey?: string[] },
  fn: (logs: SignedLogs) => Promise<T>,
): Promise<T> {
  const logs = await openSignedLogs(opts);
  try {
    return await fn(logs);
  } catch (error) {
    if (error instanceof CliError || error instanceof NoProof) throw error;
    throw new CliError(`${(error as Error).name}: ${(error as Error).message}`);
  } finally {
    logs.dispose();
  }
}

/** Runs the whole verification of one log. */
export function verifyOne(
  logs: SignedLogs,
  log: LogName,
  onProgress?: (leaves: number) => void,
): Promise<LogVerification> {
  const table = logs.table(log);
  return verifyLog({
    raw: logs.raw,
    doc: logs.doc,
    table,
    layout: LOGS[log],
    archive: logs.archive,
    verifier: logs.verifier(log),
    source: (range) => hashedInWorkers(logs.config, table, range),
    ...(onProgress ? { onProgress } : {}),
    // A detail split over part rows is outside the leaf: it must still be the event the row's digest names.
    ...(log === 'exchange-log' ? { checkLeaf: (leaf: HashedLeaf) => checkParts(logs, table, leaf) } : {}),
  });
}

/** Worker threads reading and hashing the log's partitions, so a verification uses both cores beside the cloud. */
const HASH_WORKERS = 2;

/** A log's hashed leaves in leaf order, its eight partitions read and hashed by worker threads. */
async function* hashedInWorkers(
  config: DynamoDBClientConfig,
  table: string,
  range: { from: number; to: number },
): AsyncGenerator<Merged<HashedLeaf>> {
  const workers = Array.from({ length: HASH_WORKERS }, (_, w) => {
    const shards = Array.from({ length: LEAF_SHARDS }, (_, s) => s).filter((s) => s % HASH_WORKERS === w);
    const worker = new Worker(new URL('./leaf-hash-worker.mjs', import.meta.url), {
      workerData: { config, table, shards, ...range } satisfies LeafHashWork,
    });
    const waiting = new Map<
      number,
      { resolve: (leaves: HashedLeaf[] | null) => void; reject: (error: Error) => void }
    >();
    worker.on('message', (reply: LeafHashReply) => {
      const pending = waiting.get(reply.shard);
      waiting.delete(reply.shard);
      if ('error' in reply)
        pending?.reject(new Error(`reading partition ${reply.shard} of the byLeaf index: ${reply.error}`));
      else pending?.resolve(reply.leaves);
    });
    worker.on('error', (error) => {
      for (const pending of waiting.values()) pending.reject(error);
      waiting.clear();
    });
    const request = (shard: number) =>
      new Promise<HashedLeaf[] | null>((resolve, reject) => {
        waiting.set(shard, { resolve, reject });
        worker.postMessage({ shard });
      });
    return { worker, request };
  });
  // One page asked for ahead of the one being merged, per partition.
  async function* pages(shard: number): AsyncGenerator<HashedLeaf[]> {
    const { request } = workers[shard % HASH_WORKERS]!;
    const ask = () => {
      const asked = request(shard);
      // Awaited below, or abandoned when the merge stops early: never an unhandled rejection either way.
      asked.catch(() => undefined);
      return asked;
    };
    let next = ask();
    for (;;) {
      const page = await next;
      if (page === null) return;
      next = ask();
      yield page;
    }
  }
  try {
    yield* mergeShards(
      Array.from({ length: LEAF_SHARDS }, (_, shard) => pagedCursor(pages(shard))),
      (leaf) => (leaf.index < 0 ? undefined : leaf.index),
      range,
    );
  } finally {
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}

async function checkParts(logs: SignedLogs, table: string, leaf: HashedLeaf): Promise<string | undefined> {
  if (!leaf.parts) return undefined;
  const entry: Pick<LogEntry, 'pk' | 'digest' | 'source' | 'detailType' | 'detailParts'> = leaf.parts;
  try {
    return (await detailMatchesDigest(logs.doc, table, entry))
      ? undefined
      : 'its detail parts are not the event its digest names';
  } catch (error) {
    return `its detail parts cannot be read: ${(error as Error).message}`;
  }
}

export function printVerification(result: LogVerification): void {
  const latest = result.checkpoints.latest;
  const head = `${result.log} (${result.origin}): ${result.ok ? 'OK' : 'DOES NOT VERIFY'}`;
  const facts = [
    `${result.leaves} leaves recomputed`,
    `${result.checkpoints.verified} of ${result.checkpoints.archived} checkpoints verified`,
    latest ? `latest: ${latest.size} leaves, signed ${latest.signedAt}` : 'no checkpoint yet',
    `${result.unsigned} leaves await the next checkpoint`,
    `${result.seconds} s`,
  ];
  process.stdout.write(`${head}\n  ${facts.join('; ')}\n`);
  for (const p of result.problems) process.stdout.write(`  \u2717 ${p.message}\n`);
}

/** The exchange-log rows of an event id: under the given source, or under every source that has one. */
export async function findEventRows(logs: SignedLogs, eventId: string, source?: string): Promise<Row[]> {
  const sources = source ? [source] : Object.values(SOURCES);
  const rows = await Promise.all(
    sources.map(
      async (s) =>
        (
          await logs.raw.send(
            new GetItemCommand({
              TableName: logs.table('exchange-log'),
              Key: { pk: { S: logKey(s, eventId) } },
              ConsistentRead: true,
            }),
          )
        ).Item as Record<string, AttributeValue> | undefined,
    ),
  );
  return rows.filter((r): r is Row => r !== undefined);
}

/** A row's proof, waiting up to `waitSeconds` for a checkpoint to cover it. */
export async function proveWithWait(
  logs: SignedLogs,
  log: LogName,
  row: Row,
  kind: ProofFile['kind'],
  waitSeconds: number,
): Promise<ProofFile> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      return await proveRow(row, kind, {
        doc: logs.doc,
        table: logs.table(log),
        layout: LOGS[log],
        archive: logs.archive,
        verifier: logs.verifier(log),
      });
    } catch (error) {
      if (!(error instanceof NoProof) || !error.pending || Date.now() > deadline)
        throw error instanceof NoProof ? new CliError(error.message, error.pending ? 3 : 1) : error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
