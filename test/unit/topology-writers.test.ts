/**
 * Every table has the writers the topology names, and no other: a
 * subscription owns its table; a system's command API also writes the items
 * of its own registry it declares (quota counters, the records of the events
 * it has just published), and the idempotency table it remembers answers in.
 */
import { describe, expect, it } from 'vitest';
import { type CommandApiSpec, checkTopology, TOPOLOGY, type Topology } from '../../infra/topology.ts';

/** Table id → who writes it, as the topology declares. */
function writers(topology: Topology): Record<string, string[]> {
  const byTable: Record<string, string[]> = {};
  const add = (table: string, writer: string): void => {
    byTable[table] ??= [];
    byTable[table].push(writer);
  };
  for (const sub of topology.subscriptions) add(sub.table, `subscription ${sub.name}`);
  for (const api of topology.commandApis) {
    if (api.registryWrites.length > 0) add(api.table, `command API ${api.system} (${api.registryWrites.join(', ')})`);
    add(api.idempotencyTable, `command API ${api.system}`);
  }
  return byTable;
}

const withApi = (change: Partial<CommandApiSpec>): Topology => ({
  ...TOPOLOGY,
  commandApis: TOPOLOGY.commandApis.map((api) => (api.system === 'qandas' ? { ...api, ...change } : api)),
});

describe('table writers', () => {
  it(
    'are one subscription per table, ' + 'plus each system’s command API in its own registry and the idempotency table',
    () => {
      expect(() => checkTopology(TOPOLOGY)).not.toThrow();
      const all = writers(TOPOLOGY);
      expect(all.BerkutRegistry).toEqual(['subscription berkut', 'command API berkut (quota-counters, own-events)']);
      expect(all.QandasRegistry).toEqual(['subscription qandas', 'command API qandas (quota-counters, own-events)']);
      expect(all.CommandIdempotency).toEqual([
        'command API berkut',
        'command API foreign-labour',
        'command API qandas',
      ]);
      for (const table of ['ExchangeLog', 'InteriorView', 'LabourView', 'ForeignAffairsView', 'BorderServiceView'])
        expect(all[table], table).toHaveLength(1);
    },
  );

  it('refuses a command API that would write another system’s registry or a view, naming both', () => {
    expect(() => checkTopology(withApi({ table: 'BerkutRegistry' }))).toThrow(
      'command API qandas writes BerkutRegistry, which is not the qandas registry (owned by berkut)',
    );
    expect(() => checkTopology(withApi({ table: 'LabourView' }))).toThrow(
      'command API qandas writes LabourView, which is not the qandas registry (owned by view-labour)',
    );
  });

  it('refuses an idempotency table that is missing or that a subscription owns', () => {
    expect(() => checkTopology(withApi({ idempotencyTable: 'Nowhere' }))).toThrow(
      'command API qandas remembers answers in unknown table Nowhere',
    );
    expect(() => checkTopology(withApi({ idempotencyTable: 'ExchangeLog' }))).toThrow(
      'command API qandas remembers answers in ExchangeLog, which a subscription owns',
    );
  });
});
