import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { SOURCES } from '../../schemas/define.ts';
import type { FieldIssue } from '../../schemas/validate.ts';
import type { BreachKind, LogEntry } from './log-entry.ts';

/** A contract breach as an operator or the sending agency sees it: what arrived, when, and what was wrong. */
export interface Breach {
  readonly receivedAt: string;
  readonly source: string;
  readonly detailType: string;
  readonly breach: BreachKind;
  readonly eventId: string;
  readonly busEventId: string;
  readonly issues: readonly FieldIssue[];
  readonly issueCount: number;
  readonly conflictsWith?: string;
}

/** The partitions of the breaches index: every known source, and `other` for anything else. */
export const BREACH_PARTITIONS: readonly string[] = [...Object.values(SOURCES), 'other'];

const INDEX = 'breaches';

function toBreach(row: LogEntry): Breach {
  return {
    receivedAt: row.time,
    source: row.source,
    detailType: row.detailType,
    breach: row.breach ?? 'invalid',
    eventId: row.eventId,
    busEventId: row.busEventId,
    issues: row.issues ?? [],
    issueCount: row.issueCount ?? row.issues?.length ?? 0,
    ...(row.conflictsWith ? { conflictsWith: row.conflictsWith } : {}),
  };
}

/** How many breaches a partition holds (an index query counting keys, not a table scan). */
async function countIn(client: DynamoDBDocumentClient, table: string, partition: string): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: INDEX,
        KeyConditionExpression: 'breachSource = :s',
        ExpressionAttributeValues: { ':s': partition },
        Select: 'COUNT',
        ExclusiveStartKey,
      }),
    );
    count += out.Count ?? 0;
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}

async function latestIn(
  client: DynamoDBDocumentClient,
  table: string,
  partition: string,
  limit: number,
): Promise<LogEntry[]> {
  const rows: LogEntry[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: INDEX,
        KeyConditionExpression: 'breachSource = :s',
        ExpressionAttributeValues: { ':s': partition },
        // The list shows what was wrong; the (possibly megabyte) detail stays in the log.
        ProjectionExpression:
          '#time, #source, detailType, breach, eventId, busEventId, issues, issueCount, conflictsWith',
        ExpressionAttributeNames: { '#time': 'time', '#source': 'source' },
        ScanIndexForward: false,
        Limit: limit - rows.length,
        ExclusiveStartKey,
      }),
    );
    rows.push(...((out.Items ?? []) as LogEntry[]));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey && rows.length < limit);
  return rows;
}

/**
 * The newest breaches in the given partitions (a source, or `other` for
 * sources the platform does not know; all by default), newest first, and
 * how many there are in all.
 */
export async function listBreaches(
  client: DynamoDBDocumentClient,
  table: string,
  options: { partitions?: readonly string[]; limit: number },
): Promise<{ count: number; breaches: Breach[] }> {
  const partitions = options.partitions ?? BREACH_PARTITIONS;
  const unknown = partitions.filter((p) => !BREACH_PARTITIONS.includes(p));
  if (unknown.length)
    throw new RangeError(`no breaches partition ${unknown.join(', ')}; partitions: ${BREACH_PARTITIONS.join(', ')}`);
  const counts = await Promise.all(partitions.map((p) => countIn(client, table, p)));
  const rows = (await Promise.all(partitions.map((p) => latestIn(client, table, p, options.limit)))).flat();
  const breaches = rows
    .sort((a, b) => b.time.localeCompare(a.time) || b.busEventId.localeCompare(a.busEventId))
    .slice(0, options.limit)
    .map(toBreach);
  return { count: counts.reduce((a, b) => a + b, 0), breaches };
}
