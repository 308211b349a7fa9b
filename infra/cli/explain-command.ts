import type { Command } from 'commander';
import { CliError, printJson } from './output.ts';
import { importTypeScript } from './typescript-modules.ts';

/**
 * The explain module, from its sources whichever way `mx` runs (the path is the same from infra/cli and from the
 * bundle in dist/cli): it reads the template cache beside the repository and, when the sources changed, synthesizes
 * with the CDK, so none of it (nor the CDK) goes into the CLI bundle.
 */
const EXPLAIN_MODULE = new URL('../../infra/cli/explain-run.ts', import.meta.url);

/**
 * `mx explain <name>`: where a subscription, command API, query API, table or role is declared, what the template
 * runs it as, and what its role may touch. Offline: it reads the cached synthesized template.
 */
export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description(
      'where a subscription, command API (commands-<system>), query API (queries-<ministry>), table or role is ' +
        'declared, what the stack runs it as, and what it may touch (offline, from the synthesized template)',
    )
    .argument('<name>', 'e.g. berkut, view-interior, commands-qandas, queries-labour, ExchangeLog, mx-agency-labour')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const run = await importTypeScript<typeof import('./explain-run.ts')>(EXPLAIN_MODULE);
      try {
        const explanation = await run.explainByName(name, (m) => process.stderr.write(`mx explain: ${m}\n`));
        if (opts.json) return printJson(explanation);
        process.stdout.write(run.renderExplanation(explanation));
      } catch (error) {
        if (error instanceof run.UnknownNameError) throw new CliError(error.message, 2);
        throw error;
      }
    });
}
