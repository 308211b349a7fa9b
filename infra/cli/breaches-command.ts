import type { Command } from 'commander';
import { SOURCES } from '../../schemas/define.ts';
import { AGENCIES } from '../topology.ts';
import type { BreachesOptions } from './breaches.ts';
import { withConnectionOptions } from './connection.ts';

export function registerBreachesCommand(program: Command): void {
  withConnectionOptions(
    program
      .command('breaches')
      .description('accepted events that break the contract or reuse an event id, newest first')
      .option('--source <source>', `only this source (${[...Object.values(SOURCES), 'other'].join(', ')})`)
      .option(
        '--as <agency>',
        `ask as an agency, which sees its own sources only (${AGENCIES.map((a) => a.id).join(', ')})`,
      )
      .option('--limit <n>', 'how many to list', '50')
      .option('--json', 'print JSON'),
  ).action(async (opts: BreachesOptions) => (await import('./breaches.ts')).breaches(opts));
}
