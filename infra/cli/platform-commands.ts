import type { Command } from 'commander';
import { type ConnectionOptions, withConnectionOptions } from './connection.ts';
import { withPersonOptions } from './person-flags.ts';
import type { LedgerOptions, PersonCommandOptions } from './platform.ts';

export function registerPlatformCommands(program: Command): void {
  withConnectionOptions(
    withPersonOptions(
      program
        .command('trace')
        .description('the events that built a person\u2019s records in every view, with causation links')
        .option('--json', 'print JSON'),
    ),
  ).action(async (opts: PersonCommandOptions) => (await import('./platform.ts')).trace(opts));

  withConnectionOptions(
    program
      .command('contradictions')
      .description('people whose records disagree between ministries\u2019 views')
      .option('--as-of <YYYY-MM-DD>', 'the day to check (default: today)')
      .option('--json', 'print JSON'),
  ).action(async (opts: ConnectionOptions & { asOf?: string; json?: boolean }) =>
    (await import('./platform.ts')).contradictions(opts),
  );

  withConnectionOptions(
    withPersonOptions(
      program
        .command('ledger')
        .description('who read this person\u2019s data, for which ministry, when and why')
        .option(
          '--format <format>',
          'table, or data-tracker: Estonia\u2019s Data Tracker fields, the purpose and each entry\u2019s proof (JSON)',
          'table',
        )
        .option('--wait <seconds>', 'data-tracker: wait this long for the newest entries\u2019 checkpoint', '30')
        .option('--json', 'print JSON'),
    ),
  ).action(async (opts: LedgerOptions) => (await import('./platform.ts')).ledger(opts));
}
