import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/lib/document-client.ts';
import { type CloudOptions, LocalCloud } from '../../infra/local/cloud.ts';
import type { CloudCredentials, KeyPair } from '../../infra/local/credentials.ts';
import type { Ministry } from '../../infra/topology.ts';
import type { PutEventsEntry } from '../../schemas/entries.ts';

export const MX = path.resolve(import.meta.dirname, '../../infra/bin/mx.mjs');

export interface TestCloud {
  readonly cloud: LocalCloud;
  readonly dataDir: string;
  readonly endpoint: string;
  events(agency: Ministry): EventBridgeClient;
  eventsWith(keys: KeyPair): EventBridgeClient;
  platformEvents(): EventBridgeClient;
  dynamo(): DynamoDBClient;
  doc(): ReturnType<typeof documentClient>;
  sqs(): SQSClient;
  mx(...args: string[]): Promise<{ stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

const run = promisify(execFile);

/** Starts a local cloud in this process on a free port with a fresh temp data dir. */
export async function startTestCloud(options: Partial<CloudOptions> = {}): Promise<TestCloud> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'mx-cloud-')));
  // Deliveries go out at once: the tests wait for the exchange to settle, and Lambda's one-second batching
  // window would only slow them. Schedules fire only when a test triggers them: a test running at 01:30 UTC
  // must not see the nightly check.
  const cloud = await LocalCloud.start({
    port: 0,
    dataDir,
    retryDelayMs: 50,
    batchingWindowMs: 0,
    schedules: 'on-trigger',
    ...options,
  });
  const clients: { destroy(): void }[] = [];
  const track = <T extends { destroy(): void }>(client: T) => {
    clients.push(client);
    return client;
  };
  const config = (keys: KeyPair) => ({ ...cloud.clientConfig(keys), maxAttempts: 1 });
  return {
    cloud,
    dataDir,
    endpoint: cloud.endpoint,
    events: (agency) => track(new EventBridgeClient(config(cloud.credentials.agencies[agency]))),
    eventsWith: (keys) => track(new EventBridgeClient(config(keys))),
    platformEvents: () => track(new EventBridgeClient(config(cloud.credentials.platform))),
    dynamo: () => track(new DynamoDBClient(config(cloud.credentials.platform))),
    doc: () => documentClient(track(new DynamoDBClient(config(cloud.credentials.platform)))),
    sqs: () => track(new SQSClient(config(cloud.credentials.platform))),
    mx: (...args) =>
      run(process.execPath, [MX, ...args], {
        env: { ...process.env, AWS_ENDPOINT_URL: cloud.endpoint, MX_DATA_DIR: dataDir },
      }),
    async stop() {
      for (const client of clients) client.destroy();
      await cloud.stop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after the timeout with the last error. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until every queued delivery of an in-process cloud is done. */
export function settled(env: TestCloud): Promise<true> {
  return waitFor(async () => (env.cloud.health().pending === 0 ? true : undefined), { what: 'the exchange to settle' });
}

/** A free loopback port (bound and released at once), for a cloud that must come back on the same port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface CloudProcess {
  readonly child: ChildProcess;
  /** Resolves with the endpoint once the cloud prints that it is ready; rejects if it exits first. */
  readonly ready: Promise<string>;
  /** What the process wrote so far (stdout and stderr; the last `keepOutputChars` of it). */
  output(): string;
  /** Resolves when the process has exited (at once if it already has). */
  exited(): Promise<void>;
}

export interface CloudProcessOptions {
  /** How long the cloud may take to open its port (default 30 s; restoring a deep backlog takes longer). */
  readonly readyTimeoutMs?: number;
  /** Sees every chunk the process writes (stdout and stderr), e.g. to count log lines of a long run. */
  readonly onOutput?: (chunk: string) => void;
  /** How much of the output `output()` keeps (the latest); a fuzzing run logs a line per refused request. */
  readonly keepOutputChars?: number;
}

/** Starts `mx cloud start` as a child process without waiting for it (a test may race it). */
export function startCloudProcess(dataDir: string, port = 0, options: CloudProcessOptions = {}): CloudProcess {
  const child = spawn(
    process.execPath,
    [
      MX,
      'cloud',
      'start',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      // A test decides when the nightly check runs; a run that crosses 01:30 UTC must not get one of its own.
      '--schedules',
      'on-trigger',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = options.keepOutputChars ?? Number.POSITIVE_INFINITY;
  let output = '';
  let endpoint: string | undefined;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<string>((resolve, reject) => {
    const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
    const timer = setTimeout(
      () => reject(new Error(`cloud did not start within ${readyTimeoutMs / 1000} s:\n${output}`)),
      readyTimeoutMs,
    );
    const collect = (chunk: Buffer, stdout: boolean) => {
      const text = chunk.toString();
      output += text;
      // Trimmed in halves, not on every chunk: a fuzzing run's log arrives a line at a time.
      if (output.length > 2 * keep) output = output.slice(-keep);
      options.onOutput?.(text);
      if (!stdout || endpoint) return;
      const match = /endpoint\s+(http:\/\/\S+)/.exec(output);
      if (match) {
        endpoint = match[1]!;
        clearTimeout(timer);
        resolve(endpoint);
      }
    };
    child.stdout!.on('data', (chunk: Buffer) => collect(chunk, true));
    child.stderr!.on('data', (chunk: Buffer) => collect(chunk, false));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`cloud exited with ${code ?? signal}:\n${output}`));
    });
  });
  ready.catch(() => undefined);
  return {
    child,
    ready,
    output: () => (output.length > keep ? output.slice(-keep) : output),
    exited: () => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : exit),
  };
}

/** Starts `mx cloud start` as a child process and resolves with its endpoint once it is ready. */
export async function spawnCloud(dataDir: string, port = 0): Promise<{ child: ChildProcess; endpoint: string }> {
  const started = startCloudProcess(dataDir, port);
  return { child: started.child, endpoint: await started.ready };
}

/**
 * Publishes from `publishers` concurrent loops until `stop()` says so: each
 * sends `nextBatch()` with PutEvents and hands every acknowledged entry to
 * `onAcknowledged`. A refused connection (the port is not open yet, or the
 * process is gone) is retried after 2 ms until `stop()`: a publisher that
 * fires the instant the port answers. `pace`, awaited after each answered
 * call, holds the load to a rate. Returns how many calls failed.
 */
export async function publishUntil(
  client: EventBridgeClient,
  nextBatch: () => PutEventsEntry[],
  onAcknowledged: (entry: PutEventsEntry) => void,
  stop: () => boolean,
  publishers = 12,
  pace: () => Promise<void> = () => Promise.resolve(),
): Promise<{ failedCalls: number; refusedEntries: number }> {
  let failedCalls = 0;
  let refusedEntries = 0;
  await Promise.all(
    Array.from({ length: publishers }, async () => {
      while (!stop()) {
        const entries = nextBatch();
        try {
          const out = await client.send(new PutEventsCommand({ Entries: entries }));
          out.Entries!.forEach((e, i) => {
            if (e.EventId) onAcknowledged(entries[i]!);
            else refusedEntries += 1;
          });
          await pace();
        } catch {
          failedCalls += 1;
          await new Promise((r) => setTimeout(r, 2));
        }
      }
    }),
  );
  return { failedCalls, refusedEntries };
}

/** The event ids of every exchange-log row (a Scan: for tests and the chaos bench, never a request path). */
export async function loggedEventIds(endpoint: string, credentials: CloudCredentials): Promise<Set<string>> {
  const client = documentClient(
    new DynamoDBClient({
      endpoint,
      region: credentials.region,
      credentials: { ...credentials.platform },
      maxAttempts: 1,
    }),
  );
  const ids = new Set<string>();
  try {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: 'ExchangeLog', ProjectionExpression: 'eventId', ExclusiveStartKey }),
      );
      for (const item of page.Items ?? []) ids.add(item.eventId as string);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  } finally {
    client.destroy();
  }
  return ids;
}
