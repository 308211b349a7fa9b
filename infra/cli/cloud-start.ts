/** `mx cloud start` (`npm start`): the embedded local cloud in this process until SIGINT/SIGTERM. */
import { cloudHolding, dataDirInUseMessage, isLockError, readCloudFile } from '../local/cloud-file.ts';
import { DEFAULT_PORT, resolveDataDir } from './connection.ts';
import { CliError } from './output.ts';
import { importTypeScript } from './typescript-modules.ts';

export interface StartOptions {
  port?: string;
  dataDir?: string;
  inMemory?: boolean;
  schedules?: string;
}

const SCHEDULE_MODES = ['run', 'on-trigger'] as const;
type ScheduleMode = (typeof SCHEDULE_MODES)[number];

/**
 * The template's schedules (the Interior's nightly overstay check) fire on
 * their own by default, as on AWS. A cloud holding a simulated past year may
 * want them only when asked: a real-time check would judge 2021's stays by today.
 */
function parseSchedules(value: string): ScheduleMode {
  if ((SCHEDULE_MODES as readonly string[]).includes(value)) return value as ScheduleMode;
  throw new CliError(`--schedules must be ${SCHEDULE_MODES.join(' or ')}, got ${JSON.stringify(value)}`);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new CliError(`--port must be a whole number 0-65535, got ${JSON.stringify(value)}`);
  return port;
}

/**
 * The cloud module, from its sources whichever way `mx` runs (the path is the
 * same from infra/cli and from the bundle in dist/cli): it loads the handler
 * modules named in the topology at run time.
 */
const CLOUD_MODULE = new URL('../../infra/local/cloud.ts', import.meta.url);

export async function start(opts: StartOptions): Promise<void> {
  const port = parsePort(opts.port ?? process.env.MX_PORT ?? String(DEFAULT_PORT));
  const schedules = parseSchedules(opts.schedules ?? process.env.MX_SCHEDULES ?? 'run');
  const dataDir = resolveDataDir(opts.dataDir);
  // Asked before anything opens: a second `npm start` on a dir in use names the cloud that holds it.
  const holder = await cloudHolding(dataDir);
  if (holder) throw new CliError(dataDirInUseMessage(dataDir, holder));
  const log = (message: string) => process.stderr.write(`[mx] ${message}\n`);
  const { LocalCloud } = await importTypeScript<typeof import('../local/cloud.ts')>(CLOUD_MODULE);
  let instance: Awaited<ReturnType<typeof LocalCloud.start>>;
  try {
    instance = await LocalCloud.start({ port, dataDir, inMemory: opts.inMemory ?? false, schedules, log });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CliError(
        `port ${port} is in use: is a cloud already running (\`npx mx cloud status\`)? Use --port or MX_PORT`,
      );
    // The cloud's own refusal (a module copy of its own under tsx, so told apart by code, not class).
    if (code === 'MX_DATA_DIR_IN_USE') throw new CliError((error as Error).message);
    if (isLockError(error)) throw new CliError(dataDirInUseMessage(dataDir, await readCloudFile(dataDir)));
    throw error;
  }
  process.stdout.write(
    `migration-exchange local cloud ready\n` +
      `  endpoint  ${instance.endpoint}\n` +
      `  data dir  ${dataDir}${opts.inMemory ? ' (in-memory queues and tables)' : ''}\n` +
      (`  schedules ${instance.scheduleNames.join(', ') || 'none'}: ` +
        `${schedules === 'run' ? 'fire on their own (--schedules on-trigger: only when asked)' : 'only when asked'}` +
        `\n`) +
      (`  pid       ${process.pid} (stop: npx mx cloud stop${opts.dataDir ? ` --data-dir ${dataDir}` : ''}, or ` +
        `Ctrl-C)\n`) +
      `  export AWS_ENDPOINT_URL=${instance.endpoint}\n` +
      `  credentials: npx mx credentials --json\n`,
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    await instance.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
