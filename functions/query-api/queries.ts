/**
 * Reads over one ministry's view: stats, a person's dossier and its lineage.
 * The view already holds only what the ministry may see; these functions
 * shape it for the caller.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { KIND_RULES } from '../domain/fold.ts';
import { allPages } from '../lib/paginate.ts';
import type { StoredRecord } from '../projector/plan.ts';

/** Every record of a view, for aggregates (a Scan: views are read by operators, not on a hot path). */
export async function allRecords(
  client: DynamoDBDocumentClient,
  table: string,
  withEvents = false,
): Promise<StoredRecord[]> {
  return allPages<StoredRecord>((ExclusiveStartKey) =>
    client.send(
      new ScanCommand({
        TableName: table,
        ...(withEvents
          ? {}
          : {
              ProjectionExpression: 'pk, sk, #kind, #state',
              ExpressionAttributeNames: { '#kind': 'kind', '#state': 'state' },
            }),
        ExclusiveStartKey,
      }),
    ),
  );
}

export interface Dossier {
  readonly personKey: string;
  readonly profile: Record<string, unknown>;
  readonly records: { kind: string; key: string; state: Record<string, unknown> }[];
}

export interface Lineage {
  readonly personKey: string;
  readonly events: {
    eventId: string;
    type: string;
    source: string;
    occurredAt: string;
    causationId?: string;
    records: string[];
  }[];
}

export function toDossier(personKey: string, records: readonly StoredRecord[]): Dossier {
  // Someone known only from crossings or offences has no profile record: name them by the
  // person reference the view keeps.
  const profile = records.find((r) => r.kind === 'profile')?.state ?? {
    ...records.map((r) => (r.state as { person?: object }).person).find((p) => p !== undefined),
  };
  return {
    personKey,
    profile,
    records: records
      .filter((r) => r.kind !== 'profile' && !KIND_RULES[r.kind].derived)
      .map((r) => ({ kind: r.kind, key: r.sk.slice(r.kind.length + 1), state: r.state })),
  };
}

/** The events that built a person's records, oldest first, with the records each one touched. */
export function toLineage(personKey: string, records: readonly StoredRecord[]): Lineage {
  const byId = new Map<string, Lineage['events'][number]>();
  for (const record of records) {
    for (const event of record.events) {
      const entry = byId.get(event.id) ?? {
        eventId: event.id,
        type: event.type,
        source: event.source,
        occurredAt: event.occurredAt,
        ...(event.causationId ? { causationId: event.causationId } : {}),
        records: [],
      };
      entry.records.push(record.sk);
      byId.set(event.id, entry);
    }
  }
  return { personKey, events: inCausalOrder([...byId.values()]) };
}

/**
 * Oldest first; a reaction carries its cause's time, so among events of the
 * same moment a cause comes before what it caused.
 */
export function inCausalOrder<E extends { eventId: string; occurredAt: string; causationId?: string }>(
  events: readonly E[],
): E[] {
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const depth = (e: E, seen = new Set<string>()): number => {
    const cause = e.causationId ? byId.get(e.causationId) : undefined;
    if (!cause || seen.has(e.eventId)) return 0;
    seen.add(e.eventId);
    return depth(cause, seen) + 1;
  };
  return [...events].sort(
    (a, b) => a.occurredAt.localeCompare(b.occurredAt) || depth(a) - depth(b) || a.eventId.localeCompare(b.eventId),
  );
}
