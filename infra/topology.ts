/**
 * The one declaration of who talks to whom. The CDK stack builds rules,
 * queues, functions and tables from it; the embedded local cloud builds the
 * same routing from it. Adding a subscription is one entry here plus its
 * handler module. Nothing in this file imports AWS code (the view declarations it
 * derives subscriptions from are pure domain code).
 */

import { MINISTRIES, type Ministry } from '../functions/domain/ministries.ts';
import { detailTypesFor, MINISTRY_VIEWS } from '../functions/domain/views.ts';
import { SOURCES, type Source } from '../schemas/define.ts';

export { MINISTRIES, type Ministry };

export interface Agency {
  /** Short id used for credentials and IAM roles. */
  readonly id: Ministry;
  readonly name: string;
  /** The EventBridge `source` values this agency may publish under. */
  readonly sources: readonly Source[];
}

export const AGENCIES: readonly Agency[] = [
  { id: 'foreign-affairs', name: 'Ministry of Foreign Affairs', sources: [SOURCES.foreignAffairs] },
  { id: 'border-service', name: 'National Security Committee, Border Service', sources: [SOURCES.borderService] },
  { id: 'interior', name: 'Ministry of Internal Affairs', sources: [SOURCES.interior] },
  {
    id: 'labour',
    name: 'Ministry of Labour and Social Protection of the Population',
    sources: [SOURCES.foreignLabour, SOURCES.qandas],
  },
];

export function agencyForSource(source: string): Agency | undefined {
  return AGENCIES.find((a) => (a.sources as readonly string[]).includes(source));
}

export type AttributeType = 'S' | 'N';
export interface KeySpec {
  readonly name: string;
  readonly type: AttributeType;
}
export interface TableSpec {
  /** Construct id of the table: part of its CloudFormation logical id, so never rename it. */
  readonly id: string;
  readonly description: string;
  readonly partitionKey: KeySpec;
  readonly sortKey?: KeySpec;
  readonly indexes?: readonly { readonly name: string; readonly partitionKey: KeySpec; readonly sortKey?: KeySpec }[];
}

/** Where a data flow's lawfulness comes from (act and article) — X-Road asks the same of each service. */
export interface LegalBasis {
  readonly act: string;
  readonly article: string;
}

/** An EventBridge event pattern (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html). */
export type EventPattern = Record<string, unknown>;

export interface DeliverySpec {
  /** SQS → Lambda batch size. */
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** Receives before a message is parked on the DLQ. */
  readonly maxReceiveCount: number;
  readonly handlerTimeoutSeconds: number;
}

export interface SubscriptionSpec {
  /** Stable name: construct ids, queue names in the local cloud and metrics derive from it. */
  readonly name: string;
  readonly description: string;
  readonly pattern: EventPattern;
  /** Handler module (relative to the repository root) exporting `handler`. */
  readonly handler: string;
  /**
   * Id of the table this subscription owns: its only writer, except that a system's command API also writes the
   * items of its registry that CommandApiSpec.registryWrites names.
   */
  readonly table: string;
  readonly legalBasis: LegalBasis;
  readonly purpose: string;
  readonly delivery: DeliverySpec;
  /** Sources the handler may publish reactions under. */
  readonly publishes?: readonly Source[];
  /** Extra configuration for the handler (never secrets). */
  readonly environment?: Readonly<Record<string, string>>;
}

export const DEFAULT_DELIVERY: DeliverySpec = {
  batchSize: 25,
  maxBatchingWindowSeconds: 1,
  maxReceiveCount: 5,
  handlerTimeoutSeconds: 30,
};

/**
 * SQS visibility timeout for a subscription's queue: AWS advises at least six
 * times the function timeout plus the batching window
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
 */
export function visibilityTimeoutSeconds(delivery: DeliverySpec): number {
  return delivery.handlerTimeoutSeconds * 6 + delivery.maxBatchingWindowSeconds;
}

/**
 * The rows of a log in the order of its Merkle tree's leaves, for the
 * checkpointer and `mx log verify` (functions/merkle). Leaf i sits in
 * partition i mod 8, so writes spread over eight partition keys instead of
 * heating one (a GSI partition takes about 1,000 writes a second).
 */
const LEAF_ORDER_INDEX = {
  name: 'byLeaf',
  partitionKey: { name: 'leafShard', type: 'N' },
  sortKey: { name: 'leafIndex', type: 'N' },
} as const;

/** Written only by the command APIs (each under its own `commands-<system>` keys): see CommandApiSpec. */
export const COMMAND_IDEMPOTENCY_TABLE = 'CommandIdempotency';

export const TABLES: readonly TableSpec[] = [
  {
    id: 'ExchangeLog',
    description: 'Every accepted event, once, for replay, lineage and audit.',
    // `<source>#<eventId>`: producers choose event ids, so a source's ids must never address another source's rows.
    partitionKey: { name: 'pk', type: 'S' },
    indexes: [
      { name: 'bySubject', partitionKey: { name: 'subject', type: 'S' }, sortKey: { name: 'occurredAt', type: 'S' } },
      { name: 'byDay', partitionKey: { name: 'day', type: 'S' }, sortKey: { name: 'logPosition', type: 'S' } },
      // Sparse: only contract breaches and id conflicts carry breachSource.
      {
        name: 'breaches',
        partitionKey: { name: 'breachSource', type: 'S' },
        sortKey: { name: 'logPosition', type: 'S' },
      },
      LEAF_ORDER_INDEX,
    ],
  },
  {
    id: 'BerkutRegistry',
    description: 'Berkut: visas, crossings, stays, offences, deportations, residence and citizenship.',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    // Sparse: visas and stay registrations by the day they end, so the overstay check
    // reads candidates, not the registry.
    indexes: [
      { name: 'byEnd', partitionKey: { name: 'endsMonth', type: 'S' }, sortKey: { name: 'endsOn', type: 'S' } },
    ],
  },
  {
    id: 'ForeignLabourRegistry',
    description: 'Foreign Labour Force system: permits and quotas.',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
  },
  {
    id: 'QandasRegistry',
    description: 'Qandas database: statuses, quotas and subsidies.',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
  },
  {
    id: 'InteriorView',
    description: 'Ministry of Internal Affairs view.',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
  },
  {
    id: 'LabourView',
    description: 'Ministry of Labour view.',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
  },
  {
    id: 'ForeignAffairsView',
    description: 'Ministry of Foreign Affairs view.',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
  },
  {
    id: 'BorderServiceView',
    description: 'Border Service view.',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
  },
  {
    id: 'AccessLedger',
    description: 'Append-only record of every read of a person\u2019s data: who, which ministry, when, why.',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: [LEAF_ORDER_INDEX],
  },
  {
    id: COMMAND_IDEMPOTENCY_TABLE,
    description:
      'The command APIs\u2019 answers by caller and idempotency key, so a retried command is answered, not run again.',
    // Powertools Idempotency's DynamoDB layout: `id` is `commands-<system>#<hash of caller and key>`.
    partitionKey: { name: 'id', type: 'S' },
  },
];

const ALL_SOURCES = Object.values(SOURCES);

const MIGRATION_LAW = 'Law No. 477-IV "On Population Migration" (22 July 2011)';
const PERSONAL_DATA_LAW = 'Law No. 94-V "On Personal Data and Their Protection" (21 May 2013)';
const PROJECTOR = 'functions/projector/handler.ts';
const PROJECTION_DELIVERY: DeliverySpec = { ...DEFAULT_DELIVERY, batchSize: 100, maxBatchingWindowSeconds: 1 };

/**
 * The detail-types a ministry view receives: derived from the kinds and
 * fields its declaration keeps (functions/domain/views.ts), never restated.
 */
export const VIEW_DETAIL_TYPES: Readonly<Record<Ministry, readonly string[]>> = Object.fromEntries(
  MINISTRIES.map((m) => [m, detailTypesFor(MINISTRY_VIEWS[m])]),
) as unknown as Record<Ministry, readonly string[]>;

const VIEW_PURPOSES: Readonly<Record<Ministry, { purpose: string; article: string }>> = {
  interior: {
    purpose:
      'Migration control: registration of stay, offences, deportations, residence and citizenship of foreigners.',
    article: 'Art. 9: competence of the internal affairs bodies in migration',
  },
  labour: {
    purpose: 'Labour immigration and ethnic repatriation: permits, quotas, qandas status and resettlement support.',
    article: 'Art. 10: competence of the authorised body for migration of the population',
  },
  'foreign-affairs': {
    purpose: 'Visa administration and consular notice of deportations of foreign nationals.',
    article: 'Art. 11: competence of the foreign affairs bodies in migration',
  },
  'border-service': {
    purpose: 'Border control: crossings, entry bans and refusals of entry.',
    article: 'Art. 12: competence of the Border Service of the National Security Committee',
  },
};

const TABLE_IDS: Readonly<Record<Ministry, string>> = {
  interior: 'InteriorView',
  labour: 'LabourView',
  'foreign-affairs': 'ForeignAffairsView',
  'border-service': 'BorderServiceView',
};
export const viewTableId = (ministry: Ministry) => TABLE_IDS[ministry];

export const SUBSCRIPTIONS: readonly SubscriptionSpec[] = [
  {
    name: 'exchange-log',
    description: 'Appends every accepted event to the exchange log.',
    pattern: { source: [...ALL_SOURCES] },
    handler: 'functions/exchange-log/handler.ts',
    table: 'ExchangeLog',
    legalBasis: {
      act: 'Law No. 418-V "On Informatization" (24 November 2015)',
      article: 'Art. 40: integration of state information systems and the record of their exchanges',
    },
    purpose:
      'Keep an audit trail of every inter-agency message so views can be rebuilt and every record traced to its ' +
      'events.',
    delivery: { ...DEFAULT_DELIVERY, batchSize: 100, maxBatchingWindowSeconds: 1 },
  },
  {
    name: 'berkut',
    description:
      'Berkut keeps its registry of everything its three agencies publish and registers qandas for residence ' +
      '(one window).',
    pattern: {
      $or: [
        { source: [SOURCES.foreignAffairs, SOURCES.borderService, SOURCES.interior] },
        { source: [SOURCES.qandas], 'detail-type': ['QandasStatusGranted'] },
      ],
    },
    handler: PROJECTOR,
    table: 'BerkutRegistry',
    legalBasis: {
      act: MIGRATION_LAW,
      article: 'Art. 4-1: the unified information system of migration (Berkut); one-window registration of qandas',
    },
    purpose:
      'Keep Berkut, the system of record for visas, border crossings, stays and residence, in step with its ' +
      'agencies and grant qandas residence at once.',
    delivery: PROJECTION_DELIVERY,
    publishes: [SOURCES.interior],
    environment: { TABLE_VIEW: 'berkut', REACTIONS: 'berkut' },
  },
  {
    name: 'foreign-labour',
    description:
      'The Foreign Labour Force system keeps its registry and revokes permits after deportation, visa revocation ' +
      'or citizenship.',
    pattern: {
      $or: [
        { source: [SOURCES.foreignLabour] },
        { source: [SOURCES.interior], 'detail-type': ['DeportationOrdered', 'CitizenshipGranted'] },
        { source: [SOURCES.foreignAffairs], 'detail-type': ['VisaRevoked'] },
      ],
    },
    handler: PROJECTOR,
    table: 'ForeignLabourRegistry',
    legalBasis: { act: MIGRATION_LAW, article: 'Art. 38: grounds for revoking a permit for labour immigration' },
    purpose: 'Keep the permit registry and end permits that may no longer be used.',
    delivery: PROJECTION_DELIVERY,
    publishes: [SOURCES.foreignLabour],
    environment: { TABLE_VIEW: 'foreign-labour', REACTIONS: 'foreign-labour' },
  },
  {
    name: 'qandas',
    description: 'The qandas database keeps its registry and closes a qandas record when the person becomes a citizen.',
    pattern: {
      $or: [{ source: [SOURCES.qandas] }, { source: [SOURCES.interior], 'detail-type': ['CitizenshipGranted'] }],
    },
    handler: PROJECTOR,
    table: 'QandasRegistry',
    legalBasis: { act: MIGRATION_LAW, article: 'Art. 20-1: qandas status and its termination' },
    purpose: 'Keep the qandas registry and close statuses that citizenship ends.',
    delivery: PROJECTION_DELIVERY,
    publishes: [SOURCES.qandas],
    environment: { TABLE_VIEW: 'qandas', REACTIONS: 'qandas' },
  },
  ...MINISTRIES.map(
    (ministry): SubscriptionSpec => ({
      name: `view-${ministry}`,
      description: `Projects the events the ${ministry} ministry is entitled to into its consolidated view.`,
      pattern: { 'detail-type': [...VIEW_DETAIL_TYPES[ministry]], source: [...ALL_SOURCES] },
      handler: PROJECTOR,
      table: TABLE_IDS[ministry],
      legalBasis: { act: `${MIGRATION_LAW}; ${PERSONAL_DATA_LAW}`, article: VIEW_PURPOSES[ministry].article },
      purpose: VIEW_PURPOSES[ministry].purpose,
      delivery: PROJECTION_DELIVERY,
      environment: { TABLE_VIEW: ministry },
    }),
  ),
];

/** The items of its registry a command API writes besides its subscription (see CommandApiSpec.registryWrites). */
export type RegistryWrite = 'quota-counters' | 'own-events';
const COMMAND_REGISTRY_WRITES: readonly RegistryWrite[] = ['quota-counters', 'own-events'];

/** An agency system's command API: who may call it, the registry it decides against, what it publishes. */
export interface CommandApiSpec {
  readonly system: 'berkut' | 'foreign-labour' | 'qandas';
  readonly handler: string;
  readonly table: string;
  /** The table it remembers answered commands in (Powertools Idempotency); the command APIs are its only writers. */
  readonly idempotencyTable: string;
  /**
   * What it writes in its registry (`table`, which the system's subscription owns): the quota counters it reserves
   * places on (one conditional update per reservation, so two commands never take the last place), and the records
   * of the events it has just published, folded at once so the system's next command sees them. The subscription
   * folds the same events with the same versioned, conditional writes, so whichever comes second changes nothing.
   * Only its own system's registry may be written so (checkTopology).
   */
  readonly registryWrites: readonly RegistryWrite[];
  readonly agencies: readonly Ministry[];
  readonly publishes: readonly Source[];
}

export const COMMAND_APIS: readonly CommandApiSpec[] = [
  {
    system: 'berkut',
    handler: 'functions/command-api/handler.ts',
    table: 'BerkutRegistry',
    idempotencyTable: COMMAND_IDEMPOTENCY_TABLE,
    registryWrites: COMMAND_REGISTRY_WRITES,
    agencies: ['foreign-affairs', 'border-service', 'interior'],
    publishes: [SOURCES.foreignAffairs, SOURCES.borderService, SOURCES.interior],
  },
  {
    system: 'foreign-labour',
    handler: 'functions/command-api/handler.ts',
    table: 'ForeignLabourRegistry',
    idempotencyTable: COMMAND_IDEMPOTENCY_TABLE,
    registryWrites: COMMAND_REGISTRY_WRITES,
    agencies: ['labour'],
    publishes: [SOURCES.foreignLabour],
  },
  {
    system: 'qandas',
    handler: 'functions/command-api/handler.ts',
    table: 'QandasRegistry',
    idempotencyTable: COMMAND_IDEMPOTENCY_TABLE,
    registryWrites: COMMAND_REGISTRY_WRITES,
    agencies: ['labour'],
    publishes: [SOURCES.qandas],
  },
];

/** A ministry's query API over its view; reads are written to the access ledger. */
export interface QueryApiSpec {
  readonly ministry: Ministry;
  readonly handler: string;
  readonly table: string;
  readonly ledger: string;
}

export const QUERY_APIS: readonly QueryApiSpec[] = MINISTRIES.map((ministry) => ({
  ministry,
  handler: 'functions/query-api/handler.ts',
  table: TABLE_IDS[ministry],
  ledger: 'AccessLedger',
}));

export interface Topology {
  readonly busName: string;
  readonly agencies: readonly Agency[];
  readonly tables: readonly TableSpec[];
  readonly subscriptions: readonly SubscriptionSpec[];
  readonly commandApis: readonly CommandApiSpec[];
  readonly queryApis: readonly QueryApiSpec[];
}

export const TOPOLOGY: Topology = {
  busName: 'migration-exchange',
  agencies: AGENCIES,
  tables: TABLES,
  subscriptions: SUBSCRIPTIONS,
  commandApis: COMMAND_APIS,
  queryApis: QUERY_APIS,
};

/** Fails fast on a topology that cannot be deployed (dangling table, duplicate names). */
export function checkTopology(topology: Topology): void {
  const problems: string[] = [];
  const tableIds = new Set(topology.tables.map((t) => t.id));
  const names = new Set<string>();
  for (const sub of topology.subscriptions) {
    if (names.has(sub.name)) problems.push(`subscription name ${sub.name} is used twice`);
    names.add(sub.name);
    if (!/^[a-z][a-z0-9-]{1,40}$/.test(sub.name))
      problems.push(`subscription name ${sub.name} must be lower-case kebab-case`);
    if (!tableIds.has(sub.table))
      problems.push(`subscription ${sub.name} owns unknown table ${sub.table}; tables: ${[...tableIds].join(', ')}`);
    if (sub.delivery.batchSize < 1 || sub.delivery.batchSize > 10_000)
      problems.push(`subscription ${sub.name}: batchSize must be 1-10000`);
    if (sub.delivery.batchSize > 10 && sub.delivery.maxBatchingWindowSeconds < 1) {
      problems.push(
        `subscription ${sub.name}: a batchSize above 10 needs maxBatchingWindowSeconds >= 1 (SQS event source rule)`,
      );
    }
  }
  const owners = topology.subscriptions.map((s) => s.table);
  for (const id of tableIds)
    if (owners.filter((o) => o === id).length > 1) problems.push(`table ${id} has more than one owning subscription`);
  for (const api of topology.commandApis) {
    // A command API writes only its own system's registry: the table of the subscription that keeps that registry.
    const registryOwner = topology.subscriptions.find((s) => s.table === api.table);
    if (api.registryWrites.length > 0 && registryOwner?.environment?.TABLE_VIEW !== api.system) {
      problems.push(
        `command API ${api.system} writes ${api.table}, which is not the ${api.system} registry (owned by ` +
          `${registryOwner?.name ?? 'no subscription'})`,
      );
    }
    if (!tableIds.has(api.idempotencyTable))
      problems.push(`command API ${api.system} remembers answers in unknown table ${api.idempotencyTable}`);
    if (owners.includes(api.idempotencyTable))
      problems.push(
        `command API ${api.system} remembers answers in ${api.idempotencyTable}, which a subscription owns`,
      );
  }
  if (problems.length) throw new Error(`invalid topology:\n- ${problems.join('\n- ')}`);
}
