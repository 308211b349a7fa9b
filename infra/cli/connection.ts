import * as path from 'node:path';
import type { Command } from 'commander';
import { type CloudCredentials, readCredentials } from '../local/credentials.ts';
import { againstCloud } from './failures.ts';
import { CliError } from './output.ts';

export const DEFAULT_PORT = 4566;

export interface ConnectionOptions {
  endpoint?: string;
  dataDir?: string;
}

/** Adds the flags every command that talks to a running cloud shares. */
export function withConnectionOptions(command: Command): Command {
  return command
    .option('--endpoint <url>', 'cloud endpoint (default: AWS_ENDPOINT_URL, else http://127.0.0.1:4566)')
    .option('--data-dir <dir>', 'local cloud data dir holding credentials.json (default: MX_DATA_DIR, else ./.mx)');
}

export function resolveDataDir(flag?: string): string {
  return path.resolve(flag ?? process.env.MX_DATA_DIR ?? '.mx');
}

export function resolveEndpoint(flag?: string): string {
  return (flag ?? process.env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${DEFAULT_PORT}`).replace(/\/$/, '');
}

export interface Connection {
  readonly endpoint: string;
  readonly dataDir: string;
  readonly credentials: CloudCredentials;
}

export async function connect(options: ConnectionOptions): Promise<Connection> {
  const dataDir = resolveDataDir(options.dataDir);
  let credentials: CloudCredentials | undefined;
  try {
    credentials = await readCredentials(dataDir);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  if (!credentials) {
    throw new CliError(
      `no local cloud credentials in ${dataDir}: start the cloud with \`npm start\` (or pass --data-dir / MX_DATA_DIR)`,
    );
  }
  return { endpoint: resolveEndpoint(options.endpoint), dataDir, credentials };
}

/**
 * Connects and runs a command's work against the cloud: a cloud that does
 * not answer, or an AWS error, ends the command with one line, never a stack.
 */
export async function withCloud<T>(
  options: ConnectionOptions,
  work: (connection: Connection) => Promise<T>,
): Promise<T> {
  const connection = await connect(options);
  return againstCloud(connection.endpoint, () => work(connection));
}

export function sdkConfig(connection: Connection, keys: { accessKeyId: string; secretAccessKey: string }) {
  return {
    endpoint: connection.endpoint,
    region: connection.credentials.region,
    credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey },
    maxAttempts: 1,
  };
}

/**
 * The physical tables behind topology table ids on the local cloud (a replay
 * may have switched one), read once per command from its health endpoint.
 */
export async function physicalTables(connection: Connection): Promise<(id: string) => string> {
  // Loaded here, not at the top: signing pulls in the SDK's signer, which `mx --help` has no use for.
  const { cloudHealth } = await import('../local/health-client.ts');
  const health = await cloudHealth<{ tables: Record<string, string> }>(connection.endpoint, connection.credentials);
  return (id) => health?.tables?.[id] ?? id;
}
