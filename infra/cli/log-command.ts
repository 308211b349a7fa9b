/**
 * `mx log`: the signed Merkle logs over the exchange log and the access
 * ledger (functions/merkle). `verify` recomputes each tree from its rows and
 * checks every archived checkpoint; `prove` and `receipt` print a row's
 * inclusion proof with the checkpoint it hangs from; `check-proof` checks
 * such a file offline, with nothing but the file and the log's key; `key`
 * prints the keys to publish. The trust anchor is the key: by default the
 * data dir's, `--vkey` pins another (as someone who does not trust the
 * platform's operators would, with the key the platform published).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { SOURCES } from '../../schemas/define.ts';
import { documentClient } from '../../functions/lib/clients.ts';
import { detailMatchesDigest } from '../../functions/exchange-log/store.ts';
import { logKey, type LogEntry } from '../../functions/exchange-log/log-entry.ts';
import { DirectoryArchive, type CheckpointArchive } from '../../functions/merkle/archive.ts';
import { parseVkey, type NoteVerifier } from '../../functions/merkle/checkpoint.ts';
import { LOG_NAMES, LOGS, type LogName } from '../../functions/merkle/logs.ts';
import type { Row } from '../../functions/merkle/leaf-reader.ts';
import { checkProofFile, type ProofCheck, type ProofFile } from '../../functions/merkle/proof-file.ts';
import { NoProof, proveRow } from '../../functions/merkle/prove.ts';
import { verifyLog, type LogVerification } from '../../functions/merkle/verify-log.ts';
import { cloudHealth } from '../local/health-client.ts';
import { readLocalVkeys, type TransparencyDescription } from '../local/transparency.ts';
import { connect, resolveDataDir, sdkConfig, withConnectionOptions, type Connection } from './connection.ts';
import { CliError, printJson } from './output.ts';

/** A proof file bigger than this is refused unread (a real one is a few kB). */
const MAX_PROOF_FILE_BYTES = 8 * 1024 * 1024;

export interface SignedLogs {
  readonly connection: Connection;
  readonly raw: DynamoDBClient;
  readonly doc: ReturnType<typeof documentClient>;
  readonly table: (log: LogName) => string;
  readonly archive: CheckpointArchive;
  readonly verifier: (log: LogName) => NoteVerifier;
  dispose(): void;
}

/** Collects repeated `--vkey` options. */
const collect = (value: string, previous: string[] = []) => [...previous, value];

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

async function withLogs<T>(opts: { endpoint?: string; dataDir?: string; vkey?: string[] }, fn: (logs: SignedLogs) => Promise<T>): Promise<T> {
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

function printVerification(result: LogVerification): void {
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
async function findEventRows(logs: SignedLogs, eventId: string, source?: string): Promise<Row[]> {
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

function registerProve(log: Command, name: 'prove' | 'receipt', description: string): void {
  withConnectionOptions(
    log
      .command(`${name} <eventId>`)
      .description(description)
      .option('--source <source>', `the event's source, when its id is used under more than one (${Object.values(SOURCES).join(', ')})`)
      .option('--out <file>', 'write the proof file there instead of printing it')
      .option('--wait <seconds>', 'wait this long for a checkpoint to cover the event', '30')
      .option('--vkey <vkey>', 'the verifier key to pin (default: the data dir\u2019s)', collect),
  ).action(async (eventId: string, opts: { source?: string; out?: string; wait: string; vkey?: string[]; endpoint?: string; dataDir?: string }) => {
    const wait = Number(opts.wait);
    if (!(wait >= 0 && wait <= 3600)) throw new CliError(`--wait must be 0 to 3600 seconds, got ${JSON.stringify(opts.wait)}`);
    if (opts.source !== undefined && !(Object.values(SOURCES) as string[]).includes(opts.source)) throw new CliError(`--source must be one of ${Object.values(SOURCES).join(', ')}`);
    await withLogs(opts, async (logs) => {
      const rows = await findEventRows(logs, eventId, opts.source);
      if (rows.length === 0) throw new CliError(`no event ${eventId} in the exchange log${opts.source ? ` under ${opts.source}` : ''}`);
      if (rows.length > 1) throw new CliError(`event id ${eventId} is used by ${rows.map((r) => r.source?.S).join(' and ')}: name one with --source`);
      const proof = await proveWithWait(logs, 'exchange-log', rows[0]!, name === 'receipt' ? 'receipt' : 'proof', wait);
      const text = `${JSON.stringify(proof, null, 2)}\n`;
      if (!opts.out) return void process.stdout.write(text);
      await writeFile(opts.out, text);
      const row = proof.row as Record<string, { S?: string }>;
      process.stdout.write(
        `${name === 'receipt' ? 'receipt' : 'proof'} for ${row.source?.S} ${row.eventId?.S} (${row.detailType?.S}, received ${row.time?.S}): leaf ${proof.leafIndex} of ${proof.treeSize}, written to ${opts.out}\ncheck it anywhere with: npx mx log check-proof ${opts.out} --vkey '${proof.vkey}'\n`,
      );
    });
  });
}

function printProofCheck(result: ProofCheck): void {
  for (const c of result.checks) process.stdout.write(`${c.ok ? '\u2713' : '\u2717'} ${c.check}: ${c.detail}\n`);
  if (result.ok && result.established) {
    const e = result.established;
    process.stdout.write(`\nThe ${e.log} (${e.origin}) holds this row at leaf ${e.leafIndex} of the ${e.treeSize} it signed at ${e.signedAt}.${result.keyPinned ? '' : ' (Key not pinned: pass --vkey to trust it.)'}\n`);
  }
}

export function registerLogCommands(program: Command): void {
  const log = program.command('log').description('the signed Merkle logs over the exchange log and the access ledger: verify, prove, receipts, offline checks');

  withConnectionOptions(
    log
      .command('verify')
      .description('recompute each log\u2019s Merkle tree from its rows, check every signed checkpoint, and name the first row that does not fit')
      .option('--log <name>', `only this log (${LOG_NAMES.join(', ')})`)
      .option('--vkey <vkey>', 'a verifier key to pin (repeat for each log; default: the data dir\u2019s)', collect)
      .option('--json', 'print JSON'),
  ).action(async (opts: { log?: string; vkey?: string[]; json?: boolean; endpoint?: string; dataDir?: string }) => {
    if (opts.log !== undefined && !(LOG_NAMES as readonly string[]).includes(opts.log)) throw new CliError(`--log must be one of ${LOG_NAMES.join(', ')}, got ${JSON.stringify(opts.log)}`);
    const results = await withLogs(opts, async (logs) => {
      const out: LogVerification[] = [];
      for (const name of LOG_NAMES.filter((l) => opts.log === undefined || l === opts.log)) {
        const result = await verifyOne(logs, name);
        out.push(result);
        if (!opts.json) printVerification(result);
      }
      return out;
    });
    const ok = results.every((r) => r.ok);
    if (opts.json) printJson({ ok, logs: results });
    if (!ok) throw new CliError('a signed log does not match its rows (see above)', 2);
  });

  registerProve(log, 'prove', 'print the inclusion proof of an event in the exchange log, with the signed checkpoint it hangs from');
  registerProve(log, 'receipt', 'the publishing agency\u2019s receipt for its event: the proof that the platform logged it, checkable offline');

  log
    .command('check-proof <file>')
    .description('check a proof or receipt file offline: needs neither the cloud nor credentials, only the log\u2019s published key')
    .option('--vkey <vkey>', 'the log\u2019s verifier key, as the platform published it (default: the one the file names, which proves less)')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { vkey?: string; json?: boolean }) => {
      let text: string;
      try {
        const bytes = await readFile(file);
        if (bytes.length > MAX_PROOF_FILE_BYTES) throw new Error(`it is over ${MAX_PROOF_FILE_BYTES} bytes`);
        text = bytes.toString('utf8');
      } catch (error) {
        throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new CliError(`${file} is not JSON: ${(error as Error).message}`);
      }
      const result = checkProofFile(parsed, opts.vkey);
      if (opts.json) printJson(result);
      else printProofCheck(result);
      if (!result.ok) throw new CliError(`the proof does not hold: ${result.problem}`, 2);
    });

  log
    .command('key')
    .description('the verifier keys of the local cloud\u2019s logs (C2SP vkeys), to publish for those who check proofs')
    .option('--data-dir <dir>', 'local cloud data dir (default: MX_DATA_DIR, else ./.mx)')
    .option('--json', 'print JSON')
    .action(async (opts: { dataDir?: string; json?: boolean }) => {
      const dataDir = resolveDataDir(opts.dataDir);
      const vkeys = await readLocalVkeys(dataDir);
      if (!vkeys) throw new CliError(`no log key in ${dataDir}: start the cloud once (\`npm start\`) to create it`);
      if (opts.json) return printJson(vkeys);
      for (const name of LOG_NAMES) process.stdout.write(`${name}  ${vkeys[name]}\n`);
    });
}
