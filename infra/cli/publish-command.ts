import type { Command } from 'commander';
import { AGENCIES } from '../topology.ts';
import { withConnectionOptions } from './connection.ts';
import type { PublishOptions } from './publish.ts';

export function registerPublishCommand(program: Command): void {
  withConnectionOptions(
    program
      .command('publish')
      .description(
        'publish PutEvents entries (one JSON object, a JSON array, or NDJSON) as an agency; prints every ' +
          'entry\u2019s result',
      )
      .argument('<file>', 'file with entries, or - for stdin')
      .requiredOption(
        '--as <agency>',
        `agency whose credentials sign the request: ${AGENCIES.map((a) => a.id).join(', ')}`,
      )
      .option('--no-validate', 'send entries even if they break the event contract (they will be logged as invalid)')
      .option('--json', 'print JSON'),
  ).action(async (file: string, opts: PublishOptions) => (await import('./publish.ts')).publish(file, opts));
}
