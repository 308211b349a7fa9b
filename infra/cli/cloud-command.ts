import type { Command } from 'commander';
import type { ControlOptions } from './cloud-control.ts';
import type { StartOptions } from './cloud-start.ts';

export function registerCloudCommands(program: Command): void {
  const cloud = program.command('cloud').description('the embedded local cloud: start, status, stop');
  cloud
    .command('start')
    .description('run EventBridge, SQS-backed delivery and DynamoDB on one loopback port (no Docker)')
    .option('--port <port>', 'port to listen on (default: MX_PORT, else 4566; 0 picks a free one)')
    .option('--data-dir <dir>', 'where data and credentials live (default: MX_DATA_DIR, else ./.mx)')
    .option('--in-memory', 'keep queues and tables in memory only (credentials still go to the data dir)')
    .option(
      '--schedules <mode>',
      "the template's schedules: run (fire on their own) or on-trigger (default: MX_SCHEDULES, else run)",
    )
    .action(async (opts: StartOptions) => (await import('./cloud-start.ts')).start(opts));
  cloud
    .command('status')
    .description(
      'whether a cloud serves the data dir: its process, endpoint, uptime and queues (exit code 3 when none runs)',
    )
    .option('--data-dir <dir>', 'the cloud\u2019s data dir (default: MX_DATA_DIR, else ./.mx)')
    .option(
      '--endpoint <url>',
      'where to look for a cloud when the data dir names none (default: AWS_ENDPOINT_URL, else http://127.0.0.1:4566)',
    )
    .option('--json', 'print JSON')
    .action(async (opts: ControlOptions) => (await import('./cloud-control.ts')).status(opts));
  cloud
    .command('stop')
    .description('stop the cloud that serves the data dir (SIGTERM, then wait until it has shut down)')
    .option('--data-dir <dir>', 'the cloud\u2019s data dir (default: MX_DATA_DIR, else ./.mx)')
    .option('--timeout <seconds>', 'how long to wait for it to stop', '30')
    .option('--json', 'print JSON')
    .action(async (opts: ControlOptions & { timeout: string }) => (await import('./cloud-control.ts')).stop(opts));
}
