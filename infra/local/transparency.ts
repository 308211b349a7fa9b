/**
 * The local cloud's side of the signed Merkle logs: the Ed25519 log key in
 * the data dir (created on first start, mode 0600, like the credentials),
 * the checkpoint archive in the data dir, and a checkpointer loop for each
 * log in the cloud's own process (on AWS a scheduled Lambda signs with KMS
 * and archives to an Object Lock bucket: infra/constructs/transparency-log.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../functions/lib/document-client.ts';
import { DirectoryArchive } from '../../functions/merkle/archive.ts';
import { localSigner, type NoteSigner, newSecretKey, verifierOf, vkeyText } from '../../functions/merkle/checkpoint.ts';
import { type CheckpointPolicy, LogCheckpointer, type TickReport } from '../../functions/merkle/checkpointer.ts';
import { LOG_NAMES, LOGS, type LogName, originOf } from '../../functions/merkle/logs.ts';
import { readCounter } from '../../functions/merkle/tree-store.ts';

export const TRANSPARENCY_DIR = 'transparency';
const KEY_FILE = 'log-key.json';
/** Origins (and key names) of the local cloud's logs: `migration-exchange.local/exchange-log`, `…/access-ledger`. */
export const LOCAL_ORIGIN_PREFIX = 'migration-exchange.local';

export interface TransparencyOptions {
  /** Sign every this many leaves (MX_CHECKPOINT_ENTRIES, default 1,000)… */
  readonly entries?: number;
  /** …or once a leaf has waited this many seconds (MX_CHECKPOINT_SECONDS, default 10). */
  readonly seconds?: number;
  /** How often the checkpointer looks for new rows (default 1 s). */
  readonly tickMs?: number;
  /**
   * How long an empty leaf index is waited for before it is voided (default 2 minutes; see
   * functions/merkle/sequencer.ts).
   */
  readonly leaseMs?: number;
  /** `false` runs no checkpointer (rows are still sequenced): the bench's baseline. */
  readonly checkpointer?: boolean;
}

/**
 * What the cloud's health tells a platform caller about its logs: where checkpoints are and the keys that sign them.
 */
export interface TransparencyDescription {
  readonly checkpoints: string;
  readonly logs: Readonly<Record<LogName, { readonly origin: string; readonly vkey: string }>>;
}

interface KeyFile {
  readonly algorithm: 'ed25519';
  readonly secretKey: string;
  readonly vkeys: Readonly<Record<LogName, string>>;
}

/** The local log key: one Ed25519 key, one key name (= origin) per log. */
export async function loadOrCreateLogKey(dataDir: string): Promise<Record<LogName, NoteSigner>> {
  const file = path.join(dataDir, TRANSPARENCY_DIR, KEY_FILE);
  let secretKey: Uint8Array;
  try {
    secretKey = new Uint8Array(Buffer.from((JSON.parse(await readFile(file, 'utf8')) as KeyFile).secretKey, 'base64'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`cannot read the log key ${file}: ${(error as Error).message}`, { cause: error });
    secretKey = newSecretKey();
    const signers = signersOf(secretKey);
    await mkdir(path.dirname(file), { recursive: true });
    const content: KeyFile = {
      algorithm: 'ed25519',
      secretKey: Buffer.from(secretKey).toString('base64'),
      vkeys: vkeysOf(signers),
    };
    await writeFile(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  }
  return signersOf(secretKey);
}

/** The verifier keys of a data dir's logs (what `mx log` pins by default), without touching the secret. */
export async function readLocalVkeys(dataDir: string): Promise<Record<LogName, string> | undefined> {
  try {
    return (JSON.parse(await readFile(path.join(dataDir, TRANSPARENCY_DIR, KEY_FILE), 'utf8')) as KeyFile).vkeys;
  } catch {
    return undefined;
  }
}

function signersOf(secretKey: Uint8Array): Record<LogName, NoteSigner> {
  return Object.fromEntries(
    LOG_NAMES.map((log) => [log, localSigner(originOf(LOCAL_ORIGIN_PREFIX, log), secretKey)]),
  ) as Record<LogName, NoteSigner>;
}

function vkeysOf(signers: Record<LogName, NoteSigner>): Record<LogName, string> {
  return Object.fromEntries(
    LOG_NAMES.map((log) => [log, vkeyText(verifierOf(signers[log].name, signers[log].publicKey))]),
  ) as Record<LogName, string>;
}

function envNumber(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!(n > 0)) throw new Error(`${name} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}

export interface StartOptions {
  readonly dataDir: string;
  readonly inMemory: boolean;
  /** SDK configuration for in-process calls as the platform. */
  readonly clientConfig: DynamoDBClientConfig;
  readonly tableName: (id: string) => string;
  /** Whether the topology has a table (a test topology may leave a log's table out; that log then has no tree). */
  readonly hasTable: (id: string) => boolean;
  readonly options?: TransparencyOptions;
  readonly log: (message: string) => void;
}

export class LocalTransparency {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;
  private readonly reported = new Set<string>();

  private constructor(
    readonly checkpointers: readonly LogCheckpointer[],
    readonly description: TransparencyDescription,
    private readonly tickMs: number,
    private readonly log: (message: string) => void,
    private readonly cleanup: () => Promise<void>,
  ) {}

  /**
   * Reads the leaf counters before any writer of this process runs: an index
   * below them that no row holds was left by a process that is gone, and is
   * voided at once (see functions/merkle/sequencer.ts).
   */
  static async start({
    dataDir,
    inMemory,
    clientConfig,
    tableName,
    hasTable,
    options = {},
    log,
  }: StartOptions): Promise<LocalTransparency> {
    const signers = await loadOrCreateLogKey(dataDir);
    // An in-memory cloud's tables go with it, so its checkpoints must too.
    const checkpoints = path.join(
      dataDir,
      TRANSPARENCY_DIR,
      inMemory ? `in-memory-${process.pid}-${randomBytes(4).toString('hex')}` : 'checkpoints',
    );
    const archive = new DirectoryArchive(checkpoints);
    const raw = new DynamoDBClient(clientConfig);
    const doc = documentClient(raw);
    const policy: CheckpointPolicy = {
      entries: options.entries ?? envNumber('MX_CHECKPOINT_ENTRIES', 1000),
      seconds: options.seconds ?? envNumber('MX_CHECKPOINT_SECONDS', 10),
      leaseMs: options.leaseMs ?? 120_000,
    };
    const checkpointers: LogCheckpointer[] = [];
    for (const name of LOG_NAMES) {
      const layout = LOGS[name];
      if (!hasTable(layout.tableId)) continue;
      const table = tableName(layout.tableId);
      const voidBelow = await readCounter(doc, table, layout);
      checkpointers.push(
        new LogCheckpointer({ raw, doc, table, layout, signer: signers[name], archive, policy, voidBelow, log }),
      );
    }
    const description: TransparencyDescription = {
      checkpoints,
      logs: Object.fromEntries(
        LOG_NAMES.map((log) => [log, { origin: signers[log].name, vkey: vkeysOf(signers)[log] }]),
      ) as TransparencyDescription['logs'],
    };
    const cleanup = async () => {
      raw.destroy();
      if (inMemory) await rm(checkpoints, { recursive: true, force: true });
    };
    const transparency = new LocalTransparency(
      options.checkpointer === false ? [] : checkpointers,
      description,
      options.tickMs ?? 1000,
      log,
      cleanup,
    );
    transparency.schedule();
    return transparency;
  }

  private schedule(): void {
    if (this.stopped || this.checkpointers.length === 0) return;
    this.timer = setTimeout(() => {
      this.running = this.tickAll(false).finally(() => this.schedule());
    }, this.tickMs);
    this.timer.unref();
  }

  /** One tick of every log's checkpointer; problems are logged once each, never thrown (the loop must go on). */
  async tickAll(force: boolean): Promise<TickReport[]> {
    const reports: TickReport[] = [];
    for (const checkpointer of this.checkpointers) {
      try {
        const report = await checkpointer.tick(force);
        reports.push(report);
        if (report.stalled) this.once(report.stalled);
      } catch (error) {
        this.once(`${checkpointer.name} checkpointer: ${(error as Error).message}`);
      }
    }
    return reports;
  }

  private once(message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.log(message);
  }

  /**
   * Brings every log's tree up to its counter and signs what is unsigned
   * (tests and `mx log prove --wait`): ticks until each log is signed up to
   * its counter, stalled, or the time is up.
   */
  async checkpointNow(timeoutMs = 10_000): Promise<TickReport[]> {
    await this.running;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reports = await this.tickAll(true);
      const counters = await Promise.all(this.checkpointers.map((c) => c.counter()));
      if (
        reports.every((r, i) => r.stalled !== undefined || (r.signedSize >= counters[i]! && r.size >= counters[i]!)) ||
        Date.now() > deadline
      )
        return reports;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.cleanup();
  }
}
