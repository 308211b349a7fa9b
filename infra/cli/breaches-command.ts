/**
 * `mx breaches`: events the bus accepted that break the contract (or reuse a
 * taken id), as the exchange log recorded them — so the agency that sent
 * them and the operators can see them, not only a server log.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { BREACH_PARTITIONS, listBreaches } from '../../functions/exchange-log/breaches.ts';
import { documentClient } from '../../functions/lib/clients.ts';
import { connect, physicalTables, sdkConfig, withConnectionOptions } from './connection.ts';
import { CliError, printJson, printTable } from './output.ts';

export function registerBreachesCommand(program: Command): void {
  withConnectionOptions(
    program
      .command('breaches')
      .description('accepted events that break the contract or reuse an event id, newest first')
      .option('--source <source>', `only this source (${BREACH_PARTITIONS.join(', ')})`)
      .option('--limit <n>', 'how many to list', '50')
      .option('--json', 'print JSON'),
  ).action(async (opts: { source?: string; limit: string; json?: boolean; endpoint?: string; dataDir?: string }) => {
    const limit = Number(opts.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new CliError(`--limit must be a whole number from 1 to 10000, got ${JSON.stringify(opts.limit)}`);
    if (opts.source !== undefined && !BREACH_PARTITIONS.includes(opts.source)) throw new CliError(`--source must be one of ${BREACH_PARTITIONS.join(', ')}, got ${JSON.stringify(opts.source)}`);
    const connection = await connect(opts);
    const raw = new DynamoDBClient(sdkConfig(connection, connection.credentials.platform));
    try {
      const table = await physicalTables(connection);
      const result = await listBreaches(documentClient(raw), table('ExchangeLog'), { ...(opts.source ? { partitions: [opts.source] } : {}), limit });
      if (opts.json) return printJson(result);
      process.stdout.write(`${result.count} breach(es)${result.count > result.breaches.length ? `, newest ${result.breaches.length} shown` : ''}\n`);
      printTable(
        result.breaches.map((b) => ({ ...b, problem: `${b.issues[0] ? `${b.issues[0].path}: ${b.issues[0].message}` : ''}${b.issueCount > 1 ? ` (+${b.issueCount - 1} more)` : ''}` })),
        ['receivedAt', 'source', 'detailType', 'breach', 'eventId', 'problem'],
      );
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`${(error as Error).name}: ${(error as Error).message}`);
    } finally {
      raw.destroy();
    }
  });
}
