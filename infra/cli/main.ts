/**
 * The `mx` operator CLI. This module and the `*-command.ts` modules it
 * registers only declare commands; each command loads what it runs (the AWS
 * SDK clients, the domain code) when it runs, so `mx --help` loads none of it.
 */
import { Command, CommanderError } from 'commander';
import { registerBreachesCommand } from './breaches-command.ts';
import { registerCatalogCommand } from './catalog-command.ts';
import { registerCloudCommands } from './cloud-command.ts';
import { registerCredentialsCommand } from './credentials-command.ts';
import { registerDlqCommands } from './dlq-command.ts';
import { registerExplainCommand } from './explain-command.ts';
import { describeUnexpected } from './failures.ts';
import { registerLogCommands } from './log-command.ts';
import { CliError } from './output.ts';
import { registerPlatformCommands } from './platform-commands.ts';
import { registerPublishCommand } from './publish-command.ts';
import { registerRegionsCommand } from './regions-command.ts';
import { registerReplayCommand } from './replay-command.ts';
import { registerSchemasCommands } from './schemas-command.ts';
import { registerSimulateCommand } from './simulate-command.ts';
import { registerSmokeCommand } from './smoke-command.ts';
import { registerViewCommands } from './view-command.ts';

// `mx … | head` closes stdout early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('mx')
  .description('migration-exchange: operate the inter-agency exchange (contract, local cloud, views)')
  .showHelpAfterError()
  .exitOverride();

registerSchemasCommands(program);
registerCatalogCommand(program);
registerRegionsCommand(program);
registerCloudCommands(program);
registerCredentialsCommand(program);
registerPublishCommand(program);
registerDlqCommands(program);
registerBreachesCommand(program);
registerSimulateCommand(program);
registerViewCommands(program);
registerPlatformCommands(program);
registerReplayCommand(program);
registerSmokeCommand(program);
registerLogCommands(program);
registerExplainCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  // One line per failure, never a stack trace: commands raise CliErrors; anything else is named, not dumped.
  process.stderr.write(`mx: ${describeUnexpected(error)}\n`);
  process.exit(error instanceof CliError ? error.exitCode : 1);
}
