/**
 * The two logs the platform keeps a Merkle tree over, and where each keeps
 * its bookkeeping (leaf counter, voided leaves, tiles, tree state) beside its
 * rows: in its own table, under keys no row can have (exchange-log rows are
 * `<source>#<eventId>`, ledger rows are keyed by person; neither starts with
 * `#`). Smoke rows (`mx smoke`, which expire) are never leaves.
 */
export type LogName = 'exchange-log' | 'access-ledger';
export const LOG_NAMES: readonly LogName[] = ['exchange-log', 'access-ledger'];

export interface LogLayout {
  readonly name: LogName;
  /** The topology table the log's rows live in. */
  readonly tableId: 'ExchangeLog' | 'AccessLedger';
  /** The key of a bookkeeping item: `next` (the leaf counter), `state`, `tile#L#N`, `void#<index>`. */
  key(item: string): Record<string, string>;
  /** The bookkeeping item name a stored item's key holds (the inverse of `key`). */
  itemName(stored: Record<string, unknown>): string;
  /** The first key attribute's value every bookkeeping item shares a prefix with (for IAM's dynamodb:LeadingKeys). */
  readonly bookkeepingPrefix: string;
}

export const LEAF_INDEX = 'byLeaf';

export const EXCHANGE_LOG: LogLayout = {
  name: 'exchange-log',
  tableId: 'ExchangeLog',
  key: (item) => ({ pk: `#merkle#${item}` }),
  itemName: (stored) => String(stored.pk).slice('#merkle#'.length),
  bookkeepingPrefix: '#merkle#',
};

export const ACCESS_LEDGER: LogLayout = {
  name: 'access-ledger',
  tableId: 'AccessLedger',
  key: (item) => ({ pk: '#merkle', sk: item }),
  itemName: (stored) => String(stored.sk),
  bookkeepingPrefix: '#merkle',
};

export const LOGS: Readonly<Record<LogName, LogLayout>> = {
  'exchange-log': EXCHANGE_LOG,
  'access-ledger': ACCESS_LEDGER,
};

/** A void leaf's item name: zero-padded so the ledger's sort key lists voids in leaf order. */
export const voidItem = (index: number) => `void#${String(index).padStart(16, '0')}`;

/** The origin (and key name) of a log's checkpoints: `<prefix>/<log>`, e.g. `mx.local/exchange-log`. */
export const originOf = (prefix: string, log: LogName) => `${prefix}/${log}`;
