/**
 * `<data-dir>/cloud.json`: which process serves a data dir, written when the
 * cloud listens and removed when it stops. A second cloud on the same dir
 * reads it to say who holds the dir (instead of a database LOCK error), and
 * `mx cloud status` / `mx cloud stop` find the cloud through it. A file whose
 * process is gone (a kill -9) is stale and ignored.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export const CLOUD_FILE = 'cloud.json';

export interface CloudFile {
  readonly pid: number;
  readonly port: number;
  readonly endpoint: string;
  /** ISO time the cloud started listening. */
  readonly started: string;
  readonly inMemory: boolean;
}

/** Whether a process is alive (EPERM: it is, but someone else's). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parse(text: string): CloudFile | undefined {
  try {
    const value = JSON.parse(text) as Partial<CloudFile>;
    if (
      typeof value.pid !== 'number' ||
      typeof value.endpoint !== 'string' ||
      typeof value.port !== 'number' ||
      typeof value.started !== 'string'
    )
      return undefined;
    return {
      pid: value.pid,
      port: value.port,
      endpoint: value.endpoint,
      started: value.started,
      inMemory: value.inMemory === true,
    };
  } catch {
    return undefined;
  }
}

/** The data dir's cloud.json if its process is alive; undefined when absent, unreadable or stale. */
export async function readCloudFile(dataDir: string): Promise<CloudFile | undefined> {
  const text = await readFile(path.join(dataDir, CLOUD_FILE), 'utf8').catch(() => undefined);
  const file = text === undefined ? undefined : parse(text);
  return file && isAlive(file.pid) ? file : undefined;
}

/** Written whole or not at all (a reader never sees half a file). */
export async function writeCloudFile(dataDir: string, file: CloudFile): Promise<void> {
  const target = path.join(dataDir, CLOUD_FILE);
  const partial = `${target}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(file, null, 2)}\n`);
  await rename(partial, target);
}

/** Removes cloud.json if it still names this cloud (another cloud may have taken the dir since). */
export async function removeCloudFile(dataDir: string, endpoint: string): Promise<void> {
  const text = await readFile(path.join(dataDir, CLOUD_FILE), 'utf8').catch(() => undefined);
  const file = text === undefined ? undefined : parse(text);
  if (file?.pid === process.pid && file.endpoint === endpoint)
    await rm(path.join(dataDir, CLOUD_FILE), { force: true });
}

/** Whether a cloud answers its liveness check at `endpoint` within `timeoutMs`. */
export async function answers(endpoint: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/_mx/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Raised when a data dir is already served by a live cloud; `code` lets callers tell it apart across module copies. */
export class DataDirInUseError extends Error {
  readonly code = 'MX_DATA_DIR_IN_USE';
  constructor(
    readonly dataDir: string,
    readonly holder: CloudFile | undefined,
  ) {
    super(dataDirInUseMessage(dataDir, holder));
    this.name = 'DataDirInUseError';
  }
}

export function dataDirInUseMessage(dataDir: string, holder: CloudFile | undefined): string {
  const who = holder
    ? `process ${holder.pid} (the cloud at ${holder.endpoint}, port ${holder.port}, started ${holder.started})`
    : 'another process';
  return (
    `the data dir ${dataDir} is in use by ${who}: stop it with \`npx mx cloud ` +
    `stop\`${holder ? '' : ' (or end that process)'}, or start this one with another --data-dir`
  );
}

/**
 * The cloud holding a data dir, if one does: its cloud.json names a live
 * process that answers at its endpoint. A live pid that does not answer is
 * not trusted (the pid may have been reused); the database lock still stops
 * a second cloud from opening the dir.
 */
export async function cloudHolding(dataDir: string): Promise<CloudFile | undefined> {
  const file = await readCloudFile(dataDir);
  if (!file || file.pid === process.pid) return undefined;
  return (await answers(file.endpoint)) ? file : undefined;
}

/**
 * Whether an error is a LevelDB / classic-level lock held by another process (the message of each layer names LOCK).
 */
export function isLockError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (code === 'LEVEL_LOCKED') return true;
  if (typeof message === 'string' && /\bLOCK\b/.test(message) && /lock|Resource temporarily unavailable/i.test(message))
    return true;
  return isLockError(cause, depth + 1);
}
