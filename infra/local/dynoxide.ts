/**
 * dynoxide as the local cloud's DynamoDB: a native DynamoDB implementation
 * (Rust, SQLite in WAL mode with synchronous=FULL, so a write it has answered
 * is on disk) shipped as a static binary in the npm package
 * `@dynoxide/<platform>` — no install script, nothing downloaded at run time.
 *
 * It runs as a child process on 127.0.0.1 at a port picked when it starts,
 * and the cloud forwards it the requests it has already read and verified.
 * A child is not killed with its parent on Linux, so it is started under a
 * small POSIX sh watchdog in a process group of its own: the watchdog reads
 * the cloud's end of a pipe and, at EOF (the cloud exited, however it died,
 * kill -9 included), kills the whole group. Node has no prctl(PDEATHSIG),
 * and a parent-pid poll would leave the server running for up to a poll
 * interval and could signal a reused pid; a pipe's EOF is immediate.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, readFileSync } from 'node:fs';
import {
  Agent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import * as path from 'node:path';
import type { DynamoBackend } from './dynamodb-backends.ts';

/** The platform packages dynoxide publishes; package.json lists those npm can install here as optionalDependencies. */
const PLATFORM_PACKAGES: Readonly<Record<string, string>> = {
  'linux-x64': '@dynoxide/linux-x64',
  'linux-arm64': '@dynoxide/linux-arm64',
  'darwin-x64': '@dynoxide/darwin-x64',
  'darwin-arm64': '@dynoxide/darwin-arm64',
};

export type DynoxideLocation = { readonly binary: string; readonly version: string } | { readonly missing: string };

/**
 * Finds the dynoxide binary: `MX_DYNOXIDE_BIN` (e.g. a `cargo install`ed
 * one), else the platform package in node_modules.
 */
export function locateDynoxide(override: string | undefined = process.env.MX_DYNOXIDE_BIN): DynoxideLocation {
  if (process.platform === 'win32') return { missing: 'the dynoxide watchdog needs a POSIX sh, which Windows lacks' };
  if (override) {
    try {
      accessSync(override, fsConstants.X_OK);
      const version = execFileSync(override, ['--version'], { encoding: 'utf8', timeout: 5000 })
        .trim()
        .replace(/^dynoxide\s+/, '');
      return { binary: override, version };
    } catch (error) {
      return { missing: `MX_DYNOXIDE_BIN=${override} does not run: ${(error as Error).message.split('\n')[0]}` };
    }
  }
  const platform = `${process.platform}-${process.arch}`;
  const pkg = PLATFORM_PACKAGES[platform];
  if (!pkg) return { missing: `dynoxide publishes no binary for ${platform}` };
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve(`${pkg}/package.json`);
  } catch {
    return {
      missing:
        `${pkg} is not installed (an optional dependency: npm skips it where it does not fit, or with ` +
        `--omit=optional)`,
    };
  }
  const binary = path.join(path.dirname(manifest), 'dynoxide');
  try {
    accessSync(binary, fsConstants.X_OK);
  } catch {
    return { missing: `${binary} is missing or not executable` };
  }
  return { binary, version: (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version };
}

/**
 * `sh -c WATCHDOG dynoxide <binary> <args…>`: starts the server, prints its
 * pid, and kills the process group when stdin reaches EOF; exits with the
 * server's status when the server exits on its own.
 */
const WATCHDOG = `
exec 3<&0
"$@" </dev/null 3<&- &
server=$!
echo "$server"
( while read -r _ <&3; do :; done; kill -KILL 0 ) &
watch=$!
exec 3<&-
wait "$server"
status=$?
kill "$watch" 2>/dev/null
exit "$status"
`;

/**
 * Only what dynoxide reads: the operation, the body's type and the auth material it checks for presence (the
 * cloud verified the signature).
 */
const FORWARDED_HEADERS = [
  'content-type',
  'x-amz-target',
  'authorization',
  'x-amz-date',
  'date',
  'x-amz-security-token',
] as const;
const RETURNED_HEADERS = ['content-type', 'x-amzn-requestid', 'x-amz-crc32'] as const;

export interface DynamoRequest {
  readonly headers: IncomingHttpHeaders;
  readonly method: string;
  readonly url: string;
  readonly body: Buffer;
}

/** What the cloud's responses (a real ServerResponse or an in-process BufferedResponse) offer. */
export type DynamoResponse = Pick<ServerResponse, 'setHeader' | 'end'> & { statusCode: number };

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function get(port: number, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * CPU time (user + system) a process has used, all its threads, in ms, from
 * /proc — or one thread's, given its id; undefined where there is no such
 * process or no /proc.
 */
export function processCpuMs(pid: number, thread?: number): number | undefined {
  try {
    // Fields after the command name: state is the 1st, utime the 12th, stime the 13th
    // (proc(5)), in clock ticks of 1/100 s.
    const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function sendInternalError(res: DynamoResponse, message: string): void {
  const body = JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message });
  res.statusCode = 500;
  res.setHeader('content-type', 'application/x-amz-json-1.0');
  res.end(body);
}

interface Running {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly startedAt: number;
}

export interface DynoxideOptions {
  readonly binary: string;
  readonly version: string;
  /** SQLite file; undefined keeps the data in memory. */
  readonly dbPath: string | undefined;
  readonly log: (message: string) => void;
  /** How long the first health request may take to succeed. */
  readonly startTimeoutMs?: number;
}

export class DynoxideServer implements DynamoBackend {
  readonly name = 'dynoxide' as const;
  private running?: Running;
  private starting?: Promise<Running>;
  private closing = false;
  private failure?: string;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  /** CPU of servers that already exited (a restart), so the bench's figure stays cumulative. */
  private exitedCpuMs = 0;

  constructor(private readonly options: DynoxideOptions) {}

  get description(): string {
    const where = this.running ? `, pid ${this.running.pid} on 127.0.0.1:${this.running.port}` : '';
    return (
      `dynoxide ${this.options.version} (${this.options.dbPath ? `SQLite ${this.options.dbPath}` : 'in memory'}` +
      `${where})`
    );
  }

  /** The server process's pid, for tests (orphan checks) and the bench. */
  get pid(): number | undefined {
    return this.running?.pid;
  }

  async start(): Promise<void> {
    await this.launch();
  }

  private launch(): Promise<Running> {
    this.starting ??= this.spawnHealthy().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** A port can be taken between picking and binding it: try a few. */
  private async spawnHealthy(): Promise<Running> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        this.running = await this.spawnOnce(await freeLoopbackPort());
        return this.running;
      } catch (error) {
        lastError = error;
        if (this.closing) break;
      }
    }
    throw lastError;
  }

  private spawnOnce(port: number): Promise<Running> {
    const args = [
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      ...(this.options.dbPath ? ['--db-path', this.options.dbPath] : []),
    ];
    const child = spawn('/bin/sh', ['-c', WATCHDOG, 'dynoxide', this.options.binary, ...args], {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 10_000);
    return new Promise<Running>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        this.killGroup(child);
        reject(error);
      };
      child.once('error', fail);
      child.once('exit', (code, signal) => {
        if (!settled)
          fail(
            new Error(
              `dynoxide exited before it answered (${signal ?? `code ${code}`}): ${stderr.trim() || 'no output'}`,
            ),
          );
      });
      let stdout = '';
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        stdout += chunk;
        const line = /^(\d+)\n/.exec(stdout);
        if (!line || settled) return;
        const pid = Number(line[1]);
        const poll = async (): Promise<void> => {
          while (!settled) {
            const answer = await get(port, 500).catch(() => undefined);
            if (answer?.status === 200 && answer.body.startsWith('healthy')) {
              settled = true;
              const running = { child, pid, port, startedAt: Date.now() };
              child.once('exit', (code, signal) => this.onExit(running, code, signal, stderr));
              resolve(running);
              return;
            }
            if (Date.now() > deadline)
              return fail(
                new Error(
                  `dynoxide did not answer a health request on 127.0.0.1:${port} within ` +
                    `${this.options.startTimeoutMs ?? 10_000} ms: ${stderr.trim()}`,
                ),
              );
            await new Promise((r) => setTimeout(r, 20));
          }
        };
        void poll();
      });
    });
  }

  /**
   * An unexpected exit is logged and the server started again on the same data; a server
   * that keeps dying is given up on.
   */
  private onExit(running: Running, code: number | null, signal: NodeJS.Signals | null, stderr: string): void {
    if (this.running === running) this.running = undefined;
    if (this.closing) return;
    const why =
      `dynoxide (pid ${running.pid}) exited unexpectedly (${signal ?? `code ${code}`}): ` +
      `${stderr.trim().split('\n').slice(-3).join(' | ') || 'no output'}`;
    if (Date.now() - running.startedAt < 5000) {
      this.failure = `${why}; it had run for under 5 s, so it is not restarted`;
      this.options.log(this.failure);
      return;
    }
    this.options.log(`${why}; restarting it on the same data`);
    this.launch().catch((error: Error) => {
      this.failure = `dynoxide could not be restarted: ${error.message}`;
      this.options.log(this.failure);
    });
  }

  handle(request: DynamoRequest, res: DynamoResponse): void {
    if (this.running) {
      this.forward(this.running.port, request, res, false);
      return;
    }
    if (this.failure || this.closing) {
      sendInternalError(res, this.failure ?? 'the local DynamoDB is shutting down');
      return;
    }
    this.launch().then(
      (running) => this.forward(running.port, request, res, false),
      (error: Error) => sendInternalError(res, `the local DynamoDB (dynoxide) is not running: ${error.message}`),
    );
  }

  private forward(port: number, request: DynamoRequest, res: DynamoResponse, isRetry: boolean): void {
    const headers: Record<string, string> = { 'content-length': String(request.body.length) };
    for (const name of FORWARDED_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port, method: request.method, path: request.url, headers, agent: this.agent },
      (answer: IncomingMessage) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('error', (error) =>
          sendInternalError(res, `the local DynamoDB (dynoxide) broke off its answer: ${error.message}`),
        );
        answer.on('end', () => {
          res.statusCode = answer.statusCode ?? 500;
          for (const name of RETURNED_HEADERS) {
            const value = answer.headers[name];
            if (typeof value === 'string') res.setHeader(name, value);
          }
          res.end(Buffer.concat(chunks));
        });
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed while idle fails before the request was read:
      // send it once more on a fresh one.
      if (!isRetry && upstream.reusedSocket && error.code === 'ECONNRESET')
        return this.forward(port, request, res, true);
      sendInternalError(res, `the local DynamoDB (dynoxide) did not answer: ${error.message}`);
    });
    upstream.end(request.body);
  }

  /**
   * CPU time (user + system) the server process has used, in ms: it is a second process, which
   * process.cpuUsage() does not see.
   */
  cpuMs(): number {
    const pid = this.running?.pid;
    return this.exitedCpuMs + (pid === undefined ? 0 : (processCpuMs(pid) ?? 0));
  }

  private killGroup(child: ChildProcess): void {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /** SIGTERM lets dynoxide finish its requests and checkpoint SQLite; after 5 s the group is killed. */
  async close(): Promise<void> {
    this.closing = true;
    await this.starting?.catch(() => undefined);
    this.agent.destroy();
    const running = this.running;
    if (!running) return;
    this.exitedCpuMs = this.cpuMs();
    const exited = new Promise<void>((resolve) => {
      if (running.child.exitCode !== null || running.child.signalCode !== null) resolve();
      else running.child.once('exit', () => resolve());
    });
    try {
      process.kill(running.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.killGroup(running.child), 5000);
    await exited;
    clearTimeout(timer);
    running.child.stdin?.destroy();
    this.running = undefined;
  }
}
