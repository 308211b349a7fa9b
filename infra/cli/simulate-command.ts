import type { Command } from 'commander';
import { withConnectionOptions } from './connection.ts';
import type { SimulateOptions } from './simulate.ts';

export function registerSimulateCommand(program: Command): void {
  withConnectionOptions(
    program
      .command('simulate')
      .description(
        'drive the agency systems through a year of officials\u2019 commands, calibrated to the seed\u2019s 2021 ' +
          'figures',
      )
      .requiredOption('--year <YYYY>', 'the year to simulate (2021 is calibrated)')
      .option('--scale <fraction>', 'fraction of the real volume, in (0, 1]', '1')
      .option('--seed <n>', 'random seed: the same seed sends the same commands', '2021')
      .option('--api <url>', 'command API base URL (default: the endpoint)')
      .option('--concurrency <n>', 'command batches in flight at once', '4')
      .option('--json', 'print the summary as JSON'),
  ).action(async (opts: SimulateOptions) => (await import('./simulate.ts')).simulate(opts));
}
