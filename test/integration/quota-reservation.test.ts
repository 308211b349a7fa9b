import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { registryPorts } from '../../functions/command-api/ports.ts';
import type { CommandPorts } from '../../functions/systems/command.ts';
import { startTestCloud, type TestCloud } from './cloud-harness.ts';

/** The command side's quota reservation against the local cloud's real DynamoDB (one conditional update per reservation). */
let env: TestCloud;
let ports: CommandPorts;
let table: string;
const used = async (counter: string) => (await env.doc().send(new GetCommand({ TableName: table, Key: { pk: 'counter', sk: counter } }))).Item?.used;

beforeAll(async () => {
  env = await startTestCloud();
  table = env.cloud.tableName('QandasRegistry');
  ports = registryPorts(env.doc(), table, 'test-secret');
});
afterAll(() => env.stop());

describe('reserve(counter, limit, amount)', () => {
  it('takes a family\u2019s places at once, or none of them when they do not all fit', async () => {
    expect(await ports.reserve('qandas#2021#KZ-59', 5, 4)).toBe(true);
    expect(await ports.reserve('qandas#2021#KZ-59', 5, 2)).toBe(false);
    expect(await used('qandas#2021#KZ-59')).toBe(4);
    expect(await ports.reserve('qandas#2021#KZ-59', 5, 1)).toBe(true);
    expect(await ports.reserve('qandas#2021#KZ-59', 5, 1)).toBe(false);
    expect(await used('qandas#2021#KZ-59')).toBe(5);
  });

  it('refuses more than the whole limit on a counter never used, and gives back what it is told to', async () => {
    expect(await ports.reserve('qandas#2021#KZ-11', 3, 4)).toBe(false);
    expect(await used('qandas#2021#KZ-11')).toBeUndefined();
    expect(await ports.reserve('qandas#2021#KZ-11', 3, 3)).toBe(true);
    await ports.release('qandas#2021#KZ-11', 2);
    expect(await used('qandas#2021#KZ-11')).toBe(1);
    expect(await ports.reserve('qandas#2021#KZ-11', 3, 2)).toBe(true);
  });

  it('never overbooks under concurrent reservations', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => ports.reserve('labour#2021#KZ-23#3', 10, 1 + (i % 3))));
    const taken = results.reduce((sum, ok, i) => sum + (ok ? 1 + (i % 3) : 0), 0);
    expect(taken).toBe(await used('labour#2021#KZ-23#3'));
    expect(taken).toBeLessThanOrEqual(10);
    expect(taken).toBeGreaterThanOrEqual(8); // something always fits until fewer than 3 places are left
  });
});
