/**
 * The two DynamoDB implementations the local cloud can run, and the rule
 * that picks one: dynalite (JavaScript, LevelDB, in a worker thread; installs
 * everywhere) and dynoxide (native, SQLite; where its optional platform
 * package installed). A fresh data dir gets the one measured faster
 * (PREFERRED_BACKEND); MX_DYNAMODB forces one. The choice then sticks to the
 * data dir: tables live in one backend's files, and starting the other would
 * show empty tables as if the data were gone.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DynamoRequest, DynamoResponse } from './dynoxide.ts';

export type BackendName = 'dynalite' | 'dynoxide';
export const BACKEND_NAMES: readonly BackendName[] = ['dynoxide', 'dynalite'];

export interface DynamoBackend {
  readonly name: BackendName;
  /** One line for logs and health: which implementation, version and storage. */
  readonly description: string;
  start(): Promise<void>;
  handle(request: DynamoRequest, res: DynamoResponse): void;
  close(): Promise<void>;
  /** CPU used outside this process (ms), for the bench; 0 for an in-process backend. */
  cpuMs(): number;
}

/**
 * The file dynoxide keeps its tables in, inside the cloud's DynamoDB folder (dynalite's LevelDB
 * files sit beside it and ignore it).
 */
export const DYNOXIDE_FILE = 'dynoxide.sqlite';

/** Which backends' files a DynamoDB folder holds. */
export function storedBackends(dir: string | undefined): { dynalite: boolean; dynoxide: boolean } {
  if (!dir) return { dynalite: false, dynoxide: false };
  return { dynalite: existsSync(path.join(dir, 'CURRENT')), dynoxide: existsSync(path.join(dir, DYNOXIDE_FILE)) };
}

/**
 * The backend a fresh data dir gets, chosen by measurement (`npm run bench`,
 * this project's shared 2-core machine, dynoxide 1.2.1 against dynalite
 * 4.0.0, over several runs). CPU per request, cloud and dynoxide process
 * together, dynoxide/dynalite: Query 0.5–0.6×, TransactWriteItems 0.65–0.8×,
 * GetItem and a conditional PutItem about 1×, PutItem 1–1.25×,
 * BatchWriteItem(25) 1.35–1.85× at about 0.4× the throughput: dynoxide
 * commits each item of a batch in its own SQLite transaction with
 * synchronous=FULL, an fsync each (0.6 ms on this disk), one writer at a
 * time, and has no flag to relax that; and forwarding to a second process
 * costs the cloud's event loop 0.05–0.5 ms more per request. End to end,
 * whole topology (log, registries, views; `MX_DYNAMODB=… npm run bench --
 * --only=throughput --events=5000`): dynalite median 620 events/s over 6
 * runs, dynoxide 520; in memory 600 against 490 (4 runs). So dynalite stays
 * the default, and `MX_DYNAMODB=dynoxide` selects dynoxide (stronger
 * durability: an answered write survives power loss, not only kill -9;
 * closer to DynamoDB). Flip this when the figures turn.
 */
export const PREFERRED_BACKEND: BackendName = 'dynalite';

export type Selection =
  | { readonly backend: BackendName; readonly reason: string; readonly fallback?: false }
  /** dynoxide is to be tried; if it then fails its health request, dynalite serves, for `reason`. */
  | { readonly backend: 'dynoxide'; readonly reason: string; readonly fallback: true }
  | { readonly refuse: string };

export interface SelectionInput {
  /** MX_DYNAMODB. */
  readonly forced: string | undefined;
  readonly preferred: BackendName;
  /** Whether dynoxide's binary was found (a failed health request is the caller's to handle, through `fallback`). */
  readonly dynoxide: { readonly ok: true; readonly version: string } | { readonly ok: false; readonly reason: string };
  /** What the data dir already holds. */
  readonly stored: { readonly dynalite: boolean; readonly dynoxide: boolean };
}

/** The rule, apart from I/O. */
export function selectBackend({ forced, preferred, dynoxide, stored }: SelectionInput): Selection {
  if (forced !== undefined && forced !== '' && !BACKEND_NAMES.includes(forced as BackendName)) {
    return { refuse: `MX_DYNAMODB must be one of ${BACKEND_NAMES.join(', ')}, got ${JSON.stringify(forced)}` };
  }
  if (forced === 'dynalite') return { backend: 'dynalite', reason: 'MX_DYNAMODB=dynalite' };
  if (forced === 'dynoxide') {
    return dynoxide.ok
      ? { backend: 'dynoxide', reason: 'MX_DYNAMODB=dynoxide' }
      : { refuse: `MX_DYNAMODB=dynoxide, but dynoxide cannot run here: ${dynoxide.reason}` };
  }
  if (stored.dynoxide && !stored.dynalite) {
    // Never swap the data's backend for the other's empty tables, not even as a fallback.
    return dynoxide.ok
      ? { backend: 'dynoxide', reason: "this data dir's tables are in dynoxide's SQLite file" }
      : {
          refuse:
            `this data dir's tables are in dynoxide's SQLite file, but dynoxide cannot run here ` +
            `(${dynoxide.reason}); MX_DYNAMODB=dynalite starts dynalite without those tables`,
        };
  }
  if (stored.dynalite && !stored.dynoxide) {
    return {
      backend: 'dynalite',
      reason:
        "this data dir's tables are in dynalite's LevelDB" +
        (dynoxide.ok ? '; MX_DYNAMODB=dynoxide starts dynoxide here, without them' : ''),
    };
  }
  if (preferred === 'dynoxide') {
    return dynoxide.ok
      ? { backend: 'dynoxide', reason: 'the faster backend here (npm run bench)', fallback: true }
      : { backend: 'dynalite', reason: `dynoxide is not available: ${dynoxide.reason}` };
  }
  return {
    backend: 'dynalite',
    reason:
      'the faster backend here (npm run bench)' +
      (dynoxide.ok
        ? `; MX_DYNAMODB=dynoxide selects dynoxide ${dynoxide.version}`
        : `; dynoxide is not available: ${dynoxide.reason}`),
  };
}

interface WorkerReply {
  id: number;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * dynalite in a worker thread (dynamodb-worker.mjs), handed the requests the
 * local cloud has already read and verified — no second HTTP hop, and its
 * CPU work off the main event loop.
 */
export class DynaliteWorker implements DynamoBackend {
  readonly name = 'dynalite' as const;
  private worker?: Worker;
  private readonly pending = new Map<number, DynamoResponse>();
  private nextId = 0;
  private ready?: Promise<void>;
  private closed?: Promise<void>;

  /** `dir` undefined keeps the data in memory. */
  constructor(private readonly dir: string | undefined) {}

  get description(): string {
    return `dynalite (${this.dir ? `LevelDB ${this.dir}` : 'in memory'}, in a worker thread)`;
  }

  start(): Promise<void> {
    this.ready ??= new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./dynamodb-worker.mjs', import.meta.url), { workerData: { path: this.dir } });
      this.worker = worker;
      worker.once('error', reject);
      worker.on('message', (message: WorkerReply & { type?: string }) => {
        if (message.type === 'ready') return resolve();
        if (message.type) return;
        const res = this.pending.get(message.id);
        if (!res) return;
        this.pending.delete(message.id);
        res.statusCode = message.status;
        for (const [name, value] of Object.entries(message.headers)) res.setHeader(name, value);
        res.end(message.body);
      });
    });
    return this.ready;
  }

  handle(request: DynamoRequest, res: DynamoResponse): void {
    const id = this.nextId++;
    this.pending.set(id, res);
    this.worker!.postMessage({
      id,
      headers: request.headers,
      method: request.method,
      url: request.url,
      body: request.body,
    });
  }

  cpuMs(): number {
    return 0;
  }

  close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    this.closed ??= new Promise<void>((resolve) => {
      const done = (message: { type?: string }) => {
        if (message.type === 'closed') {
          worker.off('message', done);
          void worker.terminate().then(() => resolve());
        }
      };
      worker.on('message', done);
      worker.postMessage({ type: 'close' });
    });
    return this.closed;
  }
}
