/**
 * The local cloud's DynamoDB meter, split per table: what each table costs in
 * requests and request units (e.g. what Powertools Idempotency adds to every
 * keyed command). Each table gets a DynamoMeter of its own, fed the part of
 * every metered request that touches it, so the units follow the meter's own
 * billing rules (item sizes, transactions twice, index copies) rather than a
 * second copy of them.
 *
 * A request that spans tables (a BatchWriteItem or TransactWriteItems over two
 * tables) counts once for each table it touches, so the per-table requests can
 * add up to more than the meter's total; units add up exactly.
 */
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { LocalCloud } from '../infra/local/cloud.ts';
import { DynamoMeter, type ItemLookup, type MeterReading } from '../infra/local/dynamodb-meter.ts';
import { unmeteredLookup } from '../infra/local/dynamodb-metering.ts';

type Body = Record<string, unknown>;

export interface TableUsage {
  readonly requests: number;
  readonly requestsByOperation: Record<string, number>;
  readonly readUnits: number;
  readonly writeUnits: number;
}

const tableOf = (body: unknown) => String((body as Body | undefined)?.TableName ?? '');

/** The tables one request touches, each with the part of the request (and of its response) about it. */
export function splitByTable(
  operation: string,
  request: Body,
  response: Body | undefined,
): Map<string, { request: Body; response?: Body }> {
  const parts = new Map<string, { request: Body; response?: Body }>();
  if (operation === 'BatchWriteItem' || operation === 'BatchGetItem') {
    const items = (request.RequestItems ?? {}) as Record<string, unknown>;
    const answered = (response?.Responses ?? {}) as Record<string, unknown>;
    for (const [table, entries] of Object.entries(items)) {
      const own = answered[table] === undefined ? {} : { Responses: { [table]: answered[table] } };
      const part = { ...request, RequestItems: { [table]: entries } };
      parts.set(table, { request: part, response: { ...response, ...own } });
    }
    return parts;
  }
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    const byTable = new Map<string, Body[]>();
    for (const action of (request.TransactItems ?? []) as Body[]) {
      const table = tableOf(Object.values(action)[0]);
      byTable.set(table, [...(byTable.get(table) ?? []), action]);
    }
    for (const [table, actions] of byTable) {
      parts.set(table, { request: { ...request, TransactItems: actions }, ...(response ? { response } : {}) });
    }
    return parts;
  }
  parts.set(tableOf(request), { request, ...(response ? { response } : {}) });
  return parts;
}

/** Global secondary index keys per table, read with DescribeTable (the meter bills an index copy per index). */
async function indexKeysOf(client: DynamoDBClient): Promise<Map<string, string[][]>> {
  const out = new Map<string, string[][]>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const name of page.TableNames ?? []) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
      const indexes = Table?.GlobalSecondaryIndexes ?? [];
      out.set(
        name,
        indexes.map((index) => (index.KeySchema ?? []).map((k) => String(k.AttributeName))),
      );
    }
    start = page.LastEvaluatedTableName;
  } while (start);
  return out;
}

/**
 * Taps the cloud's meter (which must be on: `meterDynamo`) so every request it records is also recorded per table.
 * Reading a table's indexes makes DynamoDB requests of its own: attach before resetting the cloud's meter.
 */
export async function meterPerTable(
  cloud: LocalCloud,
): Promise<{ reading(): Record<string, TableUsage>; reset(): void; stop(): void }> {
  const meter = cloud.dynamoMeter;
  if (!meter) throw new Error('meterPerTable needs a cloud started with meterDynamo');
  const disposables: { dispose(): void }[] = [];
  const admin = new DynamoDBClient(cloud.inProcessConfig());
  const indexKeys = await indexKeysOf(admin).finally(() => admin.destroy());
  // The lookup the cloud's meter makes for an update's resulting item, unmetered likewise.
  const lookup: ItemLookup = unmeteredLookup(() => cloud.inProcessConfig(), disposables);
  let tables = new Map<string, DynamoMeter>();
  const tableMeter = (table: string) => {
    let own = tables.get(table);
    if (!own) {
      own = new DynamoMeter(lookup, (t) => indexKeys.get(t) ?? []);
      tables.set(table, own);
    }
    return own;
  };
  // The bench taps the instance rather than changing the cloud: the meter is the cloud's, the split is the bench's.
  const record = meter.record.bind(meter);
  meter.record = async (operation, request, response, ok) => {
    const split = [...splitByTable(operation, request, response)].map(([table, part]) =>
      tableMeter(table).record(operation, part.request, part.response, ok),
    );
    await Promise.all([record(operation, request, response, ok), ...split]);
  };
  const usage = (r: MeterReading): TableUsage => ({
    requests: Object.values(r.requests).reduce((a, b) => a + b, 0),
    requestsByOperation: r.requests,
    readUnits: r.readUnits,
    writeUnits: r.writeUnits,
  });
  return {
    reading: () => Object.fromEntries([...tables].map(([table, m]) => [table, usage(m.reading())])),
    reset: () => {
      tables = new Map();
    },
    stop: () => {
      meter.record = record;
      for (const d of disposables) d.dispose();
    },
  };
}
