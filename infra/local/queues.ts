/**
 * SQS semantics for the local cloud's subscription queues: at-least-once
 * delivery, a visibility timeout per receive, a receive count, redrive to a
 * dead-letter queue after maxReceiveCount, and redrive back. Every state
 * change is written to the QueueStore before it takes effect.
 */
import { randomUUID } from 'node:crypto';
import type { QueueMetrics } from './queue-metrics.ts';
import type { QueueStore, StoredMessage, StoreOp } from './queue-store.ts';

export interface QueueConfig {
  readonly name: string;
  /** Dead-letter queue name and the receives allowed before a message moves there. */
  readonly deadLetter?: { readonly queue: string; readonly maxReceiveCount: number };
  readonly visibilityTimeoutMs: number;
  /**
   * How soon a failed message is visible again (a ChangeMessageVisibility after the failure);
   * default: the visibility timeout.
   */
  readonly retryDelayMs?: number;
}

interface QueueState {
  readonly config: QueueConfig;
  /** Visible messages in arrival order (a deque: `head` is the first live index). */
  ready: StoredMessage[];
  head: number;
  readonly inFlight: Map<string, { message: StoredMessage; timer: NodeJS.Timeout }>;
  readonly listeners: Set<() => void>;
}

export interface QueueStats {
  readonly name: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly deadLetterQueue?: string;
}

export class QueueNotFoundError extends Error {
  constructor(name: string, known: readonly string[]) {
    super(`queue ${name} does not exist; queues: ${known.join(', ')}`);
    this.name = 'QueueNotFoundError';
  }
}

export class Queues {
  private readonly queues = new Map<string, QueueState>();
  private seq = 0;
  private restored = false;

  /** `metrics` counts sends, receives and deletes per queue and minute, as CloudWatch does for SQS. */
  constructor(
    private readonly store: QueueStore,
    private readonly metrics?: QueueMetrics,
  ) {}

  define(config: QueueConfig): void {
    this.queues.set(config.name, { config, ready: [], head: 0, inFlight: new Map(), listeners: new Set() });
  }

  names(): string[] {
    return [...this.queues.keys()];
  }

  has(name: string): boolean {
    return this.queues.has(name);
  }

  /**
   * Restores stored messages after a start: everything becomes visible again
   * (SQS would redeliver after the timeout too). Must finish before the first
   * message is sent: new messages take seqs above any a previous run used.
   */
  async restore(): Promise<number> {
    if (this.restored) throw new Error('queues are already restored');
    const messages = await this.store.loadAll();
    messages.sort((a, b) => a.seq - b.seq);
    const highestStored = messages.length ? messages[messages.length - 1]!.seq : 0;
    for (const message of messages) {
      const state = this.queues.get(message.queue);
      if (state) state.ready.push(message);
    }
    this.seq = (await this.store.startRun(highestStored)) - 1;
    this.restored = true;
    for (const state of this.queues.values()) this.notify(state);
    return messages.length;
  }

  /** Builds the messages to send; `commit` them with `send`. Split so PutEvents can persist all queues in one batch. */
  prepare(queue: string, bodies: readonly string[]): StoredMessage[] {
    // A message sent before the stored ones are back could take the key of an undelivered one.
    if (!this.restored) throw new Error('queues are not restored yet: nothing may be sent before restore() finishes');
    this.state(queue);
    const now = Date.now();
    return bodies.map((body) => ({ id: randomUUID(), queue, seq: ++this.seq, body, sentAt: now, receiveCount: 0 }));
  }

  /** Persists messages (in one write) and then makes them visible. */
  async send(messages: readonly StoredMessage[]): Promise<void> {
    await this.store.write(messages.map((message) => ({ type: 'put', message })));
    const touched = new Set<QueueState>();
    for (const message of messages) {
      const state = this.state(message.queue);
      state.ready.push(message);
      touched.add(state);
    }
    for (const state of touched) {
      this.measure(state, 'NumberOfMessagesSent', messages.filter((m) => m.queue === state.config.name).length);
      this.notify(state);
    }
  }

  /** How many messages of a queue are visible (receivable) now. */
  visibleCount(queue: string): number {
    const state = this.state(queue);
    return state.ready.length - state.head;
  }

  /** Resolves when the queue has visible messages (at once if it has). */
  whenVisible(queue: string, signal?: AbortSignal): Promise<void> {
    const state = this.state(queue);
    if (state.ready.length > state.head) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        state.listeners.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      state.listeners.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Receives up to `max` messages: counts the receive and hides them for the
   * visibility timeout. The count is persisted only when a delivery fails
   * (`fail`), which saves a write per batch on the hot path; after a crash a
   * message may therefore be received once more than counted (at least once).
   */
  async receive(queue: string, max: number, visibilityTimeoutMs?: number): Promise<StoredMessage[]> {
    const state = this.state(queue);
    const hideFor = visibilityTimeoutMs ?? state.config.visibilityTimeoutMs;
    const batch: StoredMessage[] = [];
    while (batch.length < max && state.head < state.ready.length) {
      const message = state.ready[state.head]!;
      state.ready[state.head++] = undefined as unknown as StoredMessage;
      message.receiveCount += 1;
      batch.push(message);
    }
    this.compact(state);
    for (const message of batch)
      state.inFlight.set(message.id, { message, timer: this.hide(state, message.id, hideFor) });
    this.measure(state, 'NumberOfMessagesReceived', batch.length);
    return batch;
  }

  /**
   * SQS ChangeMessageVisibility: hides a received message for another
   * `timeoutMs` from now, or makes it visible again at once (0). The receive
   * it refers to must be the message's latest (`receiveCount`), as a receipt
   * handle is only good for the receive that issued it.
   */
  changeVisibility(queue: string, id: string, receiveCount: number, timeoutMs: number): boolean {
    const state = this.state(queue);
    const entry = state.inFlight.get(id);
    if (!entry || entry.message.receiveCount !== receiveCount) return false;
    clearTimeout(entry.timer);
    if (timeoutMs <= 0) {
      this.reappear(state, id);
      return true;
    }
    entry.timer = this.hide(state, id, timeoutMs);
    return true;
  }

  /** Deletes handled messages. */
  async delete(queue: string, ids: readonly string[]): Promise<void> {
    const state = this.state(queue);
    const ops: StoreOp[] = [];
    for (const id of ids) {
      const entry = state.inFlight.get(id);
      if (!entry) continue;
      clearTimeout(entry.timer);
      state.inFlight.delete(id);
      ops.push({ type: 'del', queue, seq: entry.message.seq });
    }
    await this.store.write(ops);
    this.measure(state, 'NumberOfMessagesDeleted', ops.length);
  }

  /**
   * Records failed deliveries. A message that has used up its receives moves
   * to the dead-letter queue with the error; the others reappear when their
   * visibility timeout ends.
   */
  async fail(queue: string, failures: readonly { id: string; error: string }[]): Promise<string[]> {
    const state = this.state(queue);
    const deadLetter = state.config.deadLetter;
    if (!deadLetter) return [];
    const moved: StoredMessage[] = [];
    const ops: StoreOp[] = [];
    for (const { id, error } of failures) {
      const entry = state.inFlight.get(id);
      if (!entry) continue;
      entry.message.error = error;
      if (entry.message.receiveCount < deadLetter.maxReceiveCount) {
        ops.push({ type: 'put', message: entry.message });
        clearTimeout(entry.timer);
        entry.timer = setTimeout(
          () => this.reappear(state, id),
          state.config.retryDelayMs ?? state.config.visibilityTimeoutMs,
        );
        entry.timer.unref();
        continue;
      }
      clearTimeout(entry.timer);
      state.inFlight.delete(id);
      const parked: StoredMessage = {
        ...entry.message,
        queue: deadLetter.queue,
        seq: ++this.seq,
        sourceQueue: queue,
        deadLetteredAt: Date.now(),
        sourceReceiveCount: entry.message.receiveCount,
      };
      ops.push({ type: 'del', queue, seq: entry.message.seq }, { type: 'put', message: parked });
      moved.push(parked);
    }
    await this.store.write(ops);
    const dlq = moved.length ? this.state(deadLetter.queue) : undefined;
    if (dlq) {
      dlq.ready.push(...moved);
      this.notify(dlq);
    }
    return moved.map((m) => m.id);
  }

  /** Visible messages of a queue without receiving them (for `mx dlq list`). */
  peek(queue: string, max = 1000): StoredMessage[] {
    const state = this.state(queue);
    return [
      ...state.ready.slice(state.head, state.head + max),
      ...[...state.inFlight.values()].map((e) => e.message),
    ].slice(0, max);
  }

  /**
   * Moves every message of a dead-letter queue back to the queue it came
   * from, with a fresh receive count. Messages someone has received from the
   * dead-letter queue (an operator paging through it) move too: nothing
   * consumes a dead-letter queue, so a hidden dead letter is only being looked at.
   */
  async redrive(deadLetterQueue: string): Promise<number> {
    const state = this.state(deadLetterQueue);
    const messages = [...state.ready.slice(state.head), ...[...state.inFlight.values()].map((e) => e.message)];
    const ops: StoreOp[] = [];
    const back: StoredMessage[] = [];
    for (const message of messages) {
      const target = message.sourceQueue;
      if (!target || !this.queues.has(target)) continue;
      const { error: _error, sourceQueue: _source, deadLetteredAt: _at, sourceReceiveCount: _count, ...rest } = message;
      const fresh: StoredMessage = { ...rest, queue: target, seq: ++this.seq, receiveCount: 0 };
      ops.push({ type: 'del', queue: deadLetterQueue, seq: message.seq }, { type: 'put', message: fresh });
      back.push(fresh);
    }
    await this.store.write(ops);
    const movedIds = new Set(back.map((m) => m.id));
    state.ready = state.ready.slice(state.head).filter((m) => !movedIds.has(m.id));
    state.head = 0;
    for (const id of movedIds) {
      const entry = state.inFlight.get(id);
      if (!entry) continue;
      clearTimeout(entry.timer);
      state.inFlight.delete(id);
    }
    for (const message of back) this.state(message.queue).ready.push(message);
    for (const name of new Set(back.map((m) => m.queue))) this.notify(this.state(name));
    return back.length;
  }

  /** When the oldest message still waiting in a queue was sent (undefined: the queue is empty). */
  oldestSentAt(queue: string): number | undefined {
    const state = this.state(queue);
    let oldest: number | undefined;
    for (let i = state.head; i < state.ready.length; i++) oldest = Math.min(oldest ?? Infinity, state.ready[i]!.sentAt);
    for (const { message } of state.inFlight.values()) oldest = Math.min(oldest ?? Infinity, message.sentAt);
    return oldest;
  }

  /** How a queue was defined (its visibility timeout and redrive, for GetQueueAttributes). */
  configOf(queue: string): QueueConfig {
    return this.state(queue).config;
  }

  stats(): QueueStats[] {
    return [...this.queues.values()].map((state) => ({
      name: state.config.name,
      visible: state.ready.length - state.head,
      inFlight: state.inFlight.size,
      ...(state.config.deadLetter ? { deadLetterQueue: state.config.deadLetter.queue } : {}),
    }));
  }

  /** Stops all visibility timers (on shutdown). */
  close(): void {
    for (const state of this.queues.values()) {
      for (const { timer } of state.inFlight.values()) clearTimeout(timer);
      for (const listener of [...state.listeners]) listener();
    }
  }

  /** Counts for the queue's metrics, and samples its oldest message's age once a minute. */
  private measure(
    state: QueueState,
    metric: 'NumberOfMessagesSent' | 'NumberOfMessagesReceived' | 'NumberOfMessagesDeleted',
    count: number,
  ): void {
    if (!this.metrics) return;
    const name = state.config.name;
    this.metrics.count(name, metric, count);
    this.metrics.sampleAge(name, () => {
      const oldest = this.oldestSentAt(name);
      return oldest === undefined ? 0 : Math.max(0, Math.round((Date.now() - oldest) / 1000));
    });
  }

  private hide(state: QueueState, id: string, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.reappear(state, id), ms);
    timer.unref();
    return timer;
  }

  private reappear(state: QueueState, id: string): void {
    const entry = state.inFlight.get(id);
    if (!entry) return;
    state.inFlight.delete(id);
    state.ready.push(entry.message);
    this.notify(state);
  }

  private notify(state: QueueState): void {
    if (state.ready.length <= state.head) return;
    for (const listener of [...state.listeners]) listener();
  }

  private compact(state: QueueState): void {
    if (state.head > 1024 && state.head * 2 > state.ready.length) {
      state.ready = state.ready.slice(state.head);
      state.head = 0;
    }
  }

  private state(name: string): QueueState {
    const state = this.queues.get(name);
    if (!state) throw new QueueNotFoundError(name, this.names());
    return state;
  }
}
