/**
 * What `mx log` and `mx ledger --format data-tracker` do with the running
 * cloud's signed logs: open them with the trusted keys, verify, prove. Kept
 * apart from the command declarations (log-command.ts) so `mx --help` loads
 * none of it.
 */
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { SOURCES } from '../../schemas/define.ts';
import { documentClient } from '../../functions/lib/clients.ts';
import { detailMatchesDigest } from '../../functions/exchange-log/store.ts';
import { logKey, type LogEntry } from '../../functions/exchange-log/log-entry.ts';
import { DirectoryArchive, type CheckpointArchive } from '../../functions/merkle/archive.ts';
import { parseVkey, type NoteVerifier } from '../../functions/merkle/checkpoint.ts';
import { LOG_NAMES, LOGS, type LogName } from '../../functions/merkle/logs.ts';
import type { Row } from '../../functions/merkle/leaf-reader.ts';
import type { ProofFile } from '../../functions/merkle/proof-file.ts';
import { NoProof, proveRow } from '../../functions/merkle/prove.ts';
import { verifyLog, type LogVerification } from '../../functions/merkle/verify-log.ts';
import { cloudHealth } from '../local/health-client.ts';
import { readLocalVkeys, type TransparencyDescription } from '../local/transparency.ts';
import { connect, sdkConfig, type Connection } from './connection.ts';
import { CliError } from './output.ts';

export interface SignedLogs {
  readonly connection: Connection;
  readonly raw: DynamoDBClient;
  readonly doc: ReturnType<typeof documentClient>;
  readonly table: (log: LogName) => string;
  readonly archive: CheckpointArchive;
  readonly verifier: (log: LogName) => NoteVerifier;
  dispose(): void;
}

/** The logs of the running local cloud, with the keys that are trusted: pinned ones, else the data dir's. */
export async function openSignedLogs(opts: { endpoint?: string; dataDir?: string; vkey?: string[] }): Promise<SignedLogs> {
  const connection = await connect(opts);
  const health = await cloudHealth<{ tables: Record<string, string>; transparency: TransparencyDescription }>(connection.endpoint, connection.credentials);
  if (!health?.transparency) throw new CliError(`no signed logs at ${connection.endpoint}: is the local cloud running (\`npm start\`) with this data dir?`);
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
    const chosen = pinned.find((v) => v.name === origin) ?? (pinned.length === 0 && own ? parseVkey(own[log]) : undefined);
    if (chosen) verifiers.set(log, chosen);
  }
  const raw = new DynamoDBClient(sdkConfig(connection, connection.credentials.platform));
  return {
    connection,
    raw,
    doc: documentClient(raw),
    table: (log) => health.tables?.[LOGS[log].tableId] ?? LOGS[log].tableId,
    archive: new DirectoryArchive(health.transparency.checkpoints),
    verifier: (log) => {
      const v = verifiers.get(log);
      if (!v) throw new CliError(`no trusted key for the ${log}: pass --vkey with its verifier key (${health.transparency!.logs[log].origin}+…)`);
      return v;
    },
    dispose: () => raw.destroy(),
  };
}

export async function withLogs<T>(opts: { endpoint?: string; dataDir?: string; vkey?: string[] }, fn: (logs: SignedLogs) => Promise<T>): Promise<T> {
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
export function verifyOne(logs: SignedLogs, log: LogName, onProgress?: (leaves: number) => void): Promise<LogVerification> {
  const table = logs.table(log);
  return verifyLog({
    raw: logs.raw,
    doc: logs.doc,
    table,
    layout: LOGS[log],
    archive: logs.archive,
    verifier: logs.verifier(log),
    ...(onProgress ? { onProgress } : {}),
    // A detail split over part rows is outside the leaf: it must still be the event the row's digest names.
    ...(log === 'exchange-log' ? { checkRow: (row: Row) => checkParts(logs, table, row) } : {}),
  });
}

async function checkParts(logs: SignedLogs, table: string, row: Row): Promise<string | undefined> {
  if (row.detailParts?.N === undefined) return undefined;
  const text = (name: string) => row[name]?.S ?? '';
  const entry = { pk: text('pk'), digest: text('digest'), source: text('source'), detailType: text('detailType'), detailParts: Number(row.detailParts.N) } as Pick<LogEntry, 'pk' | 'digest' | 'source' | 'detailType' | 'detailParts'>;
  try {
    return (await detailMatchesDigest(logs.doc, table, entry)) ? undefined : 'its detail parts are not the event its digest names';
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
    sources.map(async (s) => (await logs.raw.send(new GetItemCommand({ TableName: logs.table('exchange-log'), Key: { pk: { S: logKey(s, eventId) } }, ConsistentRead: true }))).Item as Record<string, AttributeValue> | undefined),
  );
  return rows.filter((r): r is Row => r !== undefined);
}

/** A row's proof, waiting up to `waitSeconds` for a checkpoint to cover it. */
export async function proveWithWait(logs: SignedLogs, log: LogName, row: Row, kind: ProofFile['kind'], waitSeconds: number): Promise<ProofFile> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      return await proveRow(row, kind, { doc: logs.doc, table: logs.table(log), layout: LOGS[log], archive: logs.archive, verifier: logs.verifier(log) });
    } catch (error) {
      if (!(error instanceof NoProof) || !error.pending || Date.now() > deadline) throw error instanceof NoProof ? new CliError(error.message, error.pending ? 3 : 1) : error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
