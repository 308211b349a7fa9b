/**
 * The declarations the catalog reads but the code could contradict: the
 * events each command and each reaction says it emits, the counters and
 * fields the catalog says each event moves and keeps. Each is checked
 * against the real code run in memory: every declared emission happens in a
 * scenario (no stale declaration), and a simulated year, run through the
 * whole exchange, emits, routes, writes and counts nothing the catalog does
 * not name (no missing one).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { findTableView, type SystemName } from '../../functions/domain/views.ts';
import { planWrites, recordKey, type StoredRecord, touches, type ValidEvent } from '../../functions/projector/plan.ts';
import { SYSTEM_COMMANDS } from '../../functions/systems/catalog.ts';
import { type CommandDefinition, event, type PlannedEvent } from '../../functions/systems/command.ts';
import { findReactions } from '../../functions/systems/reactions.ts';
import { buildCatalog } from '../../infra/catalog/event-catalog.ts';
import type { Catalog } from '../../infra/catalog/model.ts';
import { compilePattern } from '../../infra/local/event-pattern.ts';
import { planYear } from '../../infra/simulator/plan.ts';
import { SUBSCRIPTIONS } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import type { EventDefinition } from '../../schemas/define.ts';
import { events } from '../../schemas/index.ts';
import { MemoryPlatform } from '../fixtures/memory-platform.ts';
import { busEventsOf, MemoryRegistry, MemoryTable, SECRET } from '../fixtures/memory-registry.ts';

const example = <D extends EventDefinition>(definition: D, overrides: Record<string, unknown> = {}): PlannedEvent =>
  event(definition, { ...(definition.example as object), ...overrides } as never);
const data = (definition: EventDefinition, overrides: Record<string, unknown> = {}) => ({
  ...(definition.example as Record<string, unknown>),
  ...overrides,
});
const omit = (value: Record<string, unknown>, ...fields: string[]) =>
  Object.fromEntries(Object.entries(value).filter(([k]) => !fields.includes(k)));

/**
 * What a command needs to be accepted: the registry it decides against, and
 * its input. A command not listed decides on its event's example against an
 * empty registry; a new command that needs more fails below until it is listed.
 */
const SCENARIOS: Readonly<Record<string, { setup?: PlannedEvent[]; input?: unknown }>> = {
  'revoke-visa': { setup: [example(events.VisaIssued)] },
  'record-crossing': { setup: [example(events.VisaIssued)] },
  'order-deportation': { input: omit(data(events.DeportationOrdered), 'entryBanUntil') },
  'grant-citizenship': { setup: [example(events.ResidencePermitIssued)] },
  'run-overstay-check': {
    // A visa that ended on 31 January 2022 and an entry with no exit: overstayed by 3 February.
    setup: [example(events.VisaIssued), example(events.BorderCrossingRecorded)],
    input: { asOf: '2022-02-03', since: '2022-01-01' },
  },
  'issue-patent': { input: omit(data(events.WorkPatentIssued), 'validUntil', 'feeMci') },
  'issue-work-permit': { setup: [example(events.LabourQuotaSet)] },
  'extend-work-permit': { setup: [example(events.WorkPermitIssued)] },
  'revoke-work-permit': { setup: [example(events.WorkPermitIssued)] },
  'grant-qandas-status': { input: omit(data(events.QandasStatusGranted), 'inQuota') },
  'pay-subsidy': {
    setup: [
      example(events.QandasQuotaSet, { region: 'KZ-59' }),
      example(events.QandasStatusGranted, {
        person: data(events.ResettlementSubsidyPaid).person,
        qandasId: 'Q-2021-000102',
        settlementRegion: 'KZ-59',
        inQuota: true,
        familyMembers: 3,
      }),
    ],
    input: {
      person: data(events.ResettlementSubsidyPaid).person,
      qandasId: 'Q-2021-000102',
      kind: 'relocation',
      paidOn: '2021-04-15',
    },
  },
};

const commands = (Object.entries(SYSTEM_COMMANDS) as [SystemName, readonly CommandDefinition[]][]).flatMap(
  ([system, list]) => list.map((command) => ({ system, command })),
);
const emittedTypes = (planned: readonly PlannedEvent[]) =>
  [...new Set(planned.map((p) => p.definition.detailType))].sort();
const declaredTypes = (command: CommandDefinition) => [...new Set(command.emits.map((d) => d.detailType))].sort();

describe('every command emits what it declares', () => {
  it.each(commands.map(({ system, command }) => [`${system}/${command.name}`, system, command] as const))(
    '%s',
    async (_name, system, command) => {
      const scenario = SCENARIOS[command.name] ?? {};
      const registry = new MemoryRegistry(system);
      registry.apply(scenario.setup ?? [], '2021-01-10T09:00:00Z');
      const input = scenario.input ?? command.emits[0]?.example;
      const planned = await registry.run(command, input, '2022-02-03T09:00:00Z');
      expect(emittedTypes(planned)).toEqual(declaredTypes(command));
    },
  );
});

/** The registry state a reaction needs to have something to react to, per system (all about the same person). */
const REACTION_SETUP: Readonly<Record<string, readonly EventDefinition[]>> = {
  'foreign-labour': [events.WorkPermitIssued],
  qandas: [events.QandasStatusGranted],
  berkut: [],
};
const PERSON = { citizenship: 'CHN', documentNumber: 'EA1234567' };
const aboutPerson = (definition: EventDefinition) =>
  definition.aboutPerson ? data(definition, { person: PERSON }) : data(definition);

describe('every reaction emits what it declares, for each trigger', () => {
  const routes = SUBSCRIPTIONS.filter((s) => s.environment?.REACTIONS);
  const cases = routes.flatMap((spec) =>
    [...findReactions(spec.environment!.REACTIONS!).triggers].map(
      (trigger) => [`${spec.name} on ${trigger}`, spec, trigger] as const,
    ),
  );

  it('covers every reacting system', () => {
    expect(routes.map((r) => r.environment!.REACTIONS).sort()).toEqual(Object.keys(REACTION_SETUP).sort());
  });

  it.each(cases)('%s', async (_name, spec, trigger) => {
    const system = spec.environment!.REACTIONS!;
    const reactions = findReactions(system);
    const table = new MemoryTable(findTableView(spec.environment!.TABLE_VIEW!)!, SECRET);
    table.project(
      busEventsOf(
        REACTION_SETUP[system]!.map((d) => event(d, aboutPerson(d) as never)),
        '2021-02-01T09:00:00Z',
      ),
    );
    const cause = busEventsOf(
      [event(latestDefinition(trigger)!, aboutPerson(latestDefinition(trigger)!) as never)],
      '2021-06-01T09:00:00Z',
    )[0]!;
    const entries = await reactions.react(cause.bus, table.reader(), { secret: SECRET, busName: 'test' });
    expect([...new Set(entries.map((e) => e.DetailType))].sort()).toEqual([...(reactions.emits[trigger] ?? [])].sort());
  });
});

describe('a simulated year does nothing the catalog does not name', () => {
  let catalog: Catalog;
  let platform: MemoryPlatform;
  /** Per command, the detail-types its decisions published (events with no cause). */
  const byCommand = new Map<string, Set<string>>();

  beforeAll(async () => {
    catalog = buildCatalog();
    platform = new MemoryPlatform();
    const run = platform.run.bind(platform);
    // Observe each command's own events: those delivered during its run that no other event caused.
    platform.run = async (planned) => {
      const before = platform.delivered.length;
      await run(planned);
      const own = platform.delivered.slice(before).filter((e) => !e.bus.detail.meta.causationId);
      const seen = byCommand.get(planned.command) ?? new Set<string>();
      for (const e of own) seen.add(e.bus['detail-type']);
      byCommand.set(planned.command, seen);
    };
    await platform.runPlan(planYear(2021, 0.005, 2021));
  }, 60_000);

  const entry = (detailType: string) => catalog.events.find((e) => e.detailType === detailType)!;

  it('publishes every detail-type of the contract (so what follows covers them all)', () => {
    expect([...new Set(platform.delivered.map((e) => e.bus['detail-type']))].sort()).toEqual(
      catalog.events.map((e) => e.detailType).sort(),
    );
  });

  it('commands publish only what the catalog says they publish', () => {
    const undeclared = [...byCommand].flatMap(([name, types]) =>
      [...types]
        .filter((t) => !entry(t).publishing.commands.some((c) => c.command === name))
        .map((t) => `${name} published ${t}`),
    );
    expect(undeclared).toEqual([]);
    expect(byCommand.size).toBeGreaterThan(10);
  });

  it('reactions publish only what the catalog says each trigger sets off', () => {
    const byId = new Map(platform.delivered.map((e) => [e.bus.detail.meta.eventId, e]));
    const pairs = new Set(
      platform.delivered
        .filter((e) => e.bus.detail.meta.causationId)
        .map((e) => `${byId.get(e.bus.detail.meta.causationId!)!.bus['detail-type']} \u2192 ${e.bus['detail-type']}`),
    );
    const named = new Set(
      catalog.events.flatMap((e) => e.triggers.flatMap((t) => t.emits.map((x) => `${t.trigger} \u2192 ${x}`))),
    );
    expect(pairs.size).toBeGreaterThan(0);
    expect([...pairs].filter((p) => !named.has(p))).toEqual([]);
  });

  it('routes, records and counts in every table only what the catalog says each event does there', () => {
    const problems: string[] = [];
    let writes = 0;
    for (const spec of SUBSCRIPTIONS) {
      const view = spec.environment?.TABLE_VIEW ? findTableView(spec.environment.TABLE_VIEW) : undefined;
      const pattern = compilePattern(spec.pattern);
      const records = new Map<string, StoredRecord>();
      const received: ValidEvent[] = platform.delivered.filter((e) => pattern.matches(e.bus));
      for (const e of received) {
        const type = e.bus['detail-type'];
        const reception = entry(type).receivers.find((r) => r.subscription === spec.name);
        if (!reception) {
          problems.push(`${spec.name} received ${type}, which the catalog does not list`);
          continue;
        }
        if (!view) continue;
        // One event at a time, so each write and counter is the event's own.
        for (const write of planWrites(view, touches(view, [e], SECRET), records)) {
          writes += 1;
          records.set(recordKey(write.record.pk, write.record.sk), write.record);
          const record = reception.records.find((r) => r.kind === write.record.kind);
          const set = write.record.events.find((applied) => applied.id === e.bus.detail.meta.eventId)?.set ?? {};
          if (!record)
            problems.push(
              `${type} wrote a ${write.record.kind} record in ${spec.table}, which the catalog does not list`,
            );
          else
            for (const field of Object.keys(set))
              if (!record.kept.includes(field))
                problems.push(
                  `${type} kept ${write.record.kind}.${field} in ${spec.table}, not among the catalog's kept fields`,
                );
          for (const delta of write.deltas) {
            const family = delta.pk.startsWith('agg#') ? delta.pk.slice(4) : 'quota';
            const counter = delta.counter.replace(/:.*$/, ':*');
            if (!reception.counters.some((c) => c.family === family && c.counters.includes(counter)))
              problems.push(`${type} moved ${family}/${counter} in ${spec.table}, which the catalog does not list`);
          }
        }
      }
    }
    expect([...new Set(problems)]).toEqual([]);
    expect(writes).toBeGreaterThan(1000);
  });
});
