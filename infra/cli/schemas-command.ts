import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Command } from 'commander';
import { CATALOG, DETAIL_TYPES, definitionsNamed, latestDefinition } from '../../schemas/catalog.ts';
import type { EventDefinition } from '../../schemas/define.ts';
import { exampleEntry } from '../../schemas/entries.ts';
import { eventJsonSchema, jsonSchemaFileName } from '../../schemas/json-schema.ts';
import { TOPOLOGY } from '../topology.ts';
import { CliError, printJson, printTable } from './output.ts';

const FORMATS = ['json-schema', 'asyncapi', 'eventbridge'] as const;
type Format = (typeof FORMATS)[number];

interface ExportOptions {
  out: string;
  format: string;
  contactName?: string;
  contactUrl?: string;
  contactEmail?: string;
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

async function exportSchemas(opts: ExportOptions): Promise<void> {
  if (!(FORMATS as readonly string[]).includes(opts.format))
    throw new CliError(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(opts.format)}`);
  const format = opts.format as Format;
  if (format === 'asyncapi') {
    const [{ buildCatalog }, { asyncApiDocument, DEFAULT_CONTACT }, { default: pkg }] = await Promise.all([
      import('../catalog/event-catalog.ts'),
      import('../catalog/asyncapi.ts'),
      import('../../package.json', { with: { type: 'json' } }),
    ]);
    const contact = {
      name: opts.contactName ?? DEFAULT_CONTACT.name,
      url: opts.contactUrl ?? DEFAULT_CONTACT.url,
      email: opts.contactEmail ?? DEFAULT_CONTACT.email,
    };
    await mkdir(path.dirname(path.resolve(opts.out)), { recursive: true });
    // JSON is YAML 1.2 too, so an `.yaml` out file is read by every AsyncAPI tool.
    await writeJson(
      opts.out,
      asyncApiDocument(buildCatalog(), { version: pkg.version, license: pkg.license, contact }),
    );
    process.stderr.write(
      `wrote the AsyncAPI 3.1 document (${CATALOG.length} event versions) to ${path.resolve(opts.out)}\n`,
    );
    return;
  }
  await mkdir(opts.out, { recursive: true });
  if (format === 'eventbridge') {
    const { eventEnvelopeSchema, registrySchemaName } = await import('../catalog/json-schemas.ts');
    for (const definition of CATALOG)
      await writeJson(
        path.join(opts.out, `${registrySchemaName(definition)}.json`),
        eventEnvelopeSchema(definition, 'draft-04'),
      );
    process.stderr.write(
      `wrote ${CATALOG.length} JSON Schema draft-04 files (EventBridge schema registry, JSONSchemaDraft4) to ` +
        `${path.resolve(opts.out)}\n`,
    );
    return;
  }
  for (const definition of CATALOG)
    await writeJson(path.join(opts.out, jsonSchemaFileName(definition)), eventJsonSchema(definition));
  process.stderr.write(`wrote ${CATALOG.length} JSON Schema files to ${path.resolve(opts.out)}\n`);
}

function definitionFor(detailType: string, version: string): EventDefinition {
  const definitions = definitionsNamed(detailType);
  if (definitions.length === 0)
    throw new CliError(`unknown detail-type ${JSON.stringify(detailType)}; known: ${DETAIL_TYPES.join(', ')}`);
  const n = Number(version.replace(/^v/i, ''));
  const found = definitions.find((d) => d.schemaVersion === n);
  if (!found)
    throw new CliError(
      `${detailType} has no schema version ${JSON.stringify(version)}; versions: ` +
        `${definitions.map((d) => `v${d.schemaVersion}`).join(', ')} (or give a JSON Schema file)`,
    );
  return found;
}

/** A version of the catalog (`1`, `v2`) or a JSON Schema file (a proposed change, an exported schema). */
async function dataSchema(
  detailType: string,
  version: string,
): Promise<{ label: string; schema: Record<string, unknown> }> {
  const { zodJsonSchema } = await import('../catalog/json-schemas.ts');
  const { dataSchemaOf } = await import('../catalog/schema-diff.ts');
  if (/^v?\d+$/i.test(version)) {
    const definition = definitionFor(detailType, version);
    return { label: `v${definition.schemaVersion}`, schema: zodJsonSchema(definition.data, 'draft-07') };
  }
  let text: string;
  try {
    text = await readFile(version, 'utf8');
  } catch (error) {
    throw new CliError(
      `${JSON.stringify(version)} is neither a schema version (1, v2) nor a readable JSON Schema file: ` +
        `${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return { label: version, schema: dataSchemaOf(JSON.parse(text) as Record<string, unknown>) };
  } catch (error) {
    throw new CliError(`${version} is not JSON: ${(error as Error).message}`);
  }
}

export function registerSchemasCommands(program: Command): void {
  const schemas = program
    .command('schemas')
    .description(
      'the event contract: list, examples, exports (JSON Schema, AsyncAPI, EventBridge registry), diffs, fixtures',
    );

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
      if (!definition)
        throw new CliError(`unknown detail-type ${JSON.stringify(detailType)}; known: ${DETAIL_TYPES.join(', ')}`);
      printJson(exampleEntry(definition, opts.bus));
    });

  schemas
    .command('export')
    .description(
      'json-schema: one JSON Schema file per event version (a directory); asyncapi: one AsyncAPI 3.1 document ' +
        'for the exchange (a file); eventbridge: draft-04 schemas as the schema registry takes them (a directory)',
    )
    .requiredOption(
      '--out <path>',
      'directory (json-schema, eventbridge) or file (asyncapi) to write; directories are created',
    )
    .option('--format <format>', FORMATS.join(' | '), 'json-schema')
    .option('--contact-name <name>', 'asyncapi: the platform team to name in info.contact')
    .option('--contact-url <url>', 'asyncapi: its web page')
    .option('--contact-email <address>', 'asyncapi: its address')
    .action(exportSchemas);

  schemas
    .command('diff')
    .description(
      'what changed between two versions of an event\u2019s data schema, and what breaks producers (old events ' +
        'refused) or consumers (new values they do not expect)',
    )
    .argument('<detailType>', 'the event')
    .argument('<from>', 'a schema version (1, v1) or a JSON Schema file')
    .argument('<to>', 'a schema version or a JSON Schema file (e.g. a proposed change)')
    .option('--json', 'print JSON')
    .action(async (detailType: string, from: string, to: string, opts: { json?: boolean }) => {
      if (definitionsNamed(detailType).length === 0)
        throw new CliError(`unknown detail-type ${JSON.stringify(detailType)}; known: ${DETAIL_TYPES.join(', ')}`);
      const [{ diffSchemas }, { renderDiff }] = await Promise.all([
        import('../catalog/schema-diff.ts'),
        import('../catalog/render-text.ts'),
      ]);
      const [before, after] = [await dataSchema(detailType, from), await dataSchema(detailType, to)];
      const changes = diffSchemas(before.schema, after.schema);
      if (opts.json)
        return printJson({
          detailType,
          from: before.label,
          to: after.label,
          breaking: changes.some((c) => c.breaks.length > 0),
          changes,
        });
      process.stdout.write(renderDiff(`${detailType} ${before.label} \u2192 ${after.label}`, changes));
    });

  schemas
    .command('fixtures')
    .description(
      'freeze each published schema version: its data schema and example events, under <out>/<detail-type>/v<n>/ ' +
        '(existing files are never overwritten)',
    )
    .requiredOption('--out <dir>', 'fixture root, e.g. test/fixtures/events')
    .action(async (opts: { out: string }) => {
      const { fixturesFor, fixtureDir, PUBLISHED_SCHEMA_FILE } = await import('../catalog/fixtures.ts');
      const { zodJsonSchema } = await import('../catalog/json-schemas.ts');
      let written = 0;
      const writeOnce = async (file: string, value: unknown) => {
        try {
          await writeFile(file, `${JSON.stringify(value, null, 2)}\n`, { flag: 'wx' });
          written += 1;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
      };
      for (const definition of CATALOG) {
        const dir = path.join(opts.out, fixtureDir(definition.detailType, definition.schemaVersion));
        await mkdir(dir, { recursive: true });
        await writeOnce(path.join(dir, PUBLISHED_SCHEMA_FILE), zodJsonSchema(definition.data, 'draft-07'));
        for (const fixture of fixturesFor(definition))
          await writeOnce(path.join(dir, `${fixture.name}.json`), fixture.event);
      }
      process.stderr.write(
        `wrote ${written} new file(s) under ${path.resolve(opts.out)} (existing ones are kept as published)\n`,
      );
    });
}
