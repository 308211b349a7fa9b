/**
 * Durable storage for queue messages: LevelDB (classic-level) under the data
 * dir, or memory-level for --in-memory. A write batch is acknowledged only
 * after LevelDB has appended it to its log with a write() syscall, so a
 * process killed with SIGKILL right after the acknowledgement keeps it.
 *
 * Messages are keyed `queue\0seq`, so a sequence number must never be handed
 * out twice, not even across restarts: a new message on a reused key would
 * overwrite an undelivered one, and deleting either would delete both. The
 * highest stored seq is no guide (the highest ever used may have been
 * delivered and deleted), so the store reserves seqs in blocks and persists
 * each reservation before any message that uses it.
 */
import { ClassicLevel } from 'classic-level';
import { MemoryLevel } from 'memory-level';

export interface StoredMessage {
  readonly id: string;
  readonly queue: string;
  /** Global send order, so a restart restores queues in the order messages arrived. */
  readonly seq: number;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  /**
   * Set when a message is dead-lettered: why its last delivery failed, where it came from,
   * and the receives it had there.
   */
  error?: string;
  sourceQueue?: string;
  deadLetteredAt?: number;
  sourceReceiveCount?: number;
}

export type StoreOp = { type: 'put'; message: StoredMessage } | { type: 'del'; queue: string; seq: number };

type Value = StoredMessage | number;

interface Db {
  open(): Promise<void>;
  close(): Promise<void>;
  batch(ops: { type: 'put' | 'del'; key: string; value?: Value }[]): Promise<void>;
  get(key: string): Promise<Value | undefined>;
  iterator(options?: { gt?: string }): AsyncIterable<[string, Value]>;
}

const keyOf = (queue: string, seq: number) => `${queue}\u0000${seq.toString().padStart(16, '0')}`;
/** Sorts before every message key (queue names are never empty). */
const RESERVED_SEQ_KEY = '\u0000reserved-seq';
/**
 * Seqs reserved per write of the reservation: one extra write per million messages, and a
 * restart skips at most a million.
 */
export const SEQ_BLOCK = 1_000_000;

export class QueueStore {
  /** Every seq up to this one may be used; it is durable before a message with a higher seq is written. */
  private reserved: number;
  private reserving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: Db,
    reserved: number,
  ) {
    this.reserved = reserved;
  }

  static async open(location: string | undefined): Promise<QueueStore> {
    const options = { valueEncoding: 'json' as const };
    const db = (location
      ? new ClassicLevel<string, Value>(location, options)
      : new MemoryLevel<string, Value>(options)) as unknown as Db;
    await db.open();
    const reserved = await db.get(RESERVED_SEQ_KEY);
    return new QueueStore(db, typeof reserved === 'number' ? reserved : 0);
  }

  /**
   * The first seq that no run of the cloud can have used: above every
   * reservation ever persisted (and so above every message ever written).
   */
  get firstUnusedSeq(): number {
    return this.reserved + 1;
  }

  /**
   * Starts a new run's seqs above everything a previous run may have used,
   * and persists that before any message of this run is written.
   */
  async startRun(highestStoredSeq: number): Promise<number> {
    const first = Math.max(this.reserved, highestStoredSeq) + 1;
    await this.reserve(first);
    return first;
  }

  async write(ops: readonly StoreOp[]): Promise<void> {
    if (ops.length === 0) return;
    let highest = 0;
    for (const op of ops) if (op.type === 'put' && op.message.seq > highest) highest = op.message.seq;
    if (highest > this.reserved) await this.reserve(highest);
    await this.db.batch(
      ops.map((op) =>
        op.type === 'put'
          ? { type: 'put' as const, key: keyOf(op.message.queue, op.message.seq), value: op.message }
          : { type: 'del' as const, key: keyOf(op.queue, op.seq) },
      ),
    );
  }

  /** Every stored message, in key order (queue, then send order). */
  async loadAll(): Promise<StoredMessage[]> {
    const messages: StoredMessage[] = [];
    for await (const [, value] of this.db.iterator({ gt: RESERVED_SEQ_KEY }))
      if (typeof value === 'object') messages.push(value);
    return messages;
  }

  /**
   * Persists a reservation covering `seq` (and a block beyond it).
   * Reservations are chained, so they reach the disk in increasing order
   * even when concurrent batches ask for them.
   */
  private reserve(seq: number): Promise<void> {
    this.reserving = this.reserving
      .catch(() => undefined)
      .then(async () => {
        if (seq <= this.reserved) return;
        const next = seq + SEQ_BLOCK;
        await this.db.batch([{ type: 'put', key: RESERVED_SEQ_KEY, value: next }]);
        this.reserved = next;
      });
    return this.reserving;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
