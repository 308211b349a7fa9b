/**
 * Every mx command fails with one line, never a Node stack trace: a stopped
 * cloud gets the same sentence from every command that talks to it, a file
 * that is not there is named, and a malformed person is refused before
 * anything is looked up. The CLI is spawned as an operator runs it, against
 * a port nothing listens on.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCredentials } from '../../infra/local/credentials.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry } from '../../schemas/entries.ts';

const run = promisify(execFile);
const MX = path.resolve(import.meta.dirname, '../../infra/bin/mx.mjs');
const SPAWN_TIMEOUT = 60_000;

let dataDir: string;
let endpoint: string;

/** Runs mx and returns how it ended, whether it succeeded or not. */
async function mx(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [MX, ...args], {
      env: { ...process.env, MX_DATA_DIR: dataDir, AWS_ENDPOINT_URL: endpoint, MX_DEBUG: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A loopback port that was free a moment ago and that nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'mx-cli-failures-'));
  await writeFile(path.join(dataDir, 'credentials.json'), JSON.stringify(generateCredentials()), { mode: 0o600 });
  await writeFile(
    path.join(dataDir, 'visa.json'),
    JSON.stringify(exampleEntry(latestDefinition('VisaIssued')!, 'migration-exchange')),
  );
  endpoint = `http://127.0.0.1:${await closedPort()}`;
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const STACK_FRAME = /^\s+at /m;

describe('mx with the cloud stopped', () => {
  const commands: readonly (readonly string[])[] = [
    ['publish', '--as', 'foreign-affairs', '<data>/visa.json'],
    ['smoke', '--timeout', '5'],
    ['dlq', 'list'],
    ['dlq', 'redrive', 'mx-labour-view-dlq'],
    ['trace', '--citizenship', 'UZB', '--document', 'FA1234567'],
    ['ledger', '--iin', '900101300017'],
    ['contradictions', '--as-of', '2021-12-01'],
    ['replay', 'labour'],
    ['replay', 'labour', '--list'],
    ['view', 'labour', 'stats', '--year', '2021'],
    ['view', 'interior', 'person', '--citizenship', 'UZB', '--document', 'FA1234567', '--purpose', 'case 2021/17'],
    ['breaches'],
    ['breaches', '--as', 'interior'],
    ['simulate', '--year', '2021', '--scale', '0.001'],
  ];

  it.each(commands.map((c) => [c.join(' '), c] as const))(
    'mx %s says the cloud is not reachable, in the one sentence every command uses',
    async (_, command) => {
      const result = await mx(...command.map((a) => a.replace('<data>', dataDir)));
      expect(result.stderr).toBe(
        `mx: the cloud at ${endpoint} is not reachable: start it with \`npm start\` (or pass --endpoint)\n`,
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
    },
    SPAWN_TIMEOUT,
  );
});

describe('mx refuses bad input in one line', () => {
  it(
    'publish names a file that is not there',
    async () => {
      const missing = path.join(dataDir, 'no-such-visa.json');
      const result = await mx('publish', '--as', 'foreign-affairs', missing);
      expect(result).toMatchObject({ code: 1, stderr: `mx: cannot read ${missing}: no such file\n` });
    },
    SPAWN_TIMEOUT,
  );

  it(
    'ledger, trace and view refuse a malformed IIN alike, before looking anything up',
    async () => {
      const ledger = await mx('ledger', '--iin', '123');
      const trace = await mx('trace', '--iin', '123');
      const view = await mx('view', 'interior', 'person', '--iin', '123', '--purpose', 'case 2021/17');
      for (const result of [ledger, trace, view])
        expect(result).toMatchObject({ code: 1, stderr: 'mx: iin: an IIN is exactly 12 digits\n' });
      // A well-formed IIN whose check digit is wrong is refused by the same rule as the query API's.
      expect(await mx('ledger', '--iin', '900101300018')).toMatchObject({
        code: 1,
        stderr: 'mx: iin: IIN check digit does not match\n',
      });
    },
    SPAWN_TIMEOUT,
  );

  it(
    'ledger refuses an unknown citizenship and a malformed document number',
    async () => {
      expect(await mx('ledger', '--citizenship', 'XXX', '--document', 'FA1234567')).toMatchObject({
        code: 1,
        stderr: 'mx: citizenship must be an ISO 3166-1 alpha-3 code, got "XXX"\n',
      });
      expect(await mx('ledger', '--citizenship', 'UZB', '--document', 'F-1')).toMatchObject({
        code: 1,
        stderr: 'mx: document must be a travel document number (5-20 letters or digits), got "F-1"\n',
      });
    },
    SPAWN_TIMEOUT,
  );

  it(
    'no command prints a stack trace, whatever it refuses',
    async () => {
      const results = await Promise.all([
        mx('publish', '--as', 'foreign-affairs', dataDir),
        mx('view', 'labour', 'stats', '--data-dir', path.join(dataDir, 'nothing-here')),
        mx('replay', 'ministry-of-magic'),
      ]);
      expect(results.map((r) => r.stderr)).toEqual([
        `mx: cannot read ${dataDir}: it is a directory\n`,
        `mx: no local cloud credentials in ${path.join(dataDir, 'nothing-here')}: start the cloud with \`npm ` +
          `start\` (or pass --data-dir / MX_DATA_DIR)\n`,
        'mx: unknown ministry "ministry-of-magic"; ministries: interior, labour, foreign-affairs, border-service\n',
      ]);
      for (const r of results) expect(r.stderr).not.toMatch(STACK_FRAME);
    },
    SPAWN_TIMEOUT,
  );
});

describe('mx cloud status and stop with no cloud', () => {
  it(
    'status says none runs (exit code 3) and stop has nothing to do, also when cloud.json names a process that is gone',
    async () => {
      expect(await mx('cloud', 'status')).toMatchObject({
        code: 3,
        stdout: `no cloud is running on ${dataDir}: start it with \`npm start\`\n`,
      });
      // A cloud killed with -9 leaves its cloud.json behind; the process it names is gone.
      const gone = await run(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
      await writeFile(
        path.join(dataDir, 'cloud.json'),
        JSON.stringify({
          pid: Number(gone.stdout),
          port: 4566,
          endpoint,
          started: new Date().toISOString(),
          inMemory: false,
        }),
      );
      const status = await mx('cloud', 'status', '--json');
      expect(status.code).toBe(3);
      expect(JSON.parse(status.stdout)).toEqual({ running: false, dataDir });
      expect(await mx('cloud', 'stop')).toMatchObject({ code: 0, stdout: `no cloud is running on ${dataDir}\n` });
    },
    SPAWN_TIMEOUT,
  );
});
