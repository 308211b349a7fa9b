/**
 * Rebuilding a projection from the exchange log: the log's events that the
 * table's subscription pattern matches, folded with the same code the
 * projector runs. Used by `mx replay` (an operator tool, so it lives with the CLI, not in a Lambda).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Detail } from '../schemas/envelope.ts';
import { compilePattern } from './local/event-pattern.ts';
import type { EventData } from '../functions/domain/projections.ts';
import type { TableView } from '../functions/domain/views.ts';
import type { StoredRecord, ValidEvent } from '../functions/projector/plan.ts';
import { recordKey } from '../functions/projector/plan.ts';
import { projectEvents } from '../functions/projector/project.ts';
import { allPages } from '../functions/lib/paginate.ts';
import { rebuiltBusEvent } from '../functions/lib/bus-event.ts';
import type { LogEntry } from '../functions/exchange-log/log-entry.ts';
import { loadDetail } from '../functions/exchange-log/store.ts';

/** Valid logged events received at or after `since` (ISO time), as bus events. */
export async function loggedEvents(client: DynamoDBDocumentClient, logTable: string, since = ''): Promise<ValidEvent[]> {
  const rows = await allPages<LogEntry>((ExclusiveStartKey) => client.send(new ScanCommand({ TableName: logTable, ExclusiveStartKey })));
  const events: ValidEvent[] = [];
  for (const row of rows) {
    // Part rows, breaches and id conflicts are not events to fold.
    if (row.valid !== true || row.time < since) continue;
    const detail = JSON.parse(await loadDetail(client, logTable, row)) as Detail<EventData>;
    events.push({ messageId: row.pk, bus: rebuiltBusEvent({ id: row.busEventId, source: row.source, detailType: row.detailType, time: row.time, detail }) });
  }
  return events.sort((a, b) => a.bus.detail.meta.occurredAt.localeCompare(b.bus.detail.meta.occurredAt));
}

/** Folds the events a subscription pattern matches into a table, 100 at a time; returns how many were replayed. */
export async function replayInto(client: DynamoDBDocumentClient, table: string, view: TableView, secret: string, pattern: Record<string, unknown>, events: readonly ValidEvent[]): Promise<number> {
  const matcher = compilePattern(pattern);
  const matching = events.filter((e) => matcher.matches(e.bus));
  for (let i = 0; i < matching.length; i += 100) {
    const failed = await projectEvents(client, table, view, secret, matching.slice(i, i + 100));
    if (failed.size) throw new Error(`${failed.size} event(s) could not be replayed into ${table}`);
  }
  return matching.length;
}

/** Record keys whose content (state and the events that built it) differs between two tables. */
export function differences(a: readonly StoredRecord[], b: readonly StoredRecord[]): string[] {
  const content = (r: StoredRecord) => JSON.stringify({ kind: r.kind, state: r.state, events: r.events.map((e) => e.id) });
  const left = new Map(a.map((r) => [recordKey(r.pk, r.sk), content(r)]));
  const right = new Map(b.map((r) => [recordKey(r.pk, r.sk), content(r)]));
  const keys = new Set([...left.keys(), ...right.keys()]);
  return [...keys].filter((k) => left.get(k) !== right.get(k)).map((k) => k.replace('\u0000', ' '));
}
