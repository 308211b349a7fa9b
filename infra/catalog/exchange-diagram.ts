/**
 * The exchange as a picture, drawn from the topology and the catalog: the
 * agencies' sources on the left, the bus, every subscription (rule → queue →
 * handler) with how many detail-types it receives and under which article,
 * the table it owns, and each system's reactions as dashed edges from its
 * registry back to the source it publishes under. Plain SVG written here
 * (no layout engine: the topology is a fixed four-column graph, so a grid
 * is all the layout it needs), sized to be read at 1280 px without zooming.
 */
import type { Topology } from '../topology.ts';
import type { Catalog, ReactionRef } from './model.ts';

export const DIAGRAM_WIDTH = 1100;
/** Smallest font in the picture, in viewBox units (≈ CSS px at a 1280 px window). */
export const MIN_FONT = 12;

const COLUMNS = {
  source: { x: 44, w: 230 },
  bus: { x: 306, w: 104 },
  subscription: { x: 440, w: 304 },
  table: { x: 774, w: 240 },
} as const;
const TOP = 124;
const ROW = 74;
const BOX = 62;
const SOURCE_BOX = 96;

const COLOURS = {
  source: { fill: '#e6f6fa', stroke: '#00a3c4' },
  subscription: { fill: '#ffffff', stroke: '#8d99ae' },
  registry: { fill: '#fff4e0', stroke: '#d98b00' },
  view: { fill: '#e9f5ee', stroke: '#2a9d8f' },
  'exchange-log': { fill: '#f1f3f5', stroke: '#5c677d' },
  reaction: '#c2410c',
  ink: '#14213d',
  muted: '#5c677d',
} as const;

const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Width of a line of text, a little over the average: 0.6 em a character in
 * monospace, 0.56 em in the wide sans-serifs (DejaVu Sans, Segoe UI). The
 * browser test measures every label against its box, so an estimate too low fails it.
 */
const EM = { sans: 0.56, mono: 0.6 } as const;
const textWidth = (text: string, size: number, mono = false) => text.length * size * (mono ? EM.mono : EM.sans);

/** Shortens a line to fit `width`, with an ellipsis: the full text is in the node's tooltip. */
function fitWidth(text: string, size: number, width: number, mono = false): string {
  if (textWidth(text, size, mono) <= width) return text;
  const chars = Math.max(1, Math.floor(width / (size * (mono ? EM.mono : EM.sans))) - 1);
  return `${text.slice(0, chars).trimEnd()}\u2026`;
}

/** Words in lines no wider than `width`, at most `max` lines (the last one shortened). */
function wrap(text: string, size: number, width: number, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (textWidth(next, size) <= width || !line) line = next;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines.length <= max
    ? lines
    : [...lines.slice(0, max - 1), fitWidth(lines.slice(max - 1).join(' '), size, width)];
}

interface Line {
  readonly text: string;
  readonly size: number;
  readonly weight?: 'bold';
  readonly mono?: boolean;
  readonly colour?: string;
}

interface Node {
  readonly id: string;
  readonly kind: 'source' | 'bus' | 'subscription' | 'registry' | 'view' | 'exchange-log';
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly lines: readonly Line[];
  readonly tooltip: string;
  readonly fill: string;
  readonly stroke: string;
}

function node(n: Node): string {
  const padding = 10;
  const height = n.lines.reduce((sum, l) => sum + l.size * 1.3, 0);
  let y = n.y + (n.h - height) / 2;
  const texts = n.lines.map((l) => {
    y += l.size * 1.3;
    const family = l.mono
      ? 'ui-monospace, SFMono-Regular, Menlo, monospace'
      : 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif';
    return (
      `<text x="${n.x + padding}" y="${(y - l.size * 0.3).toFixed(1)}" font-size="${l.size}" font-family="${family}` +
      `"${l.weight ? ' font-weight="bold"' : ''} fill="${l.colour ?? COLOURS.ink}">` +
      `${esc(fitWidth(l.text, l.size, n.w - 2 * padding, l.mono))}</text>`
    );
  });
  return (
    `<g data-node="${esc(n.id)}" data-kind="${n.kind}"><title>${esc(n.tooltip)}</title>` +
    `<rect x="${n.x}" y="${n.y}" width="${n.w}" height="${n.h}" rx="6" fill="${n.fill}" stroke="${n.stroke}" ` +
    `stroke-width="1.5"/>${texts.join('')}</g>`
  );
}

const arrow = (x1: number, y1: number, x2: number, y2: number, colour: string = COLOURS.muted) =>
  `<line x1="${x1}" y1="${y1}" x2="${x2 - 2}" y2="${y2}" stroke="${colour}" stroke-width="1.5" ` +
  `marker-end="url(#mx-arrow)"/>`;

const centre = (n: Pick<Node, 'y' | 'h'>) => n.y + n.h / 2;

/** `qandas reacts: CitizenshipGranted → QandasStatusClosed`, triggers with the same outcome listed together. */
function reactionText(system: string, reactions: readonly ReactionRef[]): string {
  const byOutcome = new Map<string, string[]>();
  for (const r of reactions)
    byOutcome.set(r.emits.join(', '), [...(byOutcome.get(r.emits.join(', ')) ?? []), r.trigger]);
  return (
    `${system} reacts: ` +
    `${[...byOutcome].map(([emits, triggers]) => `${triggers.join(', ')} \u2192 ${emits}`).join('; ')} (published ` +
    `as ${reactions[0]!.source})`
  );
}

/** The exchange as an SVG document, drawn from the topology and the catalog built from it. */
export function exchangeDiagram(topology: Topology, catalog: Catalog): string {
  const subscriptions = topology.subscriptions;
  const height = TOP + subscriptions.length * ROW + 24;
  const sources = topology.agencies.flatMap((agency) => agency.sources.map((source) => ({ agency, source })));
  const slot = (subscriptions.length * ROW) / sources.length;
  const published = (source: string) => catalog.events.filter((e) => e.source === source);
  const received = (name: string) => catalog.events.filter((e) => e.receivers.some((r) => r.subscription === name));

  const sourceNodes = sources.map(({ agency, source }, i): Node => {
    const types = published(source);
    const nameLines = wrap(agency.name, 13, COLUMNS.source.w - 20, 3);
    return {
      id: source,
      kind: 'source',
      x: COLUMNS.source.x,
      y: TOP + i * slot + (slot - SOURCE_BOX) / 2,
      w: COLUMNS.source.w,
      h: SOURCE_BOX,
      lines: [
        ...nameLines.map((text): Line => ({ text, size: 13, weight: 'bold' })),
        { text: source, size: 12, mono: true },
        { text: `publishes ${types.length} detail-types`, size: 12, colour: COLOURS.muted },
      ],
      tooltip: `${agency.name} publishes under ${source}: ${types.map((t) => t.detailType).join(', ')}`,
      ...COLOURS.source,
    };
  });

  const busNode: Node = {
    id: topology.busName,
    kind: 'bus',
    x: COLUMNS.bus.x,
    y: TOP,
    w: COLUMNS.bus.w,
    h: subscriptions.length * ROW - (ROW - BOX),
    lines: [
      { text: 'EventBridge', size: 13, weight: 'bold', colour: '#ffffff' },
      { text: 'bus', size: 13, weight: 'bold', colour: '#ffffff' },
    ],
    tooltip:
      `The ${topology.busName} event bus: each agency may put events only under its own sources; one rule per ` +
      `subscription`,
    fill: COLOURS.ink,
    stroke: COLOURS.ink,
  };

  const subscriptionNodes = subscriptions.map((spec, i): Node => {
    const types = received(spec.name);
    return {
      id: spec.name,
      kind: 'subscription',
      x: COLUMNS.subscription.x,
      y: TOP + i * ROW,
      w: COLUMNS.subscription.w,
      h: BOX,
      lines: [
        { text: spec.name, size: 13, weight: 'bold' },
        { text: `receives ${types.length} detail-types \u00b7 batches of ${spec.delivery.batchSize}`, size: 12 },
        { text: spec.legalBasis.article, size: 12, colour: COLOURS.muted },
      ],
      tooltip:
        `${spec.name}: ${spec.description}\nReceives: ${types.map((t) => t.detailType).join(', ')}\nLegal basis: ` +
        `${spec.legalBasis.act}, ${spec.legalBasis.article}\nPurpose: ${spec.purpose}`,
      ...COLOURS.subscription,
    };
  });

  const tableNodes = subscriptions.map((spec, i): Node => {
    const reception = catalog.events.flatMap((e) => e.receivers).find((r) => r.subscription === spec.name);
    const role = reception?.role ?? 'exchange-log';
    const what =
      role === 'registry'
        ? `registry of ${reception?.owner}`
        : role === 'view'
          ? `${reception?.owner} ministry view`
          : 'the platform\u2019s exchange log';
    const description = topology.tables.find((t) => t.id === spec.table)?.description ?? '';
    return {
      id: spec.table,
      kind: role,
      x: COLUMNS.table.x,
      y: TOP + i * ROW,
      w: COLUMNS.table.w,
      h: BOX,
      lines: [
        { text: spec.table, size: 13, weight: 'bold' },
        { text: what, size: 12 },
        { text: description, size: 12, colour: COLOURS.muted },
      ],
      tooltip: `${spec.table}: ${description}`,
      ...COLOURS[role],
    };
  });

  const edges: string[] = [];
  for (const n of sourceNodes) edges.push(arrow(n.x + n.w, centre(n), COLUMNS.bus.x, centre(n)));
  subscriptionNodes.forEach((n, i) => {
    edges.push(arrow(COLUMNS.bus.x + COLUMNS.bus.w, centre(n), n.x, centre(n)));
    edges.push(arrow(n.x + n.w, centre(n), tableNodes[i]!.x, centre(n)));
  });

  // Reactions: from the registry's right edge, up a lane on the right, across the top, down a
  // lane on the left, into the source.
  const bySystem = new Map<string, ReactionRef[]>();
  for (const reaction of catalog.events.flatMap((e) => e.triggers))
    bySystem.set(reaction.system, [...(bySystem.get(reaction.system) ?? []), reaction]);
  const lanes: string[] = [];
  [...bySystem].forEach(([system, reactions], k) => {
    const from = tableNodes[subscriptions.findIndex((s) => s.name === reactions[0]!.subscription)]!;
    const to = sourceNodes.find((n) => n.id === reactions[0]!.source)!;
    const right = COLUMNS.table.x + COLUMNS.table.w + 18 + k * 12;
    const left = 12 + k * 10;
    const top = 44 + k * 22;
    const yFrom = from.y + 12 + k * 6;
    const yTo = to.y + 14 + k * 8;
    const points = [
      [from.x + from.w, yFrom],
      [right, yFrom],
      [right, top],
      [left, top],
      [left, yTo],
      [to.x - 2, yTo],
    ]
      .map(([x, y]) => `${x},${y}`)
      .join(' ');
    const label = reactionText(system, reactions);
    lanes.push(
      `<g data-reaction="${esc(system)}"><title>${esc(label)}</title>` +
        `<polyline points="${points}" fill="none" stroke="${COLOURS.reaction}" stroke-width="1.5" ` +
        `stroke-dasharray="6 4" marker-end="url(#mx-arrow-reaction)"/>` +
        (`<text x="${left + 12}" y="${top - 5}" font-size="12" font-family="system-ui, sans-serif" fill="` +
          `${COLOURS.reaction}">${esc(fitWidth(label, 12, right - left - 24))}</text></g>`),
    );
  });

  const titles = [
    [COLUMNS.source.x, 'Agencies publish'],
    [COLUMNS.bus.x, 'Bus'],
    [COLUMNS.subscription.x, 'Subscriptions (legal basis)'],
    [COLUMNS.table.x, 'Registries and views'],
  ] as const;
  const header = titles
    .map(
      ([x, text]) =>
        `<text x="${x}" y="${TOP - 14}" font-size="13" font-weight="bold" font-family="system-ui, sans-serif" ` +
        `fill="${COLOURS.muted}">${esc(text)}</text>`,
    )
    .join('');
  const markers =
    `<defs><marker id="mx-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" ` +
    `orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${COLOURS.muted}"/></marker>` +
    (`<marker id="mx-arrow-reaction" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" ` +
      `orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${COLOURS.reaction}"/></marker></defs>`);
  const nodes = [...sourceNodes, busNode, ...subscriptionNodes, ...tableNodes].map(node).join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${DIAGRAM_WIDTH} ${height}" width="${DIAGRAM_WIDTH}" ` +
    `height="${height}" role="img" aria-labelledby="mx-exchange-title">` +
    (`<title id="mx-exchange-title">The exchange: ${sources.length} sources publish to the ` +
      `${esc(topology.busName)} bus; ${subscriptions.length} subscriptions feed their tables; ${bySystem.size} ` +
      `systems react</title>`) +
    `${markers}${header}${lanes.join('')}${edges.join('')}${nodes}</svg>`
  );
}
