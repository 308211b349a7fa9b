/**
 * Durable storage for queue messages: LevelDB (classic-level) under the data
 * dir, or memory-level for --in-memory. A write batch is acknowledged only
 * after LevelDB has appended it to its log with a write() syscall, so a
 * process killed with SIGKILL right after the acknowledgement keeps it.
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
  /** Set when a message is dead-lettered: why its last delivery failed, and where it came from. */
  error?: string;
  sourceQueue?: string;
  deadLetteredAt?: number;
}

export type StoreOp = { type: 'put'; message: StoredMessage } | { type: 'del'; queue: string; seq: number };

interface Db {
  open(): Promise<void>;
  close(): Promise<void>;
  batch(ops: { type: 'put' | 'del'; key: string; value?: StoredMessage }[]): Promise<void>;
  iterator(): AsyncIterable<[string, StoredMessage]>;
}

const keyOf = (queue: string, seq: number) => `${queue}\u0000${seq.toString().padStart(16, '0')}`;

export class QueueStore {
  private constructor(private readonly db: Db) {}

  static async open(location: string | undefined): Promise<QueueStore> {
    const options = { valueEncoding: 'json' as const };
    const db = (location ? new ClassicLevel<string, StoredMessage>(location, options) : new MemoryLevel<string, StoredMessage>(options)) as unknown as Db;
    await db.open();
    return new QueueStore(db);
  }

  async write(ops: readonly StoreOp[]): Promise<void> {
    if (ops.length === 0) return;
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
    for await (const [, message] of this.db.iterator()) messages.push(message);
    return messages;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
