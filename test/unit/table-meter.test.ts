import { describe, expect, it } from 'vitest';
import { splitByTable } from '../../bench/table-meter.ts';
import { DynamoMeter, type ItemLookup } from '../../infra/local/dynamodb-meter.ts';

type Body = Record<string, unknown>;

// An item of about 1.5 KB: two write units wherever it is written.
const big = { pk: { S: 'a' }, payload: { S: 'x'.repeat(1500) } };
const small = (pk: string) => ({ pk: { S: pk } });
const noLookup: ItemLookup = async () => undefined;

const requests: readonly [string, Body, Body | undefined][] = [
  ['PutItem', { TableName: 'Idem', Item: small('k1') }, {}],
  ['UpdateItem', { TableName: 'Idem', Key: small('k1') }, {}],
  [
    'TransactWriteItems',
    {
      TransactItems: [
        { Put: { TableName: 'Registry', Item: big } },
        { Put: { TableName: 'Log', Item: small('e1') } },
        { ConditionCheck: { TableName: 'Registry', Key: small('r1') } },
      ],
    },
    {},
  ],
  [
    'BatchWriteItem',
    { RequestItems: { Log: [{ PutRequest: { Item: big } }], View: [{ PutRequest: { Item: small('v') } }] } },
    {},
  ],
  [
    'BatchGetItem',
    { RequestItems: { Registry: { Keys: [small('r1')], ConsistentRead: true }, View: { Keys: [small('v')] } } },
    { Responses: { Registry: [big], View: [small('v')] } },
  ],
];

describe('the DynamoDB meter split per table (bench/table-meter.ts)', () => {
  it('gives each table only its part of a request that spans tables', () => {
    const parts = splitByTable('TransactWriteItems', requests[2]![1], {});
    expect([...parts.keys()].sort()).toEqual(['Log', 'Registry']);
    expect((parts.get('Registry')!.request.TransactItems as unknown[]).length).toBe(2);
    expect((parts.get('Log')!.request.TransactItems as unknown[]).length).toBe(1);
    const batch = splitByTable('BatchGetItem', requests[4]![1], requests[4]![2]);
    expect(Object.keys(batch.get('View')!.response!.Responses as Body)).toEqual(['View']);
  });

  it('adds up, table by table, to the units the whole meter bills', async () => {
    const whole = new DynamoMeter(noLookup);
    const perTable = new Map<string, DynamoMeter>();
    for (const [operation, request, response] of requests) {
      await whole.record(operation, request, response, true);
      for (const [table, part] of splitByTable(operation, request, response)) {
        if (!perTable.has(table)) perTable.set(table, new DynamoMeter(noLookup));
        await perTable.get(table)!.record(operation, part.request, part.response, true);
      }
    }
    const readings = Object.fromEntries([...perTable].map(([table, m]) => [table, m.reading()]));
    const sum = (pick: (r: { readUnits: number; writeUnits: number }) => number) =>
      Object.values(readings).reduce((n, r) => n + pick(r), 0);
    expect(sum((r) => r.writeUnits)).toBe(whole.reading().writeUnits);
    expect(sum((r) => r.readUnits)).toBe(whole.reading().readUnits);
    // The idempotency table's share: a put and an update of a small item, one unit each.
    expect(readings.Idem).toMatchObject({ writeUnits: 2, readUnits: 0, requests: { PutItem: 1, UpdateItem: 1 } });
    // A transaction's put bills twice: 2 units × 2 for the big item, 2 for the condition check.
    expect(readings.Registry!.writeUnits).toBe(6);
  });
});
