/**
 * `mx view` for people: the query API's JSON laid out as a person reads it
 * (figures with thousands separators under headings, a dossier's fields, a
 * lineage as a timeline). Pure: JSON in, text out; `--json` prints the JSON.
 */
import { REGIONS } from '../../schemas/reference/regions.ts';
import { formatTable } from './output.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const REGION_NAMES = new Map(REGIONS.map((r) => [r.code, r.name]));
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const count = (n: number) => n.toLocaleString('en-US');

/** `bySettlementRegion` → "by settlement region"; `amountKzt` → "amount KZT". */
export function labelOf(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/\bkzt\b/g, 'KZT');
}

/** A breakdown key as people know it: a region code with its name, anything else as is. */
function keyLabel(key: string): string {
  const region = REGION_NAMES.get(key);
  return region ? `${key} ${region}` : key;
}

function scalar(value: Json): string {
  if (typeof value === 'number') return count(value);
  if (value === null) return '';
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(scalar).join(', ');
  // A person reference reads as "UZB FA1234567" or "IIN 900101300017".
  if (
    typeof value.citizenship === 'string' &&
    typeof value.documentNumber === 'string' &&
    Object.keys(value).length === 2
  )
    return `${value.citizenship} ${value.documentNumber}`;
  if (typeof value.iin === 'string' && Object.keys(value).length === 1) return `IIN ${value.iin}`;
  return Object.entries(value)
    .map(([k, v]) => `${labelOf(k)}: ${scalar(v)}`)
    .join('; ');
}

interface Line {
  readonly indent: number;
  readonly label: string;
  readonly value?: string;
  /** Counts are right-aligned in their own column; words are left as they are. */
  readonly numeric?: boolean;
}

function figureLines(value: JsonObject, indent: number, breakdown: boolean): Line[] {
  const lines: Line[] = [];
  for (const [key, item] of Object.entries(value)) {
    const label = breakdown ? keyLabel(key) : labelOf(key);
    if (!isObject(item)) {
      lines.push({ indent, label, value: scalar(item), numeric: typeof item === 'number' });
      continue;
    }
    const entries = Object.values(item);
    if (entries.length === 0) {
      lines.push({ indent, label, value: '(none)' });
    } else if (entries.every((v) => typeof v === 'number')) {
      // A breakdown (by country, by month…): its keys are data, not field names.
      lines.push({ indent, label }, ...figureLines(item, indent + 2, true));
    } else if (entries.every((v) => isObject(v) && Object.values(v).every((x) => typeof x === 'number'))) {
      // Rows of counts (quota use by region: quota and issued): one line each.
      lines.push({ indent, label });
      for (const [rowKey, row] of Object.entries(item)) {
        lines.push({
          indent: indent + 2,
          label: keyLabel(rowKey),
          value: Object.entries(row as JsonObject)
            .map(([k, v]) => `${labelOf(k)} ${count(v as number)}`)
            .join(', '),
        });
      }
    } else {
      lines.push({ indent, label }, ...figureLines(item, indent + 2, false));
    }
  }
  return lines;
}

function layOut(lines: readonly Line[]): string {
  const labelWidth = Math.min(
    48,
    Math.max(0, ...lines.filter((l) => l.value !== undefined).map((l) => l.indent + l.label.length)),
  );
  const numberWidth = Math.max(0, ...lines.filter((l) => l.numeric).map((l) => l.value!.length));
  return lines
    .map((l) => {
      const head = `${' '.repeat(l.indent)}${l.label}`;
      if (l.value === undefined) return head;
      const value = l.numeric ? l.value.padStart(numberWidth) : l.value;
      return `${head.padEnd(labelWidth)}  ${value}`.trimEnd();
    })
    .join('\n');
}

/** A ministry's figures: the period on top, then each figure under its heading. */
export function renderStats(stats: JsonObject): string {
  const { ministry, period, ...figures } = stats;
  const p = isObject(period) ? period : {};
  const heading =
    `${String(ministry ?? '')} view, ${String(p.from ?? '?')} to ${String(p.to ?? '?')} (in force on ` +
    `${String(p.asOf ?? '?')})`;
  return `${heading}\n\n${layOut(figureLines(figures, 0, false))}\n`;
}

function accessLine(access: Json | undefined): string {
  if (!isObject(access)) return '';
  return (
    `\nthis read is in the access ledger: ${String(access.readAt ?? '')}, purpose ` +
    `${JSON.stringify(access.purpose ?? '')}\n`
  );
}

/** A person's dossier: the profile's fields, then one line per record with its state's fields. */
export function renderDossier(dossier: JsonObject): string {
  const profile = isObject(dossier.profile) ? dossier.profile : {};
  const records = Array.isArray(dossier.records) ? dossier.records.filter(isObject) : [];
  const head = `${String(dossier.ministry ?? '')} view: person ${String(dossier.personKey ?? '')}\n\n`;
  const fields = Object.keys(profile).length
    ? `${layOut(Object.entries(profile).map(([k, v]) => ({ indent: 2, label: labelOf(k), value: scalar(v) })))}\n`
    : '  (no profile)\n';
  const rows = records.map((r) => ({
    kind: scalar(r.kind ?? null),
    key: scalar(r.key ?? null),
    state: isObject(r.state) ? stateSummary(r.state) : scalar(r.state ?? null),
  }));
  return (
    `${head}profile\n${fields}\nrecords\n${formatTable(rows, ['kind', 'key', 'state'])}` +
    `${accessLine(dossier.access)}`
  );
}

/** A record's state in one line, its person left out (the dossier's heading names them). */
function stateSummary(state: JsonObject): string {
  return Object.entries(state)
    .filter(([k]) => k !== 'person')
    .map(([k, v]) => `${labelOf(k)}: ${scalar(v)}`)
    .join('; ');
}

/** The events that built a person's records, oldest first, each with its cause and the records it touched. */
export function renderLineage(lineage: JsonObject): string {
  const events = Array.isArray(lineage.events) ? lineage.events.filter(isObject) : [];
  const head =
    `${String(lineage.ministry ?? '')} view: lineage of person ${String(lineage.personKey ?? '')}, ${events.length}` +
    ` event(s)\n\n`;
  const rows = events.map((e) => ({
    occurredAt: scalar(e.occurredAt ?? null),
    type: scalar(e.type ?? null),
    source: scalar(e.source ?? null),
    eventId: scalar(e.eventId ?? null),
    causedBy: scalar(e.causationId ?? null),
    records: scalar(e.records ?? null),
  }));
  return (
    `${head}${formatTable(rows, ['occurredAt', 'type', 'source', 'eventId', 'causedBy', 'records'])}` +
    `${accessLine(lineage.access)}`
  );
}

export function renderView(what: 'stats' | 'person' | 'lineage', body: unknown): string {
  if (!isObject(body)) return `${JSON.stringify(body, null, 2)}\n`;
  return what === 'stats' ? renderStats(body) : what === 'person' ? renderDossier(body) : renderLineage(body);
}
