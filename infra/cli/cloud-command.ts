import type { Command } from 'commander';
import { LocalCloud } from '../local/cloud.ts';
import { DEFAULT_PORT, resolveDataDir } from './connection.ts';
import { CliError } from './output.ts';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError(`--port must be a whole number 0-65535, got ${JSON.stringify(value)}`);
  return port;
}

export function registerCloudCommands(program: Command): void {
  const cloud = program.command('cloud').description('the embedded local cloud');
  cloud
    .command('start')
    .description('run EventBridge, SQS-backed delivery and DynamoDB on one loopback port (no Docker)')
    .option('--port <port>', 'port to listen on (default: MX_PORT, else 4566; 0 picks a free one)')
    .option('--data-dir <dir>', 'where data and credentials live (default: MX_DATA_DIR, else ./.mx)')
    .option('--in-memory', 'keep queues and tables in memory only (credentials still go to the data dir)')
    .action(async (opts: { port?: string; dataDir?: string; inMemory?: boolean }) => {
      const port = parsePort(opts.port ?? process.env.MX_PORT ?? String(DEFAULT_PORT));
      const dataDir = resolveDataDir(opts.dataDir);
      const log = (message: string) => process.stderr.write(`[mx] ${message}\n`);
      let instance: LocalCloud;
      try {
        instance = await LocalCloud.start({ port, dataDir, inMemory: opts.inMemory ?? false, log });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CliError(`port ${port} is in use: is a cloud already running? Use --port or MX_PORT`);
        throw error;
      }
      process.stdout.write(
        `migration-exchange local cloud ready\n` +
          `  endpoint  ${instance.endpoint}\n` +
          `  data dir  ${dataDir}${opts.inMemory ? ' (in-memory queues and tables)' : ''}\n` +
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
    });
}
