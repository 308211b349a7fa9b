/**
 * The two DynamoDB implementations the local cloud can run, and the rule
 * that picks one. dynoxide (native, SQLite) is preferred where its platform
 * package installed; dynalite (JavaScript, LevelDB, in a worker thread) is
 * the fallback that installs everywhere. The choice sticks to a data dir:
 * tables live in one backend's files, and starting the other would show
 * empty tables as if the data were gone.
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

/** The file dynoxide keeps its tables in, inside the cloud's DynamoDB folder (dynalite's LevelDB files sit beside it and ignore it). */
export const DYNOXIDE_FILE = 'dynoxide.sqlite';

/** Which backends' files a DynamoDB folder holds. */
export function storedBackends(dir: string | undefined): { dynalite: boolean; dynoxide: boolean } {
  if (!dir) return { dynalite: false, dynoxide: false };
  return { dynalite: existsSync(path.join(dir, 'CURRENT')), dynoxide: existsSync(path.join(dir, DYNOXIDE_FILE)) };
}

export type Selection =
  | { readonly backend: 'dynoxide'; readonly fallback?: { readonly reason: string } }
  | { readonly backend: 'dynalite'; readonly reason: string }
  | { readonly refuse: string };

/**
 * The rule, apart from I/O. `forced` is MX_DYNAMODB; `dynoxide` is whether
 * its binary was found (a failed health request is handled by the caller
 * through `fallback`); `stored` is what the data dir already holds.
 */
export function selectBackend(input: { forced: string | undefined; dynoxide: { ok: true } | { ok: false; reason: string }; stored: { dynalite: boolean; dynoxide: boolean } }): Selection {
  const { forced, dynoxide, stored } = input;
  if (forced !== undefined && forced !== '' && !BACKEND_NAMES.includes(forced as BackendName)) {
    return { refuse: `MX_DYNAMODB must be one of ${BACKEND_NAMES.join(', ')}, got ${JSON.stringify(forced)}` };
  }
  if (forced === 'dynalite') return { backend: 'dynalite', reason: 'MX_DYNAMODB=dynalite' };
  if (forced === 'dynoxide') {
    return dynoxide.ok ? { backend: 'dynoxide' } : { refuse: `MX_DYNAMODB=dynoxide, but dynoxide cannot run here: ${dynoxide.reason}` };
  }
  if (stored.dynalite && !stored.dynoxide) {
    return { backend: 'dynalite', reason: "this data dir's tables are in dynalite's LevelDB (a fresh data dir gets dynoxide; MX_DYNAMODB=dynoxide starts it here, without these tables)" };
  }
  if (!dynoxide.ok) {
    if (stored.dynoxide) {
      return { refuse: `this data dir's tables are in dynoxide's SQLite file, but dynoxide cannot run here (${dynoxide.reason}); MX_DYNAMODB=dynalite starts dynalite without those tables` };
    }
    return { backend: 'dynalite', reason: `dynoxide is not available: ${dynoxide.reason}` };
  }
  // dynoxide found: if it then fails its health request, dynalite takes over unless the data is dynoxide's.
  return stored.dynoxide ? { backend: 'dynoxide' } : { backend: 'dynoxide', fallback: { reason: 'dynoxide did not start' } };
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
    this.worker!.postMessage({ id, headers: request.headers, method: request.method, url: request.url, body: request.body });
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
