import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryPorts } from '../../functions/command-api/ports.ts';
import { quotaCounterKey } from '../../functions/domain/aggregates.ts';
import { REGISTRIES } from '../../functions/domain/views.ts';
import { rebuiltBusEvent } from '../../functions/lib/bus-event.ts';
import type { ValidEvent } from '../../functions/projector/plan.ts';
import { projectEvents } from '../../functions/projector/project.ts';
import type { CommandPorts } from '../../functions/systems/command.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { newMeta } from '../../schemas/entries.ts';
import { startTestCloud, type TestCloud } from './cloud-harness.ts';
import { remote } from './target.ts';

/**
 * Quotas on the command side, against the local cloud's real DynamoDB: the
 * projector keeps each quota's free places (set, and moved when the quota is
 * set again, exactly once), and a command takes places with one conditional
 * update.
 */
let env: TestCloud;
let ports: CommandPorts;
let table: string;
const SECRET = 'test-secret';
const free = async (quota: string) =>
  (await env.doc().send(new GetCommand({ TableName: table, Key: quotaCounterKey(quota) }))).Item?.free;

/** Folds a quota being set into the registry, as its subscription does. */
async function setQuota(region: string, quota: number, occurredAt: string, eventId = randomUUID()): Promise<void> {
  const definition = latestDefinition('QandasQuotaSet')!;
  const detail = { meta: newMeta(definition, { eventId, occurredAt }), data: { year: 2021, region, quota } };
  const event: ValidEvent = {
    messageId: eventId,
    bus: rebuiltBusEvent({
      id: randomUUID(),
      source: definition.source,
      detailType: definition.detailType,
      time: occurredAt,
      detail,
    }),
  };
  expect(await projectEvents(env.doc(), table, REGISTRIES.qandas, SECRET, [event])).toEqual(new Map());
}

beforeAll(async () => {
  env = await startTestCloud();
  table = env.cloud.tableName('QandasRegistry');
  ports = registryPorts(env.doc(), table, SECRET);
});
afterAll(() => env.stop());

// Remote: skipped, it calls the quota functions in this process against the cloud’s own table.
describe.skipIf(remote)('a quota reservation', () => {
  it('takes a family\u2019s places at once, or none of them when they do not all fit', async () => {
    await setQuota('KZ-59', 5, '2021-01-05T09:00:00Z');
    expect(await ports.reserve('qandas#2021#KZ-59', 4)).toBe('reserved');
    expect(await ports.reserve('qandas#2021#KZ-59', 2)).toBe('exhausted');
    expect(await free('qandas#2021#KZ-59')).toBe(1);
    expect(await ports.reserve('qandas#2021#KZ-59', 1)).toBe('reserved');
    expect(await ports.reserve('qandas#2021#KZ-59', 1)).toBe('exhausted');
    expect(await free('qandas#2021#KZ-59')).toBe(0);
  });

  it('names a quota never set, and gives back what it is told to', async () => {
    expect(await ports.reserve('qandas#2021#KZ-63', 1)).toBe('no-quota');
    await setQuota('KZ-11', 3, '2021-01-05T09:00:00Z');
    expect(await ports.reserve('qandas#2021#KZ-11', 4)).toBe('exhausted');
    expect(await ports.reserve('qandas#2021#KZ-11', 3)).toBe('reserved');
    await ports.release('qandas#2021#KZ-11', 2);
    expect(await free('qandas#2021#KZ-11')).toBe(2);
  });

  it(
    'moves the free places by the change when a quota is set again, ' + 'once however often the setting is delivered',
    async () => {
      await setQuota('KZ-39', 10, '2021-01-05T09:00:00Z');
      expect(await ports.reserve('qandas#2021#KZ-39', 6)).toBe('reserved');
      const raise = randomUUID();
      await setQuota('KZ-39', 15, '2021-03-01T09:00:00Z', raise);
      await setQuota('KZ-39', 15, '2021-03-01T09:00:00Z', raise);
      expect(await free('qandas#2021#KZ-39')).toBe(9);
    },
  );

  it('never overbooks under concurrent reservations', async () => {
    await setQuota('KZ-55', 10, '2021-01-05T09:00:00Z');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => ports.reserve('qandas#2021#KZ-55', 1 + (i % 3))),
    );
    const taken = results.reduce((sum, r, i) => sum + (r === 'reserved' ? 1 + (i % 3) : 0), 0);
    expect(10 - taken).toBe(await free('qandas#2021#KZ-55'));
    expect(taken).toBeLessThanOrEqual(10);
    expect(taken).toBeGreaterThanOrEqual(8); // something always fits until fewer than 3 places are left
  });
});
