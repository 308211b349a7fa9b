import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { AGENCIES, MINISTRIES, type Ministry } from '../topology.ts';

export interface KeyPair {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Everything a local cloud needs to authenticate callers; lives in `<data-dir>/credentials.json`. */
export interface CloudCredentials {
  readonly region: string;
  readonly agencies: Readonly<Record<Ministry, KeyPair & { readonly sources: readonly string[] }>>;
  readonly operators: Readonly<Record<Ministry, KeyPair>>;
  /** The platform's own principal: handlers, the exchange log, mx admin commands. */
  readonly platform: KeyPair;
  /** HMAC key for pseudonymous person keys. */
  readonly personKeySecret: string;
}

export type Principal =
  | { readonly kind: 'agency'; readonly id: Ministry; readonly sources: readonly string[] }
  | { readonly kind: 'operator'; readonly ministry: Ministry }
  | { readonly kind: 'platform' };

export const CREDENTIALS_FILE = 'credentials.json';
export const DEFAULT_REGION = 'us-east-1';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function newKeyPair(prefix: string): KeyPair {
  const bytes = randomBytes(16);
  const id = [...bytes].map((b) => ALPHABET[b % 32]).join('');
  return { accessKeyId: `${prefix}${id}`, secretAccessKey: randomBytes(30).toString('base64') };
}

export function generateCredentials(region = DEFAULT_REGION): CloudCredentials {
  const agencies = Object.fromEntries(AGENCIES.map((a) => [a.id, { ...newKeyPair('AKIA'), sources: [...a.sources] }]));
  const operators = Object.fromEntries(MINISTRIES.map((m) => [m, newKeyPair('AKIA')]));
  return {
    region,
    agencies: agencies as unknown as CloudCredentials['agencies'],
    operators: operators as unknown as CloudCredentials['operators'],
    platform: newKeyPair('AKIA'),
    personKeySecret: randomBytes(32).toString('base64url'),
  };
}

export async function readCredentials(dataDir: string): Promise<CloudCredentials | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, CREDENTIALS_FILE), 'utf8')) as CloudCredentials;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path.join(dataDir, CREDENTIALS_FILE)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Loads the data dir's credentials, creating them (mode 0600) on first start. */
export async function loadOrCreateCredentials(dataDir: string): Promise<CloudCredentials> {
  const existing = await readCredentials(dataDir);
  if (existing) return existing;
  const created = generateCredentials();
  await mkdir(dataDir, { recursive: true });
  await writeFile(path.join(dataDir, CREDENTIALS_FILE), `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  return created;
}
