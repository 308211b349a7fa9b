/** The catalog as a terminal shows it: one event, every fact, in the order a newcomer asks for them. */
import type { CatalogEvent, Reception, SchemaVersionDoc } from './model.ts';
import type { SchemaChange } from './schema-diff.ts';

const cell = (value: unknown) => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

function table(rows: readonly (readonly string[])[], indent = '  '): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => `${indent}${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd())
    .join('\n');
}

const heading = (text: string) => `\n\u2500\u2500 ${text} \u2500\u2500`;
const list = (items: readonly string[]) => (items.length ? items.join(', ') : '\u2014');

function schemaSection(version: SchemaVersionDoc): string {
  const rows = [
    ['field', 'type', 'required', 'bounds', 'example'],
    ...version.fields.map((f) => [
      f.path,
      f.type,
      f.required ? 'yes' : 'no',
      f.constraints.join('; '),
      cell(f.example),
    ]),
  ];
  const rules = version.rules.length
    ? `\n  Rules beyond JSON Schema:\n${version.rules.map((r) => `    ${r.path}: ${r.message}`).join('\n')}`
    : '';
  return `${table(rows)}${rules}`;
}

const ROLE: Readonly<Record<Reception['role'], string>> = {
  'exchange-log': 'the exchange log',
  registry: 'registry',
  view: 'ministry view',
};

function receptionSection(r: Reception): string {
  const owner = r.owner ? ` of ${r.owner}` : '';
  const lines = [
    `  ${r.subscription} \u2192 ${r.table} (${ROLE[r.role]}${owner})`,
    `    legal basis: ${r.legalBasis.act}, ${r.legalBasis.article}`,
    `    purpose:     ${r.purpose}`,
    `    queue:       batches of ${r.queue.batchSize}, ${r.queue.maxReceiveCount} receives then the dead-letter queue`,
  ];
  for (const record of r.records) {
    const sets = Object.keys(record.sets).length
      ? `  sets ${Object.entries(record.sets)
          .map(([k, v]) => `${k}=${cell(v)}`)
          .join(', ')}`
      : '';
    lines.push(`    record ${record.kind} ${record.key}${sets}`, `      kept:    ${list(record.kept)}`);
    if (record.dropped.length) lines.push(`      dropped: ${list(record.dropped)}`);
  }
  if (r.kindsNotKept.length) lines.push(`    keeps nothing of: ${list(r.kindsNotKept)}`);
  for (const feed of r.counters) lines.push(`    counters ${feed.family}: ${list(feed.counters)}`);
  for (const reaction of r.reactions)
    lines.push(`    reacts: ${reaction.system} publishes ${list(reaction.emits)} (${reaction.source})`);
  return lines.join('\n');
}

export function renderEvent(event: CatalogEvent): string {
  const latest = event.versions.at(-1)!;
  const { publishing } = event;
  const out = [`${event.detailType}  (${event.source}, schema v${event.latestVersion})`, event.description];

  out.push(heading(`Schema: detail.data (v${latest.schemaVersion})`), schemaSection(latest));
  out.push(
    `  Every event also carries detail.meta: eventId, schemaVersion ${latest.schemaVersion}, occurredAt, ` +
      `correlationId, optional causationId and subject.`,
  );

  out.push(heading('Published by'));
  out.push(`  ${publishing.agency.name} (${publishing.agency.id}), source ${publishing.source}`);
  out.push(`  who may put it on the bus: ${publishing.principal}`);
  for (const c of publishing.commands)
    out.push(`  command API: ${c.route}, by ${c.agency} officials: ${c.description}`);
  for (const r of publishing.reactions)
    out.push(`  reaction: ${r.system} (subscription ${r.subscription}) publishes it when it receives ${r.trigger}`);

  out.push(heading(`Received by ${event.receivers.length} subscriptions`));
  out.push(event.receivers.map(receptionSection).join('\n\n'));

  out.push(heading('Reactions'));
  out.push(
    event.triggers.length
      ? event.triggers.map((t) => `  sets off: ${t.system} publishes ${list(t.emits)}`).join('\n')
      : '  sets off: none',
  );
  out.push(
    publishing.reactions.length
      ? publishing.reactions.map((r) => `  caused by: ${r.trigger} (${r.system} reacts)`).join('\n')
      : '  caused by: none (officials publish it)',
  );

  out.push(heading('Schema versions'));
  out.push(
    event.versions
      .map((v) => `  v${v.schemaVersion}  ${v.schemaId}  schema registry: ${v.registrySchemaName}`)
      .join('\n'),
  );

  out.push(heading(`Example data (a whole entry: npx mx schemas example ${event.detailType})`));
  out.push(JSON.stringify(latest.example, null, 2).replace(/^/gm, '  '));
  return `${out.join('\n')}\n`;
}

export function renderIndex(events: readonly CatalogEvent[]): string {
  const rows = events.map((e) => [e.detailType, e.source, String(e.latestVersion), e.description]);
  return `${table([['detail-type', 'source', 'v', 'description'], ...rows], '')}\n`;
}

export function renderDiff(title: string, changes: readonly SchemaChange[]): string {
  const breaking = changes.filter((c) => c.breaks.length > 0).length;
  const head = `${title}: ${changes.length} change${changes.length === 1 ? '' : 's'}, ${breaking} breaking`;
  if (changes.length === 0) return `${head}\n`;
  const rows = changes.map((c) => [
    c.breaks.length ? 'BREAKING' : 'compatible',
    c.path,
    c.change,
    c.breaks.length ? `breaks ${c.breaks.join(' and ')}` : '',
  ]);
  return `${head}\n${table(rows)}\n`;
}
