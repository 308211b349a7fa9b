/**
 * The per-minute SQS metrics the local queues keep, as CloudWatch keeps them
 * for every queue on AWS (namespace AWS/SQS, dimension QueueName): how many
 * messages were sent, received and deleted each minute, and the age of the
 * oldest waiting message. ./cloudwatch.ts answers GetMetricData from them.
 *
 * Each queue and metric is a ring of one slot per minute, so memory stays
 * bounded however long the cloud runs: a day of minutes (what the exchange
 * API's health reads) plus an hour of slack. Older minutes are overwritten.
 * The counts start at zero with each start of the cloud (nothing persists).
 */

/** The SQS metrics kept, with the one statistic each is read with (functions/exchange-api/metrics.ts). */
export const QUEUE_METRICS = {
  NumberOfMessagesSent: 'Sum',
  NumberOfMessagesReceived: 'Sum',
  NumberOfMessagesDeleted: 'Sum',
  ApproximateAgeOfOldestMessage: 'Maximum',
} as const;
export type QueueMetricName = keyof typeof QUEUE_METRICS;

/** Minutes each ring holds: 24 hours, plus an hour so a day-long window never reads an overwritten slot. */
export const RING_MINUTES = 25 * 60;

export const minuteOf = (ms: number) => Math.floor(ms / 60_000);

/** One value per minute for the last RING_MINUTES minutes; a slot remembers which minute it holds. */
class MinuteRing {
  private readonly minutes = new Float64Array(RING_MINUTES).fill(-1);
  private readonly values = new Float64Array(RING_MINUTES);

  add(minute: number, value: number, combine: (a: number, b: number) => number): void {
    const slot = minute % RING_MINUTES;
    if (this.minutes[slot] === minute) this.values[slot] = combine(this.values[slot]!, value);
    else {
      this.minutes[slot] = minute;
      this.values[slot] = value;
    }
  }

  has(minute: number): boolean {
    return this.minutes[minute % RING_MINUTES] === minute;
  }

  /** The recorded minutes in [from, to), oldest first, each with its value. */
  between(from: number, to: number, latest: number): [minute: number, value: number][] {
    const out: [number, number][] = [];
    for (let m = Math.max(from, latest - RING_MINUTES + 1); m < to && m <= latest; m++) {
      const slot = m % RING_MINUTES;
      if (this.minutes[slot] === m) out.push([m, this.values[slot]!]);
    }
    return out;
  }
}

const add = (a: number, b: number) => a + b;

export class QueueMetrics {
  private readonly rings = new Map<string, MinuteRing>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Adds `count` to a counting metric (Sent, Received, Deleted) in the current minute. */
  count(queue: string, metric: Exclude<QueueMetricName, 'ApproximateAgeOfOldestMessage'>, count: number): void {
    if (count > 0) this.ring(queue, metric).add(minuteOf(this.now()), count, add);
  }

  /**
   * The oldest message's age, sampled once a minute per queue while the queue is used (SQS samples it once a
   * minute too). `ageSeconds` is asked only when this minute has no sample yet: finding the oldest message walks
   * the queue, which the hot path must not do per message.
   */
  sampleAge(queue: string, ageSeconds: () => number): void {
    const ring = this.ring(queue, 'ApproximateAgeOfOldestMessage');
    const minute = minuteOf(this.now());
    if (!ring.has(minute)) ring.add(minute, ageSeconds(), Math.max);
  }

  /**
   * A metric's minutes in [fromMs, toMs), oldest first (empty for a queue never used): the datapoints CloudWatch
   * would aggregate. A minute is in the window when it starts in it.
   */
  minutes(queue: string, metric: QueueMetricName, fromMs: number, toMs: number): [minute: number, value: number][] {
    const ring = this.rings.get(`${metric}\u0000${queue}`);
    if (!ring) return [];
    return ring.between(Math.ceil(fromMs / 60_000), Math.ceil(toMs / 60_000), minuteOf(this.now()));
  }

  private ring(queue: string, metric: QueueMetricName): MinuteRing {
    const key = `${metric}\u0000${queue}`;
    let ring = this.rings.get(key);
    if (!ring) {
      ring = new MinuteRing();
      this.rings.set(key, ring);
    }
    return ring;
  }
}
