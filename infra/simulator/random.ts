import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** A seeded random source: the same seed always gives the same simulation. */
export class Random {
  private readonly rng;

  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed);
  }

  int(min: number, max: number): number {
    return uniformInt(this.rng, min, max);
  }

  chance(probability: number): boolean {
    return this.int(0, 999_999) < probability * 1_000_000;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** A day of `year` (or between two ISO dates), as YYYY-MM-DD. */
  dayBetween(from: string, to: string): string {
    const start = Date.parse(from);
    const days = Math.round((Date.parse(to) - start) / 86_400_000);
    return new Date(start + this.int(0, Math.max(0, days)) * 86_400_000).toISOString().slice(0, 10);
  }

  time(day: string): string {
    return `${day}T${String(this.int(0, 23)).padStart(2, '0')}:${String(this.int(0, 59)).padStart(2, '0')}:00Z`;
  }
}

/** Splits `total` over shares so the parts are whole numbers that add up to `total` (largest remainder). */
export function apportion<K extends string>(total: number, shares: Readonly<Record<K, number>>): Record<K, number> {
  const keys = Object.keys(shares) as K[];
  const sum = keys.reduce((s, k) => s + shares[k], 0);
  const exact = keys.map((k) => (total * shares[k]) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((s, p) => s + p, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    parts[i]! += 1;
  }
  return Object.fromEntries(keys.map((k, i) => [k, parts[i]!])) as Record<K, number>;
}

export const addDays = (day: string, days: number) =>
  new Date(Date.parse(day.slice(0, 10)) + days * 86_400_000).toISOString().slice(0, 10);
