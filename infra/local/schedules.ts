/**
 * The template's scheduled rules (`ScheduleExpression`) on the local cloud:
 * each target function is invoked with EventBridge's `Scheduled Event` when
 * the schedule fires (UTC), and on demand (`trigger`, for tests and mx). A
 * failed run is logged; on AWS the target's retry policy and dead-letter
 * queue take it, locally the next firing runs it again.
 */
import { randomUUID } from 'node:crypto';
import { nextFiring } from './schedule-expression.ts';

/** The longest delay setTimeout keeps (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ScheduledTarget {
  readonly name: string;
  readonly expression: string;
  readonly ruleArn: string;
  /** Invokes the rule's target functions with the event. */
  readonly invoke: (event: ScheduledEvent) => Promise<void>;
}

export interface ScheduledEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Scheduled Event';
  readonly source: 'aws.events';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, never>;
}

export class LocalSchedules {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly targets: readonly ScheduledTarget[],
    private readonly account: string,
    private readonly region: string,
    private readonly log: (message: string) => void,
  ) {}

  get names(): string[] {
    return this.targets.map((t) => t.name);
  }

  /** Arms every schedule (a cloud started with schedules off only runs them on `trigger`). */
  start(now = new Date()): void {
    for (const target of this.targets) this.arm(target, now);
  }

  /** Runs a schedule's targets now, as if it fired at `time`; resolves when they are done, rejects if one failed. */
  async trigger(name: string, time = new Date()): Promise<void> {
    const target = this.targets.find((t) => t.name === name);
    if (!target) throw new Error(`no schedule ${name}; the template schedules ${this.names.join(', ') || 'nothing'}`);
    await target.invoke({
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.account,
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.region,
      resources: [target.ruleArn],
      detail: {},
    });
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(target: ScheduledTarget, after: Date): void {
    if (this.stopped) return;
    const at = nextFiring(target.expression, after);
    const delay = at.getTime() - Date.now();
    if (delay > MAX_TIMER_MS) {
      // Node fires a longer timeout at once; wait in steps instead.
      const timer = setTimeout(() => this.arm(target, after), MAX_TIMER_MS);
      timer.unref();
      this.timers.set(target.name, timer);
      return;
    }
    const timer = setTimeout(
      () => {
        void this.trigger(target.name, at)
          .catch((error: unknown) =>
            this.log(`schedule ${target.name}: run failed: ${(error as Error)?.stack ?? String(error)}`),
          )
          .finally(() => this.arm(target, at));
      },
      Math.max(0, delay),
    );
    // A schedule never keeps the process alive on its own.
    timer.unref();
    this.timers.set(target.name, timer);
  }
}
