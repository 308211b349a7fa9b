import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { documentClient } from '../../functions/lib/clients.ts';
import { MINISTRY_VIEWS } from '../../functions/domain/views.ts';
import { tableDefinition } from '../table-definition.ts';
import { differences, loggedEvents, replayInto } from '../replay.ts';
import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import { MINISTRIES, TOPOLOGY, viewTableId, type Ministry } from '../topology.ts';
import { connect, physicalTables, sdkConfig, withConnectionOptions } from './connection.ts';
import { CliError, printJson } from './output.ts';

export function registerReplayCommand(program: Command): void {
  withConnectionOptions(
    program
      .command('replay')
      .description('rebuild a ministry\u2019s view from the exchange log into a fresh table, check it equals the live one, and switch to it')
      .argument('<ministry>', MINISTRIES.join(' | '))
      .option('--json', 'print JSON'),
  ).action(async (ministryArg: string, opts: { json?: boolean; endpoint?: string; dataDir?: string }) => {
    if (!(MINISTRIES as readonly string[]).includes(ministryArg)) throw new CliError(`unknown ministry ${JSON.stringify(ministryArg)}; ministries: ${MINISTRIES.join(', ')}`);
    const ministry = ministryArg as Ministry;
    const connection = await connect(opts);
    const raw = new DynamoDBClient(sdkConfig(connection, connection.credentials.platform));
    const client = documentClient(raw);
    try {
      const id = viewTableId(ministry);
      const subscription = TOPOLOGY.subscriptions.find((s) => s.table === id)!;
      const spec = TOPOLOGY.tables.find((t) => t.id === id)!;
      const live = (await physicalTables(connection))(id);
      const fresh = `${id}-${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}`;
      await raw.send(new CreateTableCommand(tableDefinition(spec, fresh)));
      const started = new Date(Date.now() - 60_000).toISOString();
      const secret = connection.credentials.personKeySecret;
      const log = (await physicalTables(connection))('ExchangeLog');
      const progress = process.stderr.isTTY ? (n: number) => process.stderr.write(`\rreplayed ${n} event(s)`) : () => undefined;
      const replayed = await replayInto(client, fresh, MINISTRY_VIEWS[ministry], secret, subscription.pattern, loggedEvents(client, log), progress);
      if (process.stderr.isTTY) process.stderr.write('\n');
      const diff = await differences(client, live, fresh);
      if (diff.length > 0) {
        throw new CliError(`the rebuilt ${fresh} differs from the live ${live} in ${diff.length} record(s), e.g. ${diff.slice(0, 3).join('; ')}; not switching (is the exchange still settling?)`);
      }
      const response = await signedFetch(`${connection.endpoint}/_mx/admin/tables`, {
        method: 'POST',
        body: JSON.stringify({ table: id, physicalName: fresh }),
        keys: connection.credentials.platform,
        region: connection.credentials.region,
        service: 'mx',
      });
      if (!response.ok) throw new CliError(`switching to ${fresh} failed: ${response.status} ${await response.text()}`);
      // Events that arrived while rebuilding: fold them in again (idempotent) now that the projector writes to the new table.
      const tail = await replayInto(client, fresh, MINISTRY_VIEWS[ministry], secret, subscription.pattern, loggedEvents(client, log, started));
      const result = { ministry, previousTable: live, table: fresh, eventsReplayed: replayed, tailReplayed: tail, identical: true };
      if (opts.json) return printJson(result);
      process.stdout.write(`rebuilt the ${ministry} view from ${replayed} logged events into ${fresh}; identical to ${live}; switched\n`);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`${(error as Error).name}: ${(error as Error).message}`);
    } finally {
      raw.destroy();
    }
  });
}
