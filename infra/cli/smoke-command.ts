import type { Command } from 'commander';
import { TOPOLOGY } from '../topology.ts';
import { withConnectionOptions } from './connection.ts';
import type { SmokeOptions } from './smoke.ts';

export function registerSmokeCommand(program: Command): void {
  withConnectionOptions(
    program
      .command('smoke')
      .description(
        'publish one event per agency and wait until each ministry\u2019s view shows it (AWS, LocalStack or the ' +
          'local cloud)',
      )
      .option(
        '--api <url>',
        'command/query API base URL: on AWS the ApiUrl stack output, stage included (default: the endpoint)',
      )
      .option(
        '--credentials <file>',
        'per-agency and per-operator keys in the shape of `mx credentials --json`; temporary keys carry "sessionToken"',
      )
      .option(
        '--default-credentials',
        'sign everything as the one principal the AWS SDK finds ' +
          '(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, AWS_PROFILE, SSO, instance role)',
      )
      .option(
        '--region <region>',
        'signing region (default: the credentials file, else the execute-api host of --api, else AWS_REGION)',
      )
      .option(
        '--bus <name>',
        `event bus name (default on the local cloud: ${TOPOLOGY.busName}; on AWS the EventBusName stack output)`,
      )
      .option(
        '--console <url>',
        'operator console to check (GET / answers 200 text/html with a CSP): on AWS the ConsoleUrl stack output ' +
          '(default on the local cloud: the endpoint)',
      )
      .option('--timeout <seconds>', 'how long to wait for the views', '60')
      .option('--json', 'print JSON'),
  ).action(async (opts: SmokeOptions) => (await import('./smoke.ts')).smoke(opts));
}
