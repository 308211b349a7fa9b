/**
 * The shape of the event catalog: everything about an event in one place.
 * Types only (no imports that run), so the browser console can read the
 * catalog document it is served without bundling the platform.
 */

export interface FieldDoc {
  /** Dotted path under `detail.data`. */
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  /** Bounds in words: lengths, ranges, patterns, the values of an enum. */
  readonly constraints: readonly string[];
  /** The value the definition's example gives it. */
  readonly example?: unknown;
}

export interface RuleDoc {
  readonly path: string;
  readonly message: string;
}

export interface SchemaVersionDoc {
  readonly schemaVersion: number;
  /** The JSON Schema's id and the EventBridge schema registry's name for this version. */
  readonly schemaId: string;
  readonly registrySchemaName: string;
  readonly fields: readonly FieldDoc[];
  /** Checks JSON Schema cannot express (cross-field rules, check digits). */
  readonly rules: readonly RuleDoc[];
  /** `detail.data` of a valid event. */
  readonly example: unknown;
}

export interface CommandRef {
  readonly system: string;
  readonly command: string;
  readonly description: string;
  /** How an official's system calls it. */
  readonly route: string;
  /** The agency whose officials issue it. */
  readonly agency: string;
}

export interface ReactionRef {
  readonly system: string;
  /** The subscription whose handler runs the reaction. */
  readonly subscription: string;
  /** The event that sets the reaction off. */
  readonly trigger: string;
  /** What the reaction publishes. */
  readonly emits: readonly string[];
  /** The source it publishes under. */
  readonly source: string;
}

export interface Publishing {
  readonly source: string;
  readonly agency: { readonly id: string; readonly name: string };
  /** Who may put it on the bus: the agency's publisher role, limited by the bus policy to its own sources. */
  readonly principal: string;
  readonly commands: readonly CommandRef[];
  /** Reactions of other systems' events that publish it. */
  readonly reactions: readonly ReactionRef[];
}

export interface RecordEffect {
  readonly kind: string;
  readonly partition: 'person' | 'quota' | 'alias' | 'log';
  /** The record's sort key: a template (`visa#<visaNumber>`) or, where the key is computed, the example's key. */
  readonly key: string;
  /** State fields the event sets that this table keeps. */
  readonly kept: readonly string[];
  /** State fields the event would set that this table's declaration drops. */
  readonly dropped: readonly string[];
  /** Values the event type itself sets (a status). */
  readonly sets: Readonly<Record<string, unknown>>;
}

export interface CounterFeed {
  /** Counter family (the `agg#<family>` item set), or `quota` for a quota's free places. */
  readonly family: string;
  /** Counter names, breakdown values as `*` (`lea.byCountry:*`). */
  readonly counters: readonly string[];
}

export type TableRole = 'exchange-log' | 'registry' | 'view';

export interface Reception {
  readonly subscription: string;
  readonly description: string;
  readonly table: string;
  readonly role: TableRole;
  /** The registry's system or the view's ministry. */
  readonly owner?: string;
  readonly legalBasis: { readonly act: string; readonly article: string };
  readonly purpose: string;
  /** The EventBridge rule's pattern that selects it. */
  readonly pattern: unknown;
  readonly queue: {
    readonly batchSize: number;
    readonly maxReceiveCount: number;
    readonly visibilityTimeoutSeconds: number;
  };
  /** Records it touches in this table, field by field as the table's declaration keeps them. */
  readonly records: readonly RecordEffect[];
  /** Kinds of record the event touches that this table keeps nothing of. */
  readonly kindsNotKept: readonly string[];
  /**
   * Counters its records move in this table (all variants of the example: both directions of a
   * crossing, each kind of permit).
   */
  readonly counters: readonly CounterFeed[];
  /** Reactions this subscription runs for it. */
  readonly reactions: readonly ReactionRef[];
}

export interface CatalogEvent {
  readonly detailType: string;
  readonly source: string;
  readonly description: string;
  readonly aboutPerson: boolean;
  readonly latestVersion: number;
  readonly versions: readonly SchemaVersionDoc[];
  readonly publishing: Publishing;
  readonly receivers: readonly Reception[];
  /** Reactions it sets off (across all subscriptions). */
  readonly triggers: readonly ReactionRef[];
}

export interface SubscriptionRef {
  readonly name: string;
  readonly table: string;
  readonly role: TableRole;
  readonly owner?: string;
}

export interface Catalog {
  readonly busName: string;
  /** The topology's subscriptions, in its order. */
  readonly subscriptions: readonly SubscriptionRef[];
  readonly events: readonly CatalogEvent[];
}

/** What the console is served: the catalog, and the exchange drawn from the topology. */
export interface CatalogDocument {
  readonly catalog: Catalog;
  readonly diagram: string;
}
