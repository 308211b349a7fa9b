import type { Command } from 'commander';
import { MINISTRIES } from '../topology.ts';
import { withConnectionOptions } from './connection.ts';
import type { ReplayOptions } from './replay-view.ts';

export function registerReplayCommand(program: Command): void {
  withConnectionOptions(
    program
      .command('replay')
      .description(
        'rebuild a ministry\u2019s view from the exchange log into a fresh table, check it equals the live one, ' +
          'switch to it and remove the table it replaced',
      )
      .argument('<ministry>', MINISTRIES.join(' | '))
      .option('--keep-previous', 'keep the replaced table (default: remove it once switched)')
      .option('--list', 'list the view\u2019s tables instead, the one in use marked')
      .option(
        '--prune',
        'remove the view\u2019s tables that are not in use (left by earlier replays with --keep-previous)',
      )
      .option('--json', 'print JSON'),
  ).action(async (ministry: string, opts: ReplayOptions) => (await import('./replay-view.ts')).replay(ministry, opts));
}
