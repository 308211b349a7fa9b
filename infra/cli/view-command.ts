import type { Command } from 'commander';
import { MINISTRIES } from '../topology.ts';
import { withConnectionOptions } from './connection.ts';
import { withPersonOptions } from './person-flags.ts';
import type { ViewOptions } from './view.ts';

export function registerViewCommands(program: Command): void {
  withConnectionOptions(
    withPersonOptions(
      program
        .command('view')
        .description(
          'read a ministry\u2019s view as its operator, through the query API: stats, a person\u2019s dossier, ' +
            'or its lineage (a table; --json for the API\u2019s JSON)',
        )
        .argument('<ministry>', MINISTRIES.join(' | '))
        .argument('<what>', 'stats | person | lineage')
        .option('--year <YYYY>', 'stats: count this year')
        .option('--as-of <YYYY-MM-DD>', 'stats: count from 1 January up to this day; "active" figures are on this day')
        .option('--purpose <text>', 'person/lineage: why you read it (required; written to the access ledger)')
        .option('--json', 'print JSON'),
    ),
  ).action(async (ministry: string, what: string, opts: ViewOptions) =>
    (await import('./view.ts')).view(ministry, what, opts),
  );
}
