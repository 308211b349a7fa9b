/**
 * `mx log`: the signed Merkle logs over the exchange log and the access
 * ledger (functions/merkle). `verify` recomputes each tree from its rows and
 * checks every archived checkpoint; `prove` and `receipt` print a row's
 * inclusion proof with the checkpoint it hangs from; `check-proof` checks
 * such a file offline, with nothing but the file and the log's key; `key`
 * prints the keys to publish. The trust anchor is the key: by default the
 * data dir's, `--vkey` pins another (as someone who does not trust the
 * platform's operators would, with the key the platform published). The
 * work is loaded only when a command runs (signed-logs.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ProofCheck } from '../../functions/merkle/proof-file.ts';
import { SOURCES } from '../../schemas/define.ts';
import { resolveDataDir, withConnectionOptions } from './connection.ts';
import { CliError, printJson } from './output.ts';

/** A proof file bigger than this is refused unread (a real one is a few kB). */
const MAX_PROOF_FILE_BYTES = 8 * 1024 * 1024;
const LOGS = ['exchange-log', 'access-ledger'] as const;

/** Collects repeated `--vkey` options. */
const collect = (value: string, previous: string[] = []) => [...previous, value];
const signedLogs = () => import('./signed-logs.ts');

function printProofCheck(result: ProofCheck): void {
  for (const c of result.checks) process.stdout.write(`${c.ok ? '\u2713' : '\u2717'} ${c.check}: ${c.detail}\n`);
  if (result.ok && result.established) {
    const e = result.established;
    process.stdout.write(
      `\nThe ${e.log} (${e.origin}) holds this row at leaf ${e.leafIndex} of the ${e.treeSize} it signed at ` +
        `${e.signedAt}.${result.keyPinned ? '' : ' (Key not pinned: pass --vkey to trust it.)'}\n`,
    );
  }
}

function registerProve(log: Command, name: 'prove' | 'receipt', description: string): void {
  withConnectionOptions(
    log
      .command(`${name} <eventId>`)
      .description(description)
      .option(
        '--source <source>',
        `the event's source, when its id is used under more than one (${Object.values(SOURCES).join(', ')})`,
      )
      .option('--out <file>', 'write the proof file there instead of printing it')
      .option('--wait <seconds>', 'wait this long for a checkpoint to cover the event', '30')
      .option('--vkey <vkey>', 'the verifier key to pin (default: the data dir\u2019s)', collect),
  ).action(
    async (
      eventId: string,
      opts: { source?: string; out?: string; wait: string; vkey?: string[]; endpoint?: string; dataDir?: string },
    ) => {
      const wait = Number(opts.wait);
      if (!(wait >= 0 && wait <= 3600))
        throw new CliError(`--wait must be 0 to 3600 seconds, got ${JSON.stringify(opts.wait)}`);
      if (opts.source !== undefined && !(Object.values(SOURCES) as string[]).includes(opts.source))
        throw new CliError(`--source must be one of ${Object.values(SOURCES).join(', ')}`);
      const { withLogs, findEventRows, proveWithWait } = await signedLogs();
      await withLogs(opts, async (logs) => {
        const rows = await findEventRows(logs, eventId, opts.source);
        if (rows.length === 0)
          throw new CliError(`no event ${eventId} in the exchange log${opts.source ? ` under ${opts.source}` : ''}`);
        if (rows.length > 1)
          throw new CliError(
            `event id ${eventId} is used by ${rows.map((r) => r.source?.S).join(' and ')}: name one with --source`,
          );
        const proof = await proveWithWait(
          logs,
          'exchange-log',
          rows[0]!,
          name === 'receipt' ? 'receipt' : 'proof',
          wait,
        );
        const text = `${JSON.stringify(proof, null, 2)}\n`;
        if (!opts.out) return void process.stdout.write(text);
        await writeFile(opts.out, text);
        const row = proof.row as Record<string, { S?: string }>;
        process.stdout.write(
          `${name === 'receipt' ? 'receipt' : 'proof'} for ${row.source?.S} ${row.eventId?.S} (` +
            `${row.detailType?.S}, received ${row.time?.S}): leaf ${proof.leafIndex} of ${proof.treeSize}, written ` +
            `to ${opts.out}\ncheck it anywhere with: npx mx log check-proof ${opts.out} --vkey '${proof.vkey}'\n`,
        );
      });
    },
  );
}

export function registerLogCommands(program: Command): void {
  const log = program
    .command('log')
    .description(
      'the signed Merkle logs over the exchange log and the access ledger: verify, prove, receipts, offline checks',
    );

  withConnectionOptions(
    log
      .command('verify')
      .description(
        'recompute each log\u2019s Merkle tree from its rows, check every signed checkpoint, and name the first ' +
          'row that does not fit',
      )
      .option('--log <name>', `only this log (${LOGS.join(', ')})`)
      .option('--vkey <vkey>', 'a verifier key to pin (repeat for each log; default: the data dir\u2019s)', collect)
      .option('--json', 'print JSON'),
  ).action(async (opts: { log?: string; vkey?: string[]; json?: boolean; endpoint?: string; dataDir?: string }) => {
    if (opts.log !== undefined && !(LOGS as readonly string[]).includes(opts.log))
      throw new CliError(`--log must be one of ${LOGS.join(', ')}, got ${JSON.stringify(opts.log)}`);
    const { withLogs, verifyOne, printVerification } = await signedLogs();
    const results = await withLogs(opts, async (logs) => {
      const out: Awaited<ReturnType<typeof verifyOne>>[] = [];
      for (const name of LOGS.filter((l) => opts.log === undefined || l === opts.log)) {
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

  registerProve(
    log,
    'prove',
    'print the inclusion proof of an event in the exchange log, with the signed checkpoint it hangs from',
  );
  registerProve(
    log,
    'receipt',
    'the publishing agency\u2019s receipt for its event: the proof that the platform logged it, checkable offline',
  );

  log
    .command('check-proof <file>')
    .description(
      'check a proof or receipt file offline: needs neither the cloud nor credentials, only the log\u2019s ' +
        'published key',
    )
    .option(
      '--vkey <vkey>',
      'the log\u2019s verifier key, as the platform published it (default: the one the file names, which proves less)',
    )
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
      const { checkProofFile } = await import('../../functions/merkle/proof-file.ts');
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
      const { readLocalVkeys } = await import('../local/transparency.ts');
      const vkeys = await readLocalVkeys(dataDir);
      if (!vkeys) throw new CliError(`no log key in ${dataDir}: start the cloud once (\`npm start\`) to create it`);
      if (opts.json) return printJson(vkeys);
      for (const name of LOGS) process.stdout.write(`${name}  ${vkeys[name]}\n`);
    });
}
