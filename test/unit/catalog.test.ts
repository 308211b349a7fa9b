/**
 * The catalog says what the declarations say, checked against those
 * declarations by other routes than the one that built it (the views'
 * own detail-type derivation, the projector's planning of each example, the
 * topology's agencies), and it follows a declaration when it changes.
 */
import { describe, expect, it } from 'vitest';
import { fieldsOf, projectionOf } from '../../functions/domain/projections.ts';
import { allowedFields, findTableView, minimise } from '../../functions/domain/views.ts';
import { touches } from '../../functions/projector/plan.ts';
import { SYSTEM_COMMANDS } from '../../functions/systems/catalog.ts';
import { buildCatalog, catalogProblems, exampleBusEvent } from '../../infra/catalog/event-catalog.ts';
import { exchangeDiagram } from '../../infra/catalog/exchange-diagram.ts';
import { AGENCIES, MINISTRIES, TOPOLOGY, type Topology, VIEW_DETAIL_TYPES } from '../../infra/topology.ts';
import { CATALOG, DETAIL_TYPES, latestDefinition } from '../../schemas/catalog.ts';

const catalog = buildCatalog();
const entry = (detailType: string) => catalog.events.find((e) => e.detailType === detailType)!;
const withSubscriptions = (change: (s: Topology['subscriptions']) => Topology['subscriptions']): Topology => ({
  ...TOPOLOGY,
  subscriptions: change(TOPOLOGY.subscriptions),
});

describe('the event catalog', () => {
  it('finds no declarations that contradict each other', () => {
    expect(catalogProblems()).toEqual([]);
  });

  it('has one entry per detail-type of the contract, with its source, description and every schema version', () => {
    expect(catalog.events.map((e) => e.detailType)).toEqual(DETAIL_TYPES);
    for (const e of catalog.events) {
      const versions = CATALOG.filter((d) => d.detailType === e.detailType);
      expect({
        source: e.source,
        description: e.description,
        versions: e.versions.map((v) => v.schemaVersion),
      }).toEqual({
        source: versions[0]!.source,
        description: latestDefinition(e.detailType)!.description,
        versions: versions.map((d) => d.schemaVersion),
      });
      expect(e.versions.at(-1)!.fields.map((f) => f.path)).toEqual(
        expect.arrayContaining(Object.keys(latestDefinition(e.detailType)!.example as object)),
      );
    }
  });

  it('lists the topology\u2019s subscriptions in its order, with the table each owns', () => {
    expect(catalog.subscriptions.map((s) => [s.name, s.table])).toEqual(
      TOPOLOGY.subscriptions.map((s) => [s.name, s.table]),
    );
  });

  it('names the agency allowed to publish each event and the commands that declare they emit it', () => {
    for (const e of catalog.events) {
      expect(e.publishing.agency.id).toBe(
        AGENCIES.find((a) => (a.sources as readonly string[]).includes(e.source))!.id,
      );
      const declaring = Object.values(SYSTEM_COMMANDS)
        .flat()
        .filter((c) => c.emits.some((d) => d.detailType === e.detailType));
      expect(e.publishing.commands.map((c) => c.command).sort()).toEqual(declaring.map((c) => c.name).sort());
      expect(e.publishing.commands.length + e.publishing.reactions.length).toBeGreaterThan(0);
    }
  });

  it('routes every event to the exchange log, and to a ministry view exactly when the view keeps some of it', () => {
    for (const e of catalog.events) expect(e.receivers.map((r) => r.subscription)).toContain('exchange-log');
    for (const ministry of MINISTRIES) {
      const receivedBy = catalog.events
        .filter((e) => e.receivers.some((r) => r.subscription === `view-${ministry}`))
        .map((e) => e.detailType);
      expect(receivedBy.sort()).toEqual([...VIEW_DETAIL_TYPES[ministry]].sort());
    }
  });

  it('names the records the projector writes for each example and the fields each table keeps and drops', () => {
    let checked = 0;
    for (const e of catalog.events) {
      const definition = latestDefinition(e.detailType)!;
      const touched = projectionOf(e.detailType)!.touches;
      for (const reception of e.receivers.filter((r) => r.role !== 'exchange-log')) {
        const view = findTableView(reception.owner!)!;
        for (const t of touches(view, [exampleBusEvent(definition)], 'catalog-test')) {
          const record = reception.records.find((r) => r.kind === t.kind);
          expect(record, `${e.detailType} → ${reception.table}: ${t.kind}`).toBeDefined();
          for (const applied of t.events)
            expect(record!.kept).toEqual(expect.arrayContaining(Object.keys(applied.set)));
          checked += 1;
        }
        for (const record of reception.records.filter((r) => r.kind !== 'alias')) {
          const declared = touched.find((t) => t.kind === record.kind)!;
          const allowed = allowedFields(view, declared.kind);
          expect([...record.kept, ...record.dropped].sort()).toEqual(fieldsOf(declared).sort());
          for (const field of record.dropped) expect(allowed !== 'all' && !allowed.has(field)).toBe(true);
          const stored =
            minimise(view, declared.kind, Object.fromEntries(fieldsOf(declared).map((f) => [f, 'x']))) ?? {};
          expect(Object.keys(stored).sort()).toEqual([...record.kept].sort());
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it(
    'shows, for example, what the foreign-affairs view drops of a deportation: the offence behind it is not the ' +
      'MFA\u2019s business',
    () => {
      const mfa = entry('DeportationOrdered').receivers.find((r) => r.subscription === 'view-foreign-affairs')!;
      expect(mfa.records).toEqual([
        expect.objectContaining({
          kind: 'deportation',
          key: 'deportation#<orderNumber>',
          dropped: expect.arrayContaining(['region', 'basis']),
        }),
      ]);
      expect(mfa.legalBasis.article).toMatch(/^Art\. 11/);
    },
  );

  it('links reactions both ways: what an event sets off, and what caused the events it sets off', () => {
    const deportation = entry('DeportationOrdered');
    expect(deportation.triggers).toEqual([
      expect.objectContaining({
        system: 'foreign-labour',
        subscription: 'foreign-labour',
        emits: ['WorkPermitRevoked'],
        source: 'kz.labour.foreign-labour',
      }),
    ]);
    for (const e of catalog.events) {
      for (const t of e.triggers) {
        for (const emitted of t.emits)
          expect(entry(emitted).publishing.reactions).toContainEqual(
            expect.objectContaining({ trigger: e.detailType, system: t.system }),
          );
      }
    }
  });

  it('follows the topology: a subscription taken out is gone from every event, and a reaction it ran with it', () => {
    const without = buildCatalog(withSubscriptions((subs) => subs.filter((s) => s.name !== 'foreign-labour')));
    expect(catalog.events.some((e) => e.receivers.some((r) => r.subscription === 'foreign-labour'))).toBe(true);
    expect(without.events.flatMap((e) => e.receivers).some((r) => r.subscription === 'foreign-labour')).toBe(false);
    expect(without.events.find((e) => e.detailType === 'DeportationOrdered')!.triggers).toEqual([]);
  });

  it('names a reaction whose subscription stopped receiving its trigger', () => {
    const narrowed = withSubscriptions((subs) =>
      subs.map((s) => (s.name === 'qandas' ? { ...s, pattern: { source: ['kz.labour.qandas'] } } : s)),
    );
    expect(catalogProblems(narrowed)).toEqual([
      'reactions of qandas: its subscription never receives its trigger CitizenshipGranted',
    ]);
  });
});

describe('the exchange diagram', () => {
  const svg = exchangeDiagram(TOPOLOGY, catalog);
  const nodes = [...svg.matchAll(/<g data-node="([^"]+)" data-kind="([^"]+)"/g)].map((m) => [m[1], m[2]]);

  it('draws every source, the bus, every subscription and the table each one feeds', () => {
    expect(nodes.filter(([, kind]) => kind === 'source').map(([id]) => id)).toEqual(AGENCIES.flatMap((a) => a.sources));
    expect(nodes.filter(([, kind]) => kind === 'subscription').map(([id]) => id)).toEqual(
      TOPOLOGY.subscriptions.map((s) => s.name),
    );
    expect(nodes.filter(([, kind]) => ['registry', 'view', 'exchange-log'].includes(kind!)).map(([id]) => id)).toEqual(
      TOPOLOGY.subscriptions.map((s) => s.table),
    );
    expect(nodes.filter(([, kind]) => kind === 'bus')).toEqual([[TOPOLOGY.busName, 'bus']]);
  });

  it('draws one reaction edge per reacting system, named with its triggers and what it publishes', () => {
    const reactions = [...svg.matchAll(/<g data-reaction="([^"]+)"><title>([^<]+)<\/title>/g)].map((m) => [m[1], m[2]]);
    const reacting = TOPOLOGY.subscriptions
      .filter((s) => s.environment?.REACTIONS)
      .map((s) => s.environment!.REACTIONS!);
    expect(reactions.map(([system]) => system).sort()).toEqual(reacting.sort());
    expect(reactions.find(([system]) => system === 'qandas')![1]).toBe(
      'qandas reacts: CitizenshipGranted \u2192 QandasStatusClosed (published as kz.labour.qandas)',
    );
  });

  it('tells how many detail-types each subscription receives, as the catalog counts them', () => {
    for (const spec of TOPOLOGY.subscriptions) {
      const count = catalog.events.filter((e) => e.receivers.some((r) => r.subscription === spec.name)).length;
      const drawn = new RegExp(
        `<g data-node="${spec.name}" data-kind="subscription">.*?receives (\\d+) detail-types`,
        's',
      ).exec(svg);
      expect(Number(drawn?.[1]), spec.name).toBe(count);
    }
  });
});
