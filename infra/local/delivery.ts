/**
 * The event source mapping of the local cloud: polls a subscription's queue,
 * invokes its handler in-process with a Lambda-shaped SQS batch, deletes what
 * succeeded and fails the rest (ReportBatchItemFailures semantics), so the
 * queue retries them and dead-letters them after maxReceiveCount.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { SubscriptionSpec } from '../topology.ts';
import { lambdaContext, sqsEvent } from './lambda-context.ts';
import type { StoredMessage } from './queue-store.ts';
import type { Queues } from './queues.ts';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface DeliveryOptions {
  /** The subscription's name and delivery settings (from the template's queue, event source mapping and function). */
  readonly spec: Pick<SubscriptionSpec, 'name' | 'delivery'>;
  readonly queue: string;
  readonly queueArn: string;
  readonly region: string;
  readonly handler: SqsHandler;
  readonly queues: Queues;
  /** Batches in flight at once (Lambda would scale out; here it bounds memory). */
  readonly concurrency: number;
  readonly log: (message: string) => void;
  /** The batching window in ms (default: the subscription's, as Lambda applies it; tests pass 0 to deliver at once). */
  readonly batchingWindowMs?: number;
  /** Called after a batch's successful messages are deleted (their handler's writes are committed). */
  readonly onDelivered?: (subscription: string, messages: readonly StoredMessage[]) => void;
}

export interface DeliveryStats {
  invocations: number;
  delivered: number;
  failed: number;
  deadLettered: number;
}

/** How often a filling batch looks for more messages. */
const BATCH_POLL_MS = 10;

export class Delivery {
  readonly stats: DeliveryStats = { invocations: 0, delivered: 0, failed: 0, deadLettered: 0 };
  private readonly abort = new AbortController();
  private readonly workers: Promise<void>[] = [];

  private handler: SqsHandler;

  constructor(private readonly options: DeliveryOptions) {
    this.handler = options.handler;
  }

  /** Re-points delivery at another instance of the handler (a view switched to a rebuilt table). */
  setHandler(handler: SqsHandler): void {
    this.handler = handler;
  }

  start(): void {
    for (let i = 0; i < this.options.concurrency; i++) this.workers.push(this.work());
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.workers);
  }

  private async work(): Promise<void> {
    const { queues, queue, spec } = this.options;
    while (!this.abort.signal.aborted) {
      await queues.whenVisible(queue, this.abort.signal);
      if (this.abort.signal.aborted) return;
      await this.fillBatch();
      const batch = await queues.receive(queue, spec.delivery.batchSize);
      if (batch.length === 0) continue;
      const failures = await this.invoke(batch);
      const failedIds = new Set(failures.keys());
      const succeeded = batch.filter((m) => !failedIds.has(m.id));
      await queues.delete(
        queue,
        succeeded.map((m) => m.id),
      );
      this.options.onDelivered?.(spec.name, succeeded);
      if (failures.size > 0) {
        const moved = await queues.fail(
          queue,
          [...failures].map(([id, error]) => ({ id, error })),
        );
        this.stats.failed += failures.size;
        this.stats.deadLettered += moved.length;
        if (moved.length)
          this.options.log(
            `${spec.name}: ${moved.length} message(s) dead-lettered after ${spec.delivery.maxReceiveCount} receives`,
          );
      }
      this.stats.delivered += batch.length - failures.size;
    }
  }

  /**
   * Lambda's batching window: once a message is there, wait until a full
   * batch is, or the window has passed, before invoking. Fewer, fuller batches
   * are what make a projector write in bulk.
   * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#sqs-batching-window
   */
  private async fillBatch(): Promise<void> {
    const { queues, queue, spec } = this.options;
    const windowMs = this.options.batchingWindowMs ?? spec.delivery.maxBatchingWindowSeconds * 1000;
    const deadline = Date.now() + windowMs;
    while (
      Date.now() < deadline &&
      queues.visibleCount(queue) < spec.delivery.batchSize &&
      !this.abort.signal.aborted
    ) {
      await new Promise((r) => setTimeout(r, Math.min(BATCH_POLL_MS, deadline - Date.now())));
    }
  }

  /** Returns the failed message ids with the reason each failed. */
  private async invoke(batch: readonly StoredMessage[]): Promise<Map<string, string>> {
    const { spec, queueArn, region } = this.options;
    const handler = this.handler;
    const timeoutMs = spec.delivery.handlerTimeoutSeconds * 1000;
    const event = sqsEvent(batch, queueArn, region);
    const reasons = new Map<string, string>();
    const context = lambdaContext(spec.name, region, timeoutMs, reasons);
    this.stats.invocations += 1;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Task timed out after ${spec.delivery.handlerTimeoutSeconds} seconds`)),
          timeoutMs,
        );
      });
      const response = await Promise.race([Promise.resolve(handler(event, context)), timeout]);
      const failures = new Map<string, string>();
      for (const item of response?.batchItemFailures ?? []) {
        failures.set(
          item.itemIdentifier,
          reasons.get(item.itemIdentifier) ?? `reported as failed by ${spec.name} (batchItemFailures)`,
        );
      }
      return failures;
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.options.log(`${spec.name}: invocation failed: ${reason}`);
      return new Map(batch.map((m) => [m.id, reason]));
    } finally {
      clearTimeout(timer);
    }
  }
}
