/**
 * `mx cloud status` and `mx cloud stop`: the cloud serving a data dir, found
 * through the `cloud.json` it writes there when it listens (process, port,
 * endpoint, start time). A file whose process is gone is ignored.
 */
import { answers, type CloudFile, isAlive, readCloudFile } from '../local/cloud-file.ts';
import { readCredentials } from '../local/credentials.ts';
import { resolveDataDir, resolveEndpoint } from './connection.ts';
import { CliError, printJson } from './output.ts';

export interface ControlOptions {
  dataDir?: string;
  endpoint?: string;
  json?: boolean;
}

/**
 * `mx cloud status` exits with this when no cloud serves the data dir (as `systemctl status` does for a stopped unit).
 */
export const NOT_RUNNING_EXIT_CODE = 3;

interface QueueSummary {
  pending?: number;
  deadLetters?: number;
  dynamodb?: { backend?: string };
}

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h ? `${h} h ${m} min` : m ? `${m} min ${s} s` : `${s} s`;
}

/**
 * Queue depths and the DynamoDB backend, read as the platform (an unsigned caller learns only that the cloud is alive).
 */
async function queueSummary(dataDir: string, endpoint: string): Promise<QueueSummary | undefined> {
  const credentials = await readCredentials(dataDir).catch(() => undefined);
  if (!credentials) return undefined;
  const { cloudHealth } = await import('../local/health-client.ts');
  return cloudHealth<QueueSummary>(endpoint, credentials);
}

function notAnswering(dataDir: string, file: CloudFile): CliError {
  return new CliError(
    `process ${file.pid} holds ${dataDir} (its cloud.json) but no cloud answers at ${file.endpoint}: if it is a ` +
      `hung cloud, \`kill ${file.pid}\``,
  );
}

export async function status(opts: ControlOptions): Promise<void> {
  const dataDir = resolveDataDir(opts.dataDir);
  const file = await readCloudFile(dataDir);
  if (!file) {
    // Nothing serves this dir; a cloud may still answer at the endpoint (started on another data dir).
    const endpoint = resolveEndpoint(opts.endpoint);
    const elsewhere = await answers(endpoint, 1000);
    process.exitCode = NOT_RUNNING_EXIT_CODE;
    if (opts.json) return printJson({ running: false, dataDir, ...(elsewhere ? { answeringAt: endpoint } : {}) });
    const hint = elsewhere
      ? `; a cloud answers at ${endpoint} (on another data dir: pass --data-dir)`
      : ': start it with `npm start`';
    process.stdout.write(`no cloud is running on ${dataDir}${hint}\n`);
    return;
  }
  if (!(await answers(file.endpoint))) throw notAnswering(dataDir, file);
  const summary = await queueSummary(dataDir, file.endpoint);
  const uptimeSeconds = Math.max(0, Math.round((Date.now() - Date.parse(file.started)) / 1000));
  const result = {
    running: true,
    pid: file.pid,
    endpoint: file.endpoint,
    port: file.port,
    dataDir,
    inMemory: file.inMemory,
    started: file.started,
    uptimeSeconds,
    ...(summary?.pending !== undefined ? { pending: summary.pending, deadLetters: summary.deadLetters ?? 0 } : {}),
    ...(summary?.dynamodb?.backend ? { dynamodb: summary.dynamodb.backend } : {}),
  };
  if (opts.json) return printJson(result);
  process.stdout.write(
    `running: the cloud at ${file.endpoint}\n` +
      `  pid       ${file.pid}\n` +
      `  data dir  ${dataDir}${file.inMemory ? ' (in-memory queues and tables)' : ''}\n` +
      `  started   ${file.started} (up ${duration(uptimeSeconds)})\n` +
      (result.pending !== undefined
        ? `  queues    ${result.pending} message(s) pending, ${result.deadLetters} dead letter(s)\n`
        : '') +
      (result.dynamodb ? `  dynamodb  ${result.dynamodb}\n` : ''),
  );
}

export async function stop(opts: ControlOptions & { timeout: string }): Promise<void> {
  const timeoutSeconds = Number(opts.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new CliError(`--timeout must be a number of seconds above 0, got ${JSON.stringify(opts.timeout)}`);
  const dataDir = resolveDataDir(opts.dataDir);
  const file = await readCloudFile(dataDir);
  if (!file) {
    if (opts.json) return printJson({ stopped: false, running: false, dataDir });
    process.stdout.write(`no cloud is running on ${dataDir}\n`);
    return;
  }
  // The pid is signalled only if a cloud answers at the endpoint it wrote: a reused pid is someone else's process.
  if (!(await answers(file.endpoint))) throw notAnswering(dataDir, file);
  const started = Date.now();
  try {
    process.kill(file.pid, 'SIGTERM');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return stopped(opts, dataDir, file, started);
    const why =
      (error as NodeJS.ErrnoException).code === 'EPERM' ? 'it belongs to another user' : (error as Error).message;
    throw new CliError(`cannot signal process ${file.pid} (the cloud at ${file.endpoint}): ${why}`);
  }
  // It finishes the deliveries in flight and closes its databases before it exits.
  while (isAlive(file.pid)) {
    if (Date.now() - started > timeoutSeconds * 1000) {
      throw new CliError(
        `the cloud at ${file.endpoint} (pid ${file.pid}) is still shutting down after ${timeoutSeconds} s; wait, ` +
          `or \`kill -9 ${file.pid}\` (nothing it acknowledged is lost)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  stopped(opts, dataDir, file, started);
}

function stopped(opts: ControlOptions, dataDir: string, file: CloudFile, started: number): void {
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  if (opts.json) {
    printJson({ stopped: true, pid: file.pid, endpoint: file.endpoint, dataDir, seconds });
    return;
  }
  process.stdout.write(`stopped the cloud at ${file.endpoint} (pid ${file.pid}) in ${seconds} s\n`);
}
