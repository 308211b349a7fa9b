import type { Command } from 'commander';
import { REGIONS } from '../../schemas/reference/regions.ts';
import { printJson, printTable } from './output.ts';

export function registerRegionsCommand(program: Command): void {
  program
    .command('regions')
    .description('ISO 3166-2:KZ regions and cities of republican significance')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) printJson(REGIONS);
      else
        printTable(
          REGIONS.map((r) => ({ ...r, qandasQuotaRegion: r.qandasQuotaRegion ? 'yes' : '' })),
          ['code', 'name', 'kind', 'legacyCode', 'establishedOn', 'qandasQuotaRegion'],
        );
    });
}
