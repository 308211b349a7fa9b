import { type Command, InvalidArgumentError } from 'commander';
import { type ConnectionOptions, withConnectionOptions } from './connection.ts';

export type { DeadLetter, DeadLetterListing, DeadLetterQueue } from './dlq.ts';

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 0)
    throw new InvalidArgumentError(
      `--limit must be a whole number of messages (0 or more), got ${JSON.stringify(value)}`,
    );
  return limit;
}

export function registerDlqCommands(program: Command): void {
  const dlq = program.command('dlq').description('dead-lettered messages of the subscriptions');
  withConnectionOptions(
    dlq
      .command('list')
      .description('every dead-letter queue with its depth, and every dead letter with the error that parked it')
      .option('--limit <n>', 'list at most n messages per queue (default: all)', parseLimit)
      .option('--json', 'print JSON: { queues: [{ queue, depth, listed }], messages: [...] }'),
  ).action(async (opts: ConnectionOptions & { json?: boolean; limit?: number }) =>
    (await import('./dlq.ts')).list(opts),
  );
  withConnectionOptions(
    dlq
      .command('redrive')
      .description('move a dead-letter queue\u2019s messages back to their subscription queue')
      .argument('<queue>', 'dead-letter queue (mx-<subscription>-dlq) or subscription name'),
  ).action(async (queue: string, opts: ConnectionOptions) => (await import('./dlq.ts')).redrive(queue, opts));
}
