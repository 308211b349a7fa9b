import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Command } from 'commander';
import { CATALOG, DETAIL_TYPES, latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry } from '../../schemas/entries.ts';
import { eventJsonSchema, jsonSchemaFileName } from '../../schemas/json-schema.ts';
import { TOPOLOGY } from '../topology.ts';
import { CliError, printJson, printTable } from './output.ts';

export function registerSchemasCommands(program: Command): void {
  const schemas = program.command('schemas').description('the event contract: list, examples, JSON Schema export');

  schemas
    .command('list')
    .description('every (source, detail-type, schemaVersion) in the catalog')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const rows = CATALOG.map((d) => ({ source: d.source, detailType: d.detailType, schemaVersion: d.schemaVersion }));
      if (opts.json) printJson(rows);
      else printTable(CATALOG.map((d, i) => ({ ...rows[i], description: d.description })));
    });

  schemas
    .command('example')
    .description('a valid PutEvents entry for a detail-type')
    .argument('<detailType>', `one of: ${DETAIL_TYPES.join(', ')}`)
    .option('--json', 'print JSON (the default; kept for symmetry)')
    .option('--bus <name>', 'EventBusName to put in the entry', TOPOLOGY.busName)
    .action((detailType: string, opts: { bus: string }) => {
      const definition = latestDefinition(detailType);
      if (!definition) throw new CliError(`unknown detail-type ${JSON.stringify(detailType)}; known: ${DETAIL_TYPES.join(', ')}`);
      printJson(exampleEntry(definition, opts.bus));
    });

  schemas
    .command('export')
    .description('write one JSON Schema file per event')
    .requiredOption('--out <dir>', 'directory to write into (created if missing)')
    .action(async (opts: { out: string }) => {
      await mkdir(opts.out, { recursive: true });
      for (const definition of CATALOG) {
        await writeFile(path.join(opts.out, jsonSchemaFileName(definition)), `${JSON.stringify(eventJsonSchema(definition), null, 2)}\n`);
      }
      process.stderr.write(`wrote ${CATALOG.length} JSON Schema files to ${path.resolve(opts.out)}\n`);
    });
}
