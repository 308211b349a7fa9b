import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../../functions/lib/clients.ts';
import { LocalCloud, type CloudOptions } from '../../infra/local/cloud.ts';
import type { KeyPair } from '../../infra/local/credentials.ts';
import type { Ministry } from '../../infra/topology.ts';

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
  // Deliveries go out at once: the tests wait for the exchange to settle, and Lambda's one-second batching window would only slow them.
  const cloud = await LocalCloud.start({ port: 0, dataDir, retryDelayMs: 50, batchingWindowMs: 0, ...options });
  const clients: { destroy(): void }[] = [];
  const track = <T extends { destroy(): void }>(client: T) => (clients.push(client), client);
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
    mx: (...args) => run(process.execPath, [MX, ...args], { env: { ...process.env, AWS_ENDPOINT_URL: cloud.endpoint, MX_DATA_DIR: dataDir } }),
    async stop() {
      for (const client of clients) client.destroy();
      await cloud.stop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after the timeout with the last error. */
export async function waitFor<T>(check: () => Promise<T | undefined>, { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
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
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves when the process has exited (at once if it already has). */
  exited(): Promise<void>;
}

/** Starts `mx cloud start` as a child process without waiting for it (a test may race it). */
export function startCloudProcess(dataDir: string, port = 0): CloudProcess {
  const child = spawn(process.execPath, [MX, 'cloud', 'start', '--port', String(port), '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cloud did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /endpoint\s+(http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`cloud exited with ${code ?? signal}:\n${output}`));
    });
  });
  ready.catch(() => undefined);
  return { child, ready, output: () => output, exited: () => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : exit) };
}

/** Starts `mx cloud start` as a child process and resolves with its endpoint once it is ready. */
export async function spawnCloud(dataDir: string, port = 0): Promise<{ child: ChildProcess; endpoint: string }> {
  const started = startCloudProcess(dataDir, port);
  return { child: started.child, endpoint: await started.ready };
}
