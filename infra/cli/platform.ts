/**
 * `mx trace`, `mx contradictions`, `mx ledger`: platform tools that look
 * across ministries or at the access ledger, with the platform's keys (not
 * an operator's), straight on the tables.
 */
import { type AttributeValue, DynamoDBClient, QueryCommand as RawQueryCommand } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { findContradictions, groupByPerson } from '../../functions/domain/contradictions.ts';
import { lookupKey, type PersonLookup } from '../../functions/domain/person-key.ts';
import { documentClient } from '../../functions/lib/document-client.ts';
import type { ProofFile } from '../../functions/merkle/proof-file.ts';
import { registryReader } from '../../functions/projector/registry-reader.ts';
import { readLedger } from '../../functions/query-api/ledger.ts';
import { allRecords, inCausalOrder, toLineage } from '../../functions/query-api/queries.ts';
import { MINISTRIES, viewTableId } from '../topology.ts';
import { type Connection, type ConnectionOptions, physicalTables, sdkConfig, withCloud } from './connection.ts';
import { CliError, printJson, printTable } from './output.ts';
import { type PersonFlags, type PersonParams, personParams } from './person-flags.ts';

export interface PersonCommandOptions extends PersonFlags, ConnectionOptions {
  json?: boolean;
}

function withDynamo<T>(
  opts: ConnectionOptions,
  fn: (client: ReturnType<typeof documentClient>, connection: Connection) => Promise<T>,
): Promise<T> {
  return withCloud(opts, async (connection) => {
    const raw = new DynamoDBClient(sdkConfig(connection, connection.credentials.platform));
    try {
      return await fn(documentClient(raw), connection);
    } finally {
      raw.destroy();
    }
  });
}

function keyOf(params: PersonParams, secret: string): PersonLookup {
  return lookupKey(
    params.iin ? { iin: params.iin } : { citizenship: params.citizenship, documentNumber: params.document },
    secret,
  );
}

export async function trace(opts: PersonCommandOptions): Promise<void> {
  const person = personParams(opts);
  await withDynamo(opts, async (client, connection) => {
    const who = keyOf(person, connection.credentials.personKeySecret);
    const table = await physicalTables(connection);
    const events = new Map<
      string,
      { eventId: string; type: string; source: string; occurredAt: string; causationId?: string; views: string[] }
    >();
    let resolved = who.key;
    for (const ministry of MINISTRIES) {
      const { personKey: key, records } = await registryReader(client, table(viewTableId(ministry))).findPerson(who);
      if (records.length) resolved = key;
      for (const { records: touched, ...event } of toLineage(key, records).events) {
        const entry = events.get(event.eventId) ?? { ...event, views: [] };
        entry.views.push(`${ministry}: ${touched.join(', ')}`);
        events.set(event.eventId, entry);
      }
    }
    // Events that reached no view still belong to the trail (the exchange log keeps them all).
    const logged = await client.send(
      new QueryCommand({
        TableName: table('ExchangeLog'),
        IndexName: 'bySubject',
        KeyConditionExpression: 'subject = :s',
        ExpressionAttributeValues: { ':s': resolved },
      }),
    );
    for (const row of logged.Items ?? []) {
      if (!events.has(row.eventId))
        events.set(row.eventId, {
          eventId: row.eventId,
          type: row.detailType,
          source: row.source,
          occurredAt: row.occurredAt,
          ...(row.causationId ? { causationId: row.causationId } : {}),
          views: [],
        });
    }
    const trail = inCausalOrder([...events.values()]);
    if (trail.length === 0) throw new CliError('no events about this person in any view or in the exchange log');
    if (opts.json) return printJson({ personKey: resolved, events: trail });
    for (const e of trail) {
      const cause = e.causationId ? `  \u2190 caused by ${e.causationId}` : '';
      process.stdout.write(
        `${e.occurredAt}  ${e.type.padEnd(30)} ${e.source.padEnd(26)} ` +
          `${e.eventId}${cause}\n${e.views.map((v) => `    ${v}\n`).join('')}`,
      );
    }
  });
}

export async function contradictions(opts: ConnectionOptions & { asOf?: string; json?: boolean }): Promise<void> {
  const on = opts.asOf ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(on)) throw new CliError(`--as-of must be YYYY-MM-DD, got ${JSON.stringify(on)}`);
  await withDynamo(opts, async (client, connection) => {
    const table = await physicalTables(connection);
    const [labour, interior, foreignAffairs] = await Promise.all(
      (['labour', 'interior', 'foreign-affairs'] as const).map((m) => allRecords(client, table(viewTableId(m)))),
    );
    const found = findContradictions(
      {
        labour: groupByPerson(labour!),
        interior: groupByPerson(interior!),
        foreignAffairs: groupByPerson(foreignAffairs!),
      },
      on,
    );
    if (opts.json) return printJson(found);
    printTable(found, ['personKey', 'rule', 'message']);
  });
}

export interface LedgerOptions extends PersonCommandOptions {
  format: string;
  wait?: string;
}

/**
 * One access in the field set of Estonia's Data Tracker (andmejälgija): who
 * the person is, when, what was done, which system gave the data and who
 * received it, what restricts showing the entry to the person, and beyond
 * the Tracker, the purpose given and the proof that the ledger holds the
 * entry (checkable offline with `mx log check-proof`).
 */
export interface DataTrackerEntry {
  readonly personCode: string;
  readonly logTime: string;
  readonly action: string;
  readonly sender: string;
  readonly receiver: string;
  readonly restrictions: string;
  readonly purpose: string;
  readonly proof: ProofFile | null;
  /** Why there is no proof, when there is none. */
  readonly proofMissing?: string;
}

const ACTIONS: Readonly<Record<string, string>> = {
  person: 'read the person\u2019s dossier',
  lineage: 'read the events behind the person\u2019s records',
  accesses: 'read who accessed the person\u2019s data',
};

/** The person code a Data Tracker shows: the IIN, or a foreigner's citizenship and document number. */
function personCode(person: PersonParams): string {
  return person.iin ?? `${person.citizenship} ${person.document}`;
}

async function dataTrackerExport(opts: LedgerOptions, person: PersonParams, key: string): Promise<DataTrackerEntry[]> {
  const wait = Number(opts.wait ?? '30');
  if (!(wait >= 0 && wait <= 3600))
    throw new CliError(`--wait must be 0 to 3600 seconds, got ${JSON.stringify(opts.wait)}`);
  const { openSignedLogs, proveWithWait } = await import('./signed-logs.ts');
  const logs = await openSignedLogs(opts);
  try {
    const rows: Record<string, AttributeValue>[] = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await logs.raw.send(
        new RawQueryCommand({
          TableName: logs.table('access-ledger'),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: key } },
          ExclusiveStartKey,
        }),
      );
      rows.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const out: DataTrackerEntry[] = [];
    for (const row of rows) {
      const text = (name: string) => row[name]?.S ?? '';
      let proof: ProofFile | null = null;
      let proofMissing: string | undefined;
      try {
        proof = await proveWithWait(logs, 'access-ledger', row, 'proof', wait);
      } catch (error) {
        proofMissing = (error as Error).message;
      }
      out.push({
        personCode: personCode(person),
        logTime: text('readAt'),
        action: ACTIONS[text('what')] ?? text('what'),
        sender: `migration-exchange: the ${text('ministry')} ministry\u2019s view`,
        receiver: `${text('ministry')} ministry: ${text('operator')}`,
        restrictions: 'none: every read is shown to the person',
        purpose: text('purpose'),
        proof,
        ...(proofMissing ? { proofMissing } : {}),
      });
    }
    return out;
  } finally {
    logs.dispose();
  }
}

export async function ledger(opts: LedgerOptions): Promise<void> {
  if (!['table', 'data-tracker'].includes(opts.format))
    throw new CliError(`--format must be table or data-tracker, got ${JSON.stringify(opts.format)}`);
  // Checked as the query API checks it (`mx view … --iin 123` is refused the same way), before any lookup.
  const person = personParams(opts);
  await withDynamo(opts, async (client, connection) => {
    const who = keyOf(person, connection.credentials.personKeySecret);
    const table = await physicalTables(connection);
    let key = who.key;
    if (who.viaIin) {
      for (const ministry of MINISTRIES) {
        const resolved = await registryReader(client, table(viewTableId(ministry))).findPerson(who);
        if (resolved.records.length) key = resolved.personKey;
      }
    }
    if (opts.format === 'data-tracker') return printJson(await dataTrackerExport(opts, person, key));
    const entries = await readLedger(client, table('AccessLedger'), key);
    if (opts.json) return printJson(entries);
    printTable(entries, ['readAt', 'ministry', 'what', 'purpose', 'operator']);
  });
}
