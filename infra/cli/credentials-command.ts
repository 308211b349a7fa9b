import type { Command } from 'commander';
import { connect, withConnectionOptions } from './connection.ts';
import { printJson, printTable } from './output.ts';

export function registerCredentialsCommand(program: Command): void {
  withConnectionOptions(
    program.command('credentials').description('access keys of the agencies and operators of the local cloud').option('--json', 'print JSON'),
  ).action(async (opts: { json?: boolean; endpoint?: string; dataDir?: string }) => {
    const { endpoint, credentials } = await connect(opts);
    const view = {
      endpoint,
      region: credentials.region,
      agencies: credentials.agencies,
      operators: credentials.operators,
    };
    if (opts.json) return printJson(view);
    process.stdout.write(`endpoint ${endpoint}  region ${credentials.region}\n\nagencies\n`);
    printTable(Object.entries(credentials.agencies).map(([agency, k]) => ({ agency, accessKeyId: k.accessKeyId, sources: k.sources.join(', ') })));
    process.stdout.write('\noperators\n');
    printTable(Object.entries(credentials.operators).map(([ministry, k]) => ({ ministry, accessKeyId: k.accessKeyId })));
    process.stdout.write('\nsecrets: npx mx credentials --json\n');
  });
}
