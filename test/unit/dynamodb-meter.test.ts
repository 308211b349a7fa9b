/**
 * The DynamoDB meter bills what AWS would: item sizes rounded up to 1 KB per
 * write unit, transactions twice, and once more for each global secondary
 * index an item lands in (every index projects ALL attributes).
 */
import { describe, expect, it } from 'vitest';
import { DynamoMeter, itemSize } from '../../infra/local/dynamodb-meter.ts';
import { TABLES } from '../../infra/topology.ts';

type Item = Record<string, { S?: string; N?: string }>;

const indexKeys = (table: string) =>
  (TABLES.find((t) => t.id === table)?.indexes ?? []).map((i) => [
    i.partitionKey.name,
    ...(i.sortKey ? [i.sortKey.name] : []),
  ]);

/** An exchange-log row as the handler writes it: in bySubject, byDay and byLeaf, not in the sparse breaches index. */
const logRow = (padding = 0): Item => ({
  pk: { S: 'kz.interior.berkut#e1' },
  subject: { S: 'p1' },
  occurredAt: { S: '2021-05-01T10:00:00Z' },
  day: { S: '2021-05-01' },
  logPosition: { S: '2021-05-01T10:00:00Z#e1' },
  leafShard: { N: '3' },
  leafIndex: { N: '11' },
  detail: { S: 'x'.repeat(padding) },
});

describe('DynamoMeter', () => {
  it('bills a put once for the table and once per index the item is in', async () => {
    const meter = new DynamoMeter(async () => undefined, indexKeys);
    await meter.record('PutItem', { TableName: 'ExchangeLog', Item: logRow() }, {}, true);
    expect(meter.reading().writeUnits).toBe(1 + 3);
    await meter.record(
      'PutItem',
      { TableName: 'ExchangeLog', Item: { ...logRow(), breachSource: { S: 'kz.interior.berkut' } } },
      {},
      true,
    );
    expect(meter.reading().writeUnits).toBe(4 + 1 + 4);
  });

  it('rounds each copy up to whole KB, and bills a transaction’s item twice but its index writes once', async () => {
    const big = logRow(1500);
    expect(itemSize(big)).toBeGreaterThan(1024);
    const meter = new DynamoMeter(async () => undefined, indexKeys);
    await meter.record(
      'TransactWriteItems',
      {
        TransactItems: [
          { Put: { TableName: 'ExchangeLog', Item: big } },
          { ConditionCheck: { TableName: 'ExchangeLog' } },
        ],
      },
      {},
      true,
    );
    expect(meter.reading().writeUnits).toBe(2 * (2 + 3) + 2);
  });

  it('bills an update by the item it leaves, and a batch by each put’s own table', async () => {
    const meter = new DynamoMeter(
      async (table) =>
        table === 'BerkutRegistry'
          ? { pk: { S: 'v' }, sk: { S: 'visa' }, endsMonth: { S: '2021-05' }, endsOn: { S: '2021-05-02' } }
          : undefined,
      indexKeys,
    );
    await meter.record(
      'UpdateItem',
      { TableName: 'BerkutRegistry', Key: { pk: { S: 'v' }, sk: { S: 'visa' } } },
      {},
      true,
    );
    expect(meter.reading().writeUnits).toBe(2);
    await meter.record(
      'BatchWriteItem',
      {
        RequestItems: {
          InteriorView: [{ PutRequest: { Item: logRow() } }],
          ExchangeLog: [{ PutRequest: { Item: logRow() } }],
        },
      },
      {},
      true,
    );
    expect(meter.reading().writeUnits).toBe(2 + 1 + 4);
  });

  it('counts a refused request but bills nothing for it', async () => {
    const meter = new DynamoMeter(async () => undefined, indexKeys);
    await meter.record('PutItem', { TableName: 'ExchangeLog', Item: logRow() }, undefined, false);
    expect(meter.reading()).toEqual({ requests: { PutItem: 1 }, readUnits: 0, writeUnits: 0 });
  });
});

describe('DynamoMeter under concurrent requests', () => {
  it(
    'keeps every write recorded while an update waits for its item (the cloud records requests without awaiting ' +
      'them)',
    async () => {
      // Arrange: an update whose item lookup answers only after a put has been recorded.
      let answer: () => void = () => {};
      const lookedUp = new Promise<void>((resolve) => (answer = resolve));
      const meter = new DynamoMeter(async () => {
        await lookedUp;
        return { pk: { S: 'p' }, sk: { S: 'visa' } };
      }, indexKeys);
      // Act
      const update = meter.record(
        'UpdateItem',
        { TableName: 'LabourView', Key: { pk: { S: 'p' }, sk: { S: 'visa' } } },
        {},
        true,
      );
      const transaction = meter.record(
        'TransactWriteItems',
        { TransactItems: [{ Update: { TableName: 'LabourView', Key: { pk: { S: 'p' }, sk: { S: 'visa' } } } }] },
        {},
        true,
      );
      await meter.record('PutItem', { TableName: 'ExchangeLog', Item: logRow() }, {}, true);
      answer();
      await Promise.all([update, transaction]);
      // Assess: 1 (update) + 2 (transaction) + 4 (the put and its three indexes).
      expect(meter.reading().writeUnits).toBe(7);
    },
  );
});
