/// <reference lib="dom" />
/**
 * The console's event catalog: the exchange drawn from the topology, a
 * searchable page per event (schema, publishers, subscriptions with their
 * legal basis and purpose, what each registry and view keeps and drops, the
 * counters it feeds, reactions, versions) and who receives what. It reads
 * the catalog document the cloud builds from the declarations
 * (infra/catalog/console-document.ts); nothing here knows an event by name.
 */
import type { CatalogDocument, CatalogEvent, Reception } from '../domain/catalog-model.ts';

/** Served beside the console's script (infra/local/console.ts). */
const DOCUMENT_URL = '/console/catalog.json';

const esc = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const code = (value: unknown) => `<code>${esc(value)}</code>`;
const list = (items: readonly string[]) => (items.length ? items.map(code).join(', ') : '\u2014');
const show = (value: unknown) => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

let loaded: Promise<CatalogDocument> | undefined;

function load(): Promise<CatalogDocument> {
  loaded ??= fetch(DOCUMENT_URL).then(async (response) => {
    if (!response.ok) throw new Error(`The catalog could not be loaded (${response.status} ${response.statusText}).`);
    return (await response.json()) as CatalogDocument;
  });
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

function schemaSection(event: CatalogEvent): string {
  const v = event.versions.at(-1)!;
  const rows = v.fields
    .map(
      (f) =>
        `<tr><td>${code(f.path)}</td><td>${esc(f.type)}</td><td>${f.required ? 'yes' : 'no'}</td><td>` +
        `${esc(f.constraints.join('; '))}</td><td>${f.example === undefined ? '' : code(show(f.example))}</td>` +
        `</tr>`,
    )
    .join('');
  const rules = v.rules.length
    ? `<p>Rules beyond JSON Schema:</p><ul>` +
      `${v.rules.map((r) => `<li>${code(r.path)}: ${esc(r.message)}</li>`).join('')}</ul>`
    : '';
  return (
    `<h3>Schema: <code>detail.data</code> (v${v.schemaVersion})</h3>
    <table data-section="schema"><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Bounds</th>` +
    `<th>Example</th></tr></thead><tbody>${rows}</tbody></table>${rules}
    <p>Every event also carries <code>detail.meta</code>: eventId, schemaVersion, occurredAt, ` +
    `correlationId, and optionally causationId and subject.</p>`
  );
}

function publishingSection(event: CatalogEvent): string {
  const p = event.publishing;
  const items = [
    `<li>${esc(p.agency.name)} publishes it under ${code(p.source)}: ${esc(p.principal)}.</li>`,
    ...p.commands.map(
      (c) => `<li>Command API: ${code(c.route)}, issued by ${esc(c.agency)} officials. ${esc(c.description)}</li>`,
    ),
    ...p.reactions.map(
      (r) =>
        `<li>Reaction: ${esc(r.system)} publishes it when its subscription ${code(r.subscription)} receives ` +
        `${code(r.trigger)}.</li>`,
    ),
  ];
  return `<h3>Published by</h3><ul data-section="publishing">${items.join('')}</ul>`;
}

function effects(r: Reception): string {
  const records = r.records.map(
    (record) =>
      `<div><strong>${esc(record.kind)}</strong> ${code(record.key)}${
        Object.keys(record.sets).length
          ? ` sets ${esc(
              Object.entries(record.sets)
                .map(([k, v]) => `${k}=${show(v)}`)
                .join(', '),
            )}`
          : ''
      }<br>kept: ${list(record.kept)}${record.dropped.length ? `<br>dropped: ${list(record.dropped)}` : ''}</div>`,
  );
  if (r.kindsNotKept.length) records.push(`<div>keeps nothing of: ${list(r.kindsNotKept)}</div>`);
  return records.join('');
}

function receptionRow(r: Reception): string {
  const counters =
    r.counters.map((c) => `<div><strong>${esc(c.family)}</strong>: ${list(c.counters)}</div>`).join('') || '\u2014';
  const reactions = r.reactions.map((x) => `publishes ${list(x.emits)}`).join('<br>') || '\u2014';
  return (
    `<tr data-subscription="${esc(r.subscription)}"><td><strong>${esc(r.subscription)}</strong>` +
    `<br>\u2192 ${esc(r.table)} (${esc(r.role)}${r.owner ? ` of ${esc(r.owner)}` : ''})</td>
    <td>${esc(r.legalBasis.act)}, ${esc(r.legalBasis.article)}<br><em>${esc(r.purpose)}</em></td><td>` +
    `${effects(r)}</td><td>${counters}</td><td>${reactions}</td></tr>`
  );
}

const versionItem = (v: CatalogEvent['versions'][number]) =>
  `<li>v${v.schemaVersion}: ${code(v.schemaId)}, schema registry ${code(v.registrySchemaName)}</li>`;

function eventPage(event: CatalogEvent): string {
  const causes = event.publishing.reactions.map((r) => `${code(r.trigger)} (${esc(r.system)} reacts)`);
  const effectsOf = event.triggers.map((t) => `${esc(t.system)} publishes ${list(t.emits)}`);
  return (
    `<details class="card" id="event-${esc(event.detailType)}" data-event="${esc(event.detailType)}">
    <summary><strong>${esc(event.detailType)}</strong> \u00b7 ${code(event.source)} \u00b7 v` +
    `${event.latestVersion} \u00b7 ${esc(event.description)}</summary>
    ${schemaSection(event)}
    ${publishingSection(event)}
    <h3>Received by ${event.receivers.length} subscriptions</h3>
    <table data-section="receivers"><thead><tr><th>Subscription \u2192 table</th>` +
    `<th>Legal basis and purpose</th><th>Records: kept and dropped fields</th><th>Counters fed</th>` +
    `<th>Reactions</th></tr></thead><tbody>${event.receivers.map(receptionRow).join('')}</tbody></table>
    <h3>Reactions</h3><ul data-section="reactions"><li>Sets off: ${effectsOf.join('; ') || 'nothing'}</li>` +
    `<li>Caused by: ${causes.join(', ') || 'no other event (officials publish it)'}</li></ul>
    <h3>Schema versions</h3><ul data-section="versions">` +
    `${event.versions.map(versionItem).join('')}` +
    `</ul>
    <h3>Example <code>detail.data</code></h3><pre>` +
    `${esc(JSON.stringify(event.versions.at(-1)!.example, null, 2))}</pre>
  </details>`
  );
}

/** What a search matches an event on: its names, fields, publishers, subscriptions, tables and legal bases. */
function haystack(event: CatalogEvent): string {
  return [
    event.detailType,
    event.source,
    event.description,
    event.publishing.agency.name,
    ...event.publishing.commands.map((c) => c.command),
    ...event.versions.flatMap((v) => v.fields.map((f) => f.path)),
    ...event.receivers.flatMap((r) => [
      r.subscription,
      r.table,
      r.owner ?? '',
      r.legalBasis.article,
      r.purpose,
      ...r.records.map((x) => x.kind),
    ]),
    ...event.triggers.flatMap((t) => t.emits),
  ]
    .join(' ')
    .toLowerCase();
}

function matrix(document: CatalogDocument): string {
  const subscriptions = document.catalog.subscriptions.map((s) => s.name);
  const head = document.catalog.subscriptions
    .map((s) => `<th title="${esc(`${s.table}: ${s.role}${s.owner ? ` of ${s.owner}` : ''}`)}">${esc(s.name)}</th>`)
    .join('');
  const rows = document.catalog.events
    .map((e) => {
      const cells = subscriptions.map((s) => {
        const r = e.receivers.find((x) => x.subscription === s);
        return r
          ? `<td title="` +
              `${esc(r.records.map((x) => `${x.kind}: ${x.kept.join(', ')}`).join(' | ') || 'nothing kept')}` +
              `">\u2713</td>`
          : '<td></td>';
      });
      return `<tr><th>${esc(e.detailType)}</th>${cells.join('')}</tr>`;
    })
    .join('');
  return `<table id="catalog-matrix"><thead><tr><th>Event</th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

export async function catalogPage(app: HTMLElement): Promise<void> {
  app.innerHTML = '<p class="empty">Loading the catalog\u2026</p>';
  let document_: CatalogDocument;
  try {
    document_ = await load();
  } catch (error) {
    app.innerHTML = `<div class="error" role="alert">${esc((error as Error).message)}</div>`;
    return;
  }
  const { events } = document_.catalog;
  app.innerHTML =
    `<div class="card"><h2>The exchange</h2><p>Who publishes, who receives what and why, and which systems ` +
    `react: hover a box for its details, click it for its events.</p><div id="catalog-diagram">` +
    `${document_.diagram}</div></div>
    <div class="card"><h2>Events</h2>
      <label for="catalog-search">Search by event, field, subscription, registry or view, article</label>
      <input id="catalog-search" type="search" autocomplete="off" placeholder="e.g. Deportation, ` +
    `permitNumber, view-labour, Art. 38">
      <p id="catalog-count" aria-live="polite"></p>
      <div id="catalog-events">${events.map(eventPage).join('')}</div>
    </div>
    <div class="card"><h2>Who receives what</h2>${matrix(document_)}</div>`;
  // The picture keeps its proportions and fills the card (CSSOM, not a style attribute: the
  // console's CSP allows no inline styles).
  const svg = app.querySelector<SVGSVGElement>('#catalog-diagram svg');
  if (svg) {
    svg.removeAttribute('height');
    svg.setAttribute('width', '100%');
    svg.style.maxWidth = `${svg.viewBox.baseVal.width}px`;
    svg.style.height = 'auto';
  }
  const haystacks = new Map(events.map((e) => [e.detailType, haystack(e)]));
  const search = app.querySelector<HTMLInputElement>('#catalog-search')!;
  const count = app.querySelector<HTMLElement>('#catalog-count')!;
  const filter = () => {
    const terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    app.querySelectorAll<HTMLDetailsElement>('#catalog-events details').forEach((details) => {
      const match = terms.every((t) => haystacks.get(details.dataset.event!)!.includes(t));
      details.hidden = !match;
      if (match) shown += 1;
    });
    count.textContent = terms.length ? `${shown} of ${events.length} events match.` : `${events.length} events.`;
    // One match is the page the operator was looking for.
    if (shown === 1) app.querySelector<HTMLDetailsElement>('#catalog-events details:not([hidden])')!.open = true;
  };
  search.addEventListener('input', filter);
  // A box in the picture lists what it publishes or receives: clicking it searches for its name.
  app.querySelectorAll<SVGGElement>('#catalog-diagram g[data-node]:not([data-kind=bus])').forEach((g) => {
    g.addEventListener('click', () => {
      search.value = g.dataset.node ?? '';
      filter();
      search.scrollIntoView({ block: 'start' });
    });
  });
  filter();
}
