/**
 * The exchange log as an auditor reads it: every row, sorted into events
 * (valid, projectable), contract breaches and id conflicts.
 */
import type { LogEntry } from '../../functions/exchange-log/log-entry.ts';
import { loadDetail } from '../../functions/exchange-log/store.ts';
import type { ValidEvent } from '../../functions/projector/plan.ts';
import { type CloudAccess, health, platformDynamo, scanTable } from './cloud-access.ts';
import { projectable } from './views.ts';

export interface LogAudit {
  /** Every event row (valid or not) by its key, `<source>#<eventId>`; conflict and part rows are not here. */
  readonly rows: ReadonlyMap<string, LogEntry>;
  /** The valid rows as a projector receives them. */
  readonly events: readonly ValidEvent[];
  /** Rows of events that broke the contract. */
  readonly breaches: readonly LogEntry[];
  /** Second, different events under an id already logged. */
  readonly conflicts: readonly LogEntry[];
}

export async function auditLog(access: CloudAccess): Promise<LogAudit> {
  const table =
    ((await health(access)) as { tables?: Record<string, string> } | undefined)?.tables?.ExchangeLog ?? 'ExchangeLog';
  const { doc, destroy } = platformDynamo(access);
  try {
    const rows = new Map<string, LogEntry>();
    const events: ValidEvent[] = [];
    const breaches: LogEntry[] = [];
    const conflicts: LogEntry[] = [];
    for (const item of await scanTable(doc, table)) {
      // The list of days and the parts of large details are not events.
      if (typeof item.digest !== 'string' || 'partOf' in item) continue;
      const row = item as unknown as LogEntry;
      if (row.breach === 'id-conflict') {
        conflicts.push(row);
        continue;
      }
      rows.set(row.pk, row);
      if (!row.valid) {
        breaches.push(row);
        continue;
      }
      const event = projectable({ ...row, detail: await loadDetail(doc, table, row) });
      if (event) events.push(event);
      else breaches.push(row);
    }
    return { rows, events, breaches, conflicts };
  } finally {
    destroy();
  }
}
