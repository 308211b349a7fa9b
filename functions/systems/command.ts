/**
 * The command side of the agency systems. A command is what an official does
 * (issue a visa, grant qandas status); the system validates it, checks it
 * against its rules and its registry, and either refuses it with the rule
 * that stops it or records it as events under the agency's own source.
 * `decide` is pure apart from the ports it is handed, so rules are tested
 * without any server.
 */

import type { EventDefinition } from '../../schemas/define.ts';
import type * as z from '../../schemas/zod.ts';
import type { Ministry } from '../domain/ministries.ts';
import { ofKind, type RecordOf, type StoredRecord } from '../domain/stored-record.ts';
import type { SystemName } from '../domain/views.ts';

/** A refusal names the rule (a stable code) and says why in words. */
export class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 422 = 409,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export interface PlannedEvent {
  readonly definition: EventDefinition;
  readonly data: unknown;
}

export interface CommandPorts {
  /** The person's records in the system's registry. */
  personRecords(person: { citizenship?: string; documentNumber?: string; iin?: string }): Promise<StoredRecord[]>;
  record(pk: string, sk: string): Promise<StoredRecord | undefined>;
  /**
   * Takes `amount` free places of a quota (named by its record's key, e.g.
   * `labour#2021#KZ-75#3`) in one conditional update.
   */
  reserve(quota: string, amount?: number): Promise<Reservation>;
  /** Gives places back (when a command fails after reserving). */
  release(quota: string, amount?: number): Promise<void>;
  /**
   * The people whose permitted stay (a visa, a stay registration) ended on a day in [from, until): the overstay
   * check's candidates, from an index.
   */
  staysEnding(from: string, until: string): Promise<string[]>;
  /** Every record of a person by their partition key. */
  partition(pk: string): Promise<StoredRecord[]>;
}

export type Reservation = 'reserved' | 'exhausted' | 'no-quota';

export interface CommandDefinition<I extends z.ZodMiniType = z.ZodMiniType> {
  readonly name: string;
  readonly system: SystemName;
  /** The agency whose officials issue it (and under whose source its events go). */
  readonly agency: Ministry;
  readonly description: string;
  readonly input: I;
  /**
   * The events `decide` may record when it accepts the command: what the
   * catalog shows, checked against `decide` run in memory by
   * test/unit/catalog-declarations.test.ts.
   */
  readonly emits: readonly EventDefinition[];
  decide(input: z.infer<I>, ports: CommandPorts): Promise<PlannedEvent[]>;
}

export function defineCommand<I extends z.ZodMiniType>(def: CommandDefinition<I>): CommandDefinition<I> {
  return def;
}

export const event = <D extends z.ZodMiniType>(definition: EventDefinition<D>, data: z.input<D>): PlannedEvent => ({
  definition,
  data,
});

/** Records of a kind among a person's records, their state typed. */
export { ofKind };

/** An entry ban in force on a date (from a deportation order), if any. */
export function entryBanOn(records: readonly StoredRecord[], date: string): RecordOf<'deportation'> | undefined {
  return ofKind(records, 'deportation').find(
    (r) => String(r.state.orderedOn) <= date.slice(0, 10) && String(r.state.entryBanUntil) >= date.slice(0, 10),
  );
}

/** Refuses an act on a day the person is banned from entry. */
export function refuseIfBanned(records: readonly StoredRecord[], date: string): void {
  const ban = entryBanOn(records, date);
  if (ban) throw new Refusal('entry-ban', `the person is under an entry ban until ${ban.state.entryBanUntil}`);
}
