/**
 * The event catalog, assembled from the declarations that run the platform
 * and from nothing else: the zod contract (schemas/), the topology (who
 * receives what, why, under which law), the projection and view declarations
 * (records touched, fields kept and dropped), the projector's own planning
 * (the counters each event moves, found by projecting the examples, not by
 * restating aggregates.ts), the command APIs' and reactions' declared
 * emitted events. Nothing here is copied, so it cannot drift; what could
 * disagree is listed by `catalogProblems` and fails the tests.
 */

import {
  allProjections,
  type EventData,
  fieldsOf,
  projectionOf,
  type RecordTouch,
} from '../../functions/domain/projections.ts';
import {
  allowedFields,
  findTableView,
  minimise,
  REGISTRIES,
  type SystemName,
  type TableView,
} from '../../functions/domain/views.ts';
import { rebuiltBusEvent } from '../../functions/lib/bus-event.ts';
import { deterministicUuid } from '../../functions/lib/ids.ts';
import { planWrites, recordKey, type StoredRecord, touches, type ValidEvent } from '../../functions/projector/plan.ts';
import { SYSTEM_COMMANDS } from '../../functions/systems/catalog.ts';
import { findReactions, type SystemReactions } from '../../functions/systems/reactions.ts';
import { CATALOG, DETAIL_TYPES, definitionsNamed, latestDefinition } from '../../schemas/catalog.ts';
import type { EventDefinition } from '../../schemas/define.ts';
import type { Detail } from '../../schemas/envelope.ts';
import { eventJsonSchema } from '../../schemas/json-schema.ts';
import { type CompiledPattern, compilePattern } from '../local/event-pattern.ts';
import {
  agencyForSource,
  type SubscriptionSpec,
  TOPOLOGY,
  type Topology,
  visibilityTimeoutSeconds,
} from '../topology.ts';
import { registrySchemaName, zodJsonSchema } from './json-schemas.ts';
import type {
  Catalog,
  CatalogEvent,
  CommandRef,
  CounterFeed,
  Publishing,
  ReactionRef,
  Reception,
  RecordEffect,
  SchemaVersionDoc,
  TableRole,
} from './model.ts';
import { dataFields, rulesOf } from './schema-fields.ts';

/** Person keys in the example story: any fixed key will do, nothing here is stored. */
const STORY_SECRET = 'event-catalog';

/** A bus event carrying a definition's data, as a subscription's target receives it. */
export function exampleBusEvent(
  definition: EventDefinition,
  data: unknown = definition.example,
  index = 0,
): ValidEvent {
  const eventId = deterministicUuid(`catalog:${definition.detailType}:${index}:${JSON.stringify(data)}`);
  const occurredAt = new Date(Date.UTC(2021, 0, 1) + index * 60_000).toISOString();
  const detail = {
    meta: { eventId, schemaVersion: definition.schemaVersion, occurredAt, correlationId: eventId },
    data,
  } as Detail<EventData>;
  return {
    messageId: eventId,
    bus: rebuiltBusEvent({
      id: eventId,
      source: definition.source,
      detailType: definition.detailType,
      time: occurredAt,
      detail,
    }),
  };
}

interface Route {
  readonly spec: SubscriptionSpec;
  readonly pattern: CompiledPattern;
  readonly role: TableRole;
  readonly view?: TableView;
  readonly reactions?: SystemReactions;
}

function routesOf(topology: Topology): Route[] {
  return topology.subscriptions.map((spec) => {
    const viewName = spec.environment?.TABLE_VIEW;
    const view = viewName ? findTableView(viewName) : undefined;
    const role: TableRole = !view ? 'exchange-log' : viewName! in REGISTRIES ? 'registry' : 'view';
    const reactions = spec.environment?.REACTIONS ? findReactions(spec.environment.REACTIONS) : undefined;
    return {
      spec,
      pattern: compilePattern(spec.pattern),
      role,
      ...(view ? { view } : {}),
      ...(reactions ? { reactions } : {}),
    };
  });
}

/** Enums longer than this (regions, countries) add no variants: their values move the same counters. */
const MAX_ENUM_VARIANTS = 8;

/**
 * The example, and the example with each other value of its small enum and boolean fields
 * (top level) that still parses.
 */
function variantsOf(definition: EventDefinition): unknown[] {
  const example = definition.example as Record<string, unknown>;
  const properties = (zodJsonSchema(definition.data, 'draft-07').properties ?? {}) as Record<
    string,
    Record<string, unknown>
  >;
  const variants: unknown[] = [example];
  for (const [field, schema] of Object.entries(properties)) {
    const values =
      Array.isArray(schema.enum) && schema.enum.length <= MAX_ENUM_VARIANTS
        ? (schema.enum as unknown[])
        : schema.type === 'boolean'
          ? [true, false]
          : [];
    for (const value of values) {
      if (value === example[field]) continue;
      const variant = { ...example, [field]: value };
      if (definition.data.safeParse(variant).success) variants.push(variant);
    }
  }
  return variants;
}

const counterName = (counter: string) => counter.replace(/:.*$/, ':*');

/**
 * The counters each event type moves in a table, found by running the
 * projector's own planning over stories told with the examples in
 * declaration order (an issue before its extension and revocation). Story
 * k tells every event with its k-th variant, so a revocation is also
 * planned against an individual's permit and a crossing's exit against an
 * exit; each story is told twice, with the examples' own people and with
 * one person throughout (whose citizenship then ends a stay the crossings
 * began). The counters are the union over the stories.
 */
function counterFeeds(view: TableView): Map<string, CounterFeed[]> {
  const story = allProjections().flatMap((p) => {
    const definition = latestDefinition(p.detailType);
    return definition ? [{ definition, variants: variantsOf(definition) }] : [];
  });
  const onePerson = (story.find((s) => s.definition.aboutPerson)?.definition.example as EventData | undefined)?.person;
  const variantsCount = Math.max(...story.map((s) => s.variants.length));
  const moved = new Map<string, Map<string, Set<string>>>();
  for (let k = 0; k < 2 * variantsCount; k++) {
    const records = new Map<string, StoredRecord>();
    story.forEach(({ definition, variants }, index) => {
      const variant = variants[Math.floor(k / 2) % variants.length] as EventData;
      const data = k % 2 === 1 && definition.aboutPerson && onePerson ? { ...variant, person: onePerson } : variant;
      const event = exampleBusEvent(definition, data, k * story.length + index);
      const byFamily = moved.get(definition.detailType) ?? new Map<string, Set<string>>();
      moved.set(definition.detailType, byFamily);
      for (const write of planWrites(view, touches(view, [event], STORY_SECRET), records)) {
        records.set(recordKey(write.record.pk, write.record.sk), write.record);
        for (const delta of write.deltas) {
          const family = delta.pk.startsWith('agg#') ? delta.pk.slice(4) : 'quota';
          const names = byFamily.get(family) ?? new Set<string>();
          names.add(counterName(delta.counter));
          byFamily.set(family, names);
        }
      }
    });
  }
  return new Map(
    [...moved].map(([detailType, byFamily]) => [
      detailType,
      [...byFamily]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([family, names]) => ({ family, counters: [...names].sort() })),
    ]),
  );
}

/**
 * A record's sort key as a template (`visa#<visaNumber>`), or the example's key where the key is
 * computed (a year from a date).
 */
function keyOf(touch: RecordTouch, example: EventData): string {
  const placeholders = new Proxy(
    {},
    { get: (_target, prop) => (typeof prop === 'string' ? `<${prop}>` : undefined) },
  ) as EventData;
  try {
    const template = touch.sk(placeholders);
    if (/^[^<>]*(<[A-Za-z]+>[^<>]*)*$/.test(template)) return template;
  } catch {
    // a key function that needs real values: fall back to the example's key
  }
  return touch.sk(example);
}

function recordEffects(
  view: TableView,
  detailType: string,
  example: EventData,
): { records: RecordEffect[]; kindsNotKept: string[] } {
  const projection = projectionOf(detailType);
  if (!projection) return { records: [], kindsNotKept: [] };
  const records: RecordEffect[] = [];
  const kindsNotKept: string[] = [];
  for (const touch of projection.touches) {
    const fields = fieldsOf(touch);
    const allowed = allowedFields(view, touch.kind);
    // The projector's own minimisation decides whether anything of it is kept, not a re-implementation of it.
    const kept = minimise(view, touch.kind, Object.fromEntries(fields.map((f) => [f, true])));
    if (!kept) {
      if (!kindsNotKept.includes(touch.kind)) kindsNotKept.push(touch.kind);
      continue;
    }
    records.push({
      kind: touch.kind,
      partition: touch.partition,
      key: keyOf(touch, example),
      kept: fields.filter((f) => allowed === 'all' || allowed.has(f)),
      dropped: fields.filter((f) => allowed !== 'all' && !allowed.has(f)),
      sets: touch.set ?? {},
    });
  }
  if (projection.linksIin?.(example) !== undefined && minimise(view, 'alias', { personKey: 'k' })) {
    records.push({
      kind: 'alias',
      partition: 'alias',
      key: 'alias (under the IIN\u2019s key, pointing to the person\u2019s)',
      kept: ['personKey'],
      dropped: [],
      sets: {},
    });
  }
  return { records, kindsNotKept };
}

function reactionRef(route: Route, trigger: string): ReactionRef | undefined {
  if (!route.reactions?.triggers.has(trigger)) return undefined;
  const emits = route.reactions.emits[trigger] ?? [];
  return {
    system: route.spec.environment!.REACTIONS!,
    subscription: route.spec.name,
    trigger,
    emits,
    source: latestDefinition(emits[0] ?? '')?.source ?? route.spec.publishes?.[0] ?? '',
  };
}

function commandsEmitting(definition: EventDefinition): CommandRef[] {
  return (Object.entries(SYSTEM_COMMANDS) as [SystemName, (typeof SYSTEM_COMMANDS)[SystemName]][]).flatMap(
    ([system, commands]) =>
      commands
        .filter((c) => c.emits.some((e) => e.detailType === definition.detailType && e.source === definition.source))
        .map((c) => ({
          system,
          command: c.name,
          description: c.description,
          route: `POST /commands/${system} {"command":"${c.name}"}`,
          agency: c.agency,
        })),
  );
}

function versionDocs(detailType: string): SchemaVersionDoc[] {
  return definitionsNamed(detailType).map((d) => ({
    schemaVersion: d.schemaVersion,
    schemaId: String(eventJsonSchema(d).$id),
    registrySchemaName: registrySchemaName(d),
    fields: dataFields(d.data, d.example),
    rules: rulesOf(d.data),
    example: d.example,
  }));
}

/** The whole catalog: one entry per detail-type, in the contract's order (by source, then name). */
export function buildCatalog(topology: Topology = TOPOLOGY): Catalog {
  const routes = routesOf(topology);
  const feeds = new Map(routes.filter((r) => r.view).map((r) => [r.spec.name, counterFeeds(r.view!)]));
  const events = DETAIL_TYPES.map((detailType): CatalogEvent => {
    const definition = latestDefinition(detailType)!;
    const example = definition.example as EventData;
    const bus = exampleBusEvent(definition).bus;
    const agency = agencyForSource(definition.source);
    const reactionsEmitting = routes.flatMap((route) =>
      Object.entries(route.reactions?.emits ?? {})
        .filter(([, emits]) => emits.includes(detailType))
        .flatMap(([trigger]) => reactionRef(route, trigger) ?? []),
    );
    const publishing: Publishing = {
      source: definition.source,
      agency: { id: agency?.id ?? 'none', name: agency?.name ?? 'no agency publishes this source' },
      principal: agency
        ? `the ${agency.id} publisher role: the bus policy lets it put events only with events:source ` +
          `${agency.sources.join(' or ')}`
        : 'nobody',
      commands: commandsEmitting(definition),
      reactions: reactionsEmitting,
    };
    const receivers = routes
      .filter((route) => route.pattern.matches(bus))
      .map((route): Reception => {
        const effects = route.view
          ? recordEffects(route.view, detailType, example)
          : { records: [logEntry], kindsNotKept: [] };
        const reaction = reactionRef(route, detailType);
        return {
          subscription: route.spec.name,
          description: route.spec.description,
          table: route.spec.table,
          role: route.role,
          ...(route.view ? { owner: route.view.name } : {}),
          legalBasis: route.spec.legalBasis,
          purpose: route.spec.purpose,
          pattern: route.spec.pattern,
          queue: {
            batchSize: route.spec.delivery.batchSize,
            maxReceiveCount: route.spec.delivery.maxReceiveCount,
            visibilityTimeoutSeconds: visibilityTimeoutSeconds(route.spec.delivery),
          },
          ...effects,
          counters: feeds.get(route.spec.name)?.get(detailType) ?? [],
          reactions: reaction ? [reaction] : [],
        };
      });
    return {
      detailType,
      source: definition.source,
      description: definition.description,
      aboutPerson: definition.aboutPerson,
      latestVersion: definition.schemaVersion,
      versions: versionDocs(detailType),
      publishing,
      receivers,
      triggers: receivers.flatMap((r) => r.reactions),
    };
  });
  const subscriptions = routes.map((r) => ({
    name: r.spec.name,
    table: r.spec.table,
    role: r.role,
    ...(r.view ? { owner: r.view.name } : {}),
  }));
  return { busName: topology.busName, subscriptions, events };
}

const logEntry: RecordEffect = {
  kind: 'log-entry',
  partition: 'log',
  key: '<source>#<meta.eventId>',
  kept: ['the whole event, as received'],
  dropped: [],
  sets: {},
};

/**
 * Where the declarations disagree with each other: a reaction whose trigger
 * its subscription never receives, an emitted type nobody may publish, an
 * event no system publishes or no projection declares. Empty when sound.
 */
export function catalogProblems(topology: Topology = TOPOLOGY): string[] {
  const problems: string[] = [];
  const routes = routesOf(topology);
  for (const route of routes) {
    if (!route.reactions) continue;
    const declared = Object.keys(route.reactions.emits).sort();
    const triggers = [...route.reactions.triggers].sort();
    if (declared.join() !== triggers.join())
      problems.push(
        `reactions of ${route.spec.name}: triggers ${triggers.join(', ')} but emits declares ${declared.join(', ')}`,
      );
    for (const trigger of triggers) {
      const definition = latestDefinition(trigger);
      if (!definition) problems.push(`reactions of ${route.spec.name}: trigger ${trigger} is not in the contract`);
      else if (!route.pattern.matches(exampleBusEvent(definition).bus))
        problems.push(`reactions of ${route.spec.name}: its subscription never receives its trigger ${trigger}`);
      for (const emitted of route.reactions.emits[trigger] ?? []) {
        const target = latestDefinition(emitted);
        if (!target) problems.push(`reactions of ${route.spec.name}: emits ${emitted}, which is not in the contract`);
        else if (!route.spec.publishes?.includes(target.source))
          problems.push(
            `reactions of ${route.spec.name}: emits ${emitted} under ${target.source}, which the subscription ` +
              `may not publish`,
          );
      }
    }
  }
  for (const [system, commands] of Object.entries(SYSTEM_COMMANDS)) {
    const api = topology.commandApis.find((a) => a.system === system);
    for (const command of commands) {
      if (command.emits.length === 0) problems.push(`command ${system}/${command.name} declares no emitted event`);
      for (const emitted of command.emits) {
        if (!api?.publishes.includes(emitted.source))
          problems.push(
            `command ${system}/${command.name} emits ${emitted.detailType} under ${emitted.source}, which the ` +
              `${system} command API may not publish`,
          );
        const agency = topology.agencies.find((a) => a.id === command.agency);
        if (!agency?.sources.includes(emitted.source))
          problems.push(
            `command ${system}/${command.name} is issued by ${command.agency}, whose sources do not include ` +
              `${emitted.source}`,
          );
      }
    }
  }
  const published = new Set([
    ...Object.values(SYSTEM_COMMANDS).flatMap((commands) => commands.flatMap((c) => c.emits.map((e) => e.detailType))),
    ...routes.flatMap((r) => Object.values(r.reactions?.emits ?? {}).flat()),
  ]);
  for (const definition of CATALOG) {
    if (!projectionOf(definition.detailType))
      problems.push(`${definition.detailType} has no projection declaration: no registry or view would record it`);
    if (!published.has(definition.detailType))
      problems.push(`${definition.detailType}: no command and no reaction publishes it`);
    if (!agencyForSource(definition.source))
      problems.push(`${definition.detailType}: no agency may publish its source ${definition.source}`);
  }
  return problems;
}
