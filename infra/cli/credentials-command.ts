import type { Command } from 'commander';
import { type ConnectionOptions, connect, withConnectionOptions } from './connection.ts';
import { credentialsView, PLATFORM_KEYS_NOTE } from './credentials-view.ts';
import { printJson, printTable } from './output.ts';

export function registerCredentialsCommand(program: Command): void {
  withConnectionOptions(
    program
      .command('credentials')
      .description('access keys of the agencies, the ministries\u2019 operators and the platform on the local cloud')
      .option('--json', 'print JSON'),
  ).action(async (opts: ConnectionOptions & { json?: boolean }) => {
    const { endpoint, credentials } = await connect(opts);
    const view = credentialsView(endpoint, credentials);
    if (opts.json) return printJson(view);
    process.stdout.write(
      `endpoint ${endpoint}  region ${credentials.region}\n\nagencies (publish their own sources' events)\n`,
    );
    printTable(
      Object.entries(credentials.agencies).map(([agency, k]) => ({
        agency,
        accessKeyId: k.accessKeyId,
        sources: k.sources.join(', '),
      })),
    );
    process.stdout.write('\noperators (read their own ministry\u2019s view)\n');
    printTable(
      Object.entries(credentials.operators).map(([ministry, k]) => ({ ministry, accessKeyId: k.accessKeyId })),
    );
    process.stdout.write(`\nplatform\n`);
    printTable([{ principal: 'platform', accessKeyId: credentials.platform.accessKeyId }]);
    process.stdout.write(`  ${PLATFORM_KEYS_NOTE}\n\nsecrets: npx mx credentials --json\n`);
  });
}
