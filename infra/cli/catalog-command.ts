import type { Command } from 'commander';
import { CliError, printJson } from './output.ts';

/**
 * `mx catalog [<detail-type>]`: every event with its source and one line, or
 * everything about one event. The catalog is built (from the platform's own
 * declarations) only when the command runs, so `mx --help` does not load it.
 */
export function registerCatalogCommand(program: Command): void {
  program
    .command('catalog')
    .description(
      'the event catalog: every event, or everything about one (schema, publishers, subscriptions, legal bases, ' +
        'what each registry and view keeps, counters, reactions, versions)',
    )
    .argument('[detailType]', 'an event\u2019s detail-type (case does not matter)')
    .option('--json', 'print JSON')
    .action(async (detailType: string | undefined, opts: { json?: boolean }) => {
      const [{ buildCatalog }, { renderEvent, renderIndex }] = await Promise.all([
        import('../catalog/event-catalog.ts'),
        import('../catalog/render-text.ts'),
      ]);
      const catalog = buildCatalog();
      if (detailType === undefined) {
        if (opts.json)
          return printJson(
            catalog.events.map((e) => ({
              detailType: e.detailType,
              source: e.source,
              schemaVersion: e.latestVersion,
              description: e.description,
            })),
          );
        return void process.stdout.write(renderIndex(catalog.events));
      }
      const event = catalog.events.find((e) => e.detailType.toLowerCase() === detailType.toLowerCase());
      if (!event)
        throw new CliError(
          `unknown detail-type ${JSON.stringify(detailType)}; known: ` +
            `${catalog.events.map((e) => e.detailType).join(', ')}`,
        );
      if (opts.json) return printJson(event);
      process.stdout.write(renderEvent(event));
    });
}
