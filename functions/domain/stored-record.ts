/**
 * What a registry or view table stores per record: typed by kind, versioned
 * for optimistic concurrency. Read by deciding commands, folding projections,
 * query APIs and the operator tools alike.
 */
import type { AppliedEvent } from './fold.ts';
import type { RecordKind, StateOf } from './record-states.ts';

/** A stored record of one kind, its state typed by that kind's schema. */
export interface RecordOf<K extends RecordKind> {
  pk: string;
  sk: string;
  kind: K;
  /** 1 for a new record; every change adds one (optimistic concurrency). */
  version: number;
  state: StateOf<K>;
  /**
   * The events that built the record (one for a single-event record), with the fields they set that this table keeps.
   */
  events: AppliedEvent[];
  /** Berkut's index of when a permitted stay ends (visas, stay registrations), for the overstay check. */
  endsMonth?: string;
  endsOn?: string;
  /** Smoke traffic only: when DynamoDB's TTL removes the record (epoch seconds). */
  expiresAt?: number;
}

/** Any stored record; narrow it by `kind` to read its state. */
export type StoredRecord = { [K in RecordKind]: RecordOf<K> }[RecordKind];

/** The records of one kind, typed. */
export function ofKind<K extends RecordKind>(records: readonly StoredRecord[], kind: K): RecordOf<K>[] {
  return records.filter((r): r is StoredRecord & RecordOf<K> => r.kind === kind) as RecordOf<K>[];
}

/** A record's identity in one string, for maps keyed by record. */
export const recordKey = (pk: string, sk: string) => `${pk}\u0000${sk}`;
