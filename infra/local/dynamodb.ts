/**
 * DynamoDB for the local cloud: dynalite (LevelDB, in a worker thread) or
 * dynoxide (native, SQLite, a child process; where its optional platform
 * package installed). Both speak the full API the platform uses,
 * transactions included (dynalite's are added in
 * dynalite-transactions.mjs). `MX_DYNAMODB=dynalite|dynoxide` forces one;
 * see dynamodb-backends.ts for the default, measured, and the rule.
 */
import { mkdirSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import * as path from 'node:path';
import {
  type BackendName,
  DYNOXIDE_FILE,
  DynaliteWorker,
  type DynamoBackend,
  PREFERRED_BACKEND,
  selectBackend,
  storedBackends,
} from './dynamodb-backends.ts';
import { type DynamoRequest, DynoxideServer, locateDynoxide } from './dynoxide.ts';

export interface LocalDynamoOptions {
  /** Where the one line naming the backend (and any fallback) goes. */
  readonly log?: (message: string) => void;
  /** Forces a backend; defaults to MX_DYNAMODB. */
  readonly backend?: string;
  /** The backend a fresh data dir gets when none is forced; defaults to the measured PREFERRED_BACKEND. */
  readonly prefer?: BackendName;
}

export class LocalDynamo {
  private current?: DynamoBackend;
  private readonly log: (message: string) => void;

  /** `dir` undefined keeps the data in memory. */
  constructor(
    private readonly dir: string | undefined,
    private readonly options: LocalDynamoOptions = {},
  ) {
    this.log = options.log ?? (() => undefined);
  }

  /** Which implementation serves requests (after start()). */
  get backend(): BackendName {
    return this.backendOrThrow().name;
  }

  /** e.g. `dynoxide 1.2.1 (SQLite …/dynoxide.sqlite, pid 123 on 127.0.0.1:40123)`. */
  get description(): string {
    return this.backendOrThrow().description;
  }

  /** CPU the backend used outside this process, in ms (dynoxide's process; 0 for dynalite's thread). */
  childCpuMs(): number {
    return this.current?.cpuMs() ?? 0;
  }

  /** dynoxide's server pid, when it is the backend. */
  get childPid(): number | undefined {
    return this.current instanceof DynoxideServer ? this.current.pid : undefined;
  }

  async start(): Promise<void> {
    const located = locateDynoxide();
    const selection = selectBackend({
      forced: this.options.backend ?? process.env.MX_DYNAMODB,
      preferred: this.options.prefer ?? PREFERRED_BACKEND,
      dynoxide: 'missing' in located ? { ok: false, reason: located.missing } : { ok: true, version: located.version },
      stored: storedBackends(this.dir),
    });
    if ('refuse' in selection) throw new Error(`local DynamoDB: ${selection.refuse}`);
    if (selection.backend === 'dynalite') {
      await this.use(new DynaliteWorker(this.dir));
      this.log(`DynamoDB: ${this.description}; ${selection.reason}`);
      return;
    }
    // selectBackend refused this already
    if ('missing' in located) throw new Error(`local DynamoDB: ${located.missing}`);
    if (this.dir) mkdirSync(this.dir, { recursive: true });
    const dynoxide = new DynoxideServer({
      ...located,
      dbPath: this.dir ? path.join(this.dir, DYNOXIDE_FILE) : undefined,
      log: (m) => this.log(m),
    });
    try {
      await this.use(dynoxide);
      this.log(`DynamoDB: ${this.description}; ${selection.reason}`);
    } catch (error) {
      if (!selection.fallback) throw error;
      await this.use(new DynaliteWorker(this.dir));
      this.log(
        `DynamoDB: ${this.description}; dynoxide did not start, so dynalite serves instead: ` +
          `${(error as Error).message}`,
      );
    }
  }

  private async use(backend: DynamoBackend): Promise<void> {
    try {
      await backend.start();
    } catch (error) {
      await backend.close().catch(() => undefined);
      throw error;
    }
    this.current = backend;
  }

  private backendOrThrow(): DynamoBackend {
    if (!this.current) throw new Error('LocalDynamo: start() first');
    return this.current;
  }

  handle(request: DynamoRequest, res: ServerResponse): void {
    this.backendOrThrow().handle(request, res);
  }

  async close(): Promise<void> {
    await this.current?.close();
  }
}
