/**
 * Issue 9, item 5: one TestEventPattern call with a wildcard such as "*a*a*a*a*b"
 * against 200 × "a" blocked the whole cloud for tens of seconds (a backtracking
 * RegExp: time grows with the fifth power of the value's length). Asserted by
 * behaviour, never by a wall-clock threshold:
 * - the attack, at 10,000 characters, answers inside a worker thread within a
 *   timeout that is a million times what the fixed matcher needs and nowhere
 *   near what a backtracking one needs (200 characters took it 30 s);
 * - the wildcard matcher counts its comparisons, and the count is at most
 *   twice the value's length plus the pattern's, at every length.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { compileWildcard, type StepMeter } from '../../infra/local/wildcard.ts';

interface Case {
  name: string;
  pattern: unknown;
  event: unknown;
  expected: boolean;
}

const MATCHER = new URL('../../infra/local/event-pattern.ts', import.meta.url).href;
const WORKER_TIMEOUT_MS = 30_000;

/** Evaluates every case in a worker thread; rejects, and stops the worker, if they are not all answered in time. */
async function matchInWorker(cases: readonly Case[]): Promise<boolean[]> {
  const worker = new Worker(new URL('../fixtures/pattern-worker.mjs', import.meta.url), {
    workerData: { matcher: MATCHER, cases: cases.map(({ pattern, event }) => ({ pattern, event })) },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<boolean[]>((resolve, reject) => {
      const results: boolean[] = [];
      timer = setTimeout(
        () =>
          reject(new Error(`only ${results.length} of ${cases.length} cases answered within ${WORKER_TIMEOUT_MS} ms`)),
        WORKER_TIMEOUT_MS,
      );
      worker.on('message', (result: boolean) => {
        results.push(result);
        if (results.length === cases.length) resolve(results);
      });
      worker.once('error', reject);
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

const ATTACK = '*a*a*a*a*b';
const LONG = 'a'.repeat(10_000);
const detail = (fields: Record<string, unknown>) => ({
  source: 'kz.interior.berkut',
  'detail-type': 'StayRegistered',
  detail: fields,
});

const ATTACKS: readonly Case[] = [
  {
    name: 'wildcard, no match',
    pattern: { detail: { x: [{ wildcard: ATTACK }] } },
    event: detail({ x: LONG }),
    expected: false,
  },
  {
    name: 'wildcard, match at the very end',
    pattern: { detail: { x: [{ wildcard: ATTACK }] } },
    event: detail({ x: `${LONG}b` }),
    expected: true,
  },
  // With a trailing star (and so one "a" less: 5 stars at most) nothing refuses early: the
  // whole value is scanned for "b".
  {
    name: 'wildcard that must scan the whole value',
    pattern: { detail: { x: [{ wildcard: '*a*a*a*b*' }] } },
    event: detail({ x: LONG }),
    expected: false,
  },
  {
    name: 'wildcard over an array of long values',
    pattern: { detail: { x: [{ wildcard: ATTACK }] } },
    event: detail({ x: Array.from({ length: 20 }, () => LONG) }),
    expected: false,
  },
  {
    name: '$or of two attacks',
    pattern: { $or: [{ detail: { x: [{ wildcard: ATTACK }] } }, { detail: { y: [{ wildcard: '*a*a*a*a*c' }] } }] },
    event: detail({ x: LONG, y: LONG }),
    expected: false,
  },
  {
    name: 'anything-but wildcard',
    pattern: { detail: { x: [{ 'anything-but': { wildcard: ATTACK } }] } },
    event: detail({ x: LONG }),
    expected: true,
  },
  {
    name: 'anything-but wildcard list',
    pattern: { detail: { x: [{ 'anything-but': { wildcard: [ATTACK, '*a*a*a*a*c', 'a*a*a*a*a'] } }] } },
    event: detail({ x: LONG }),
    expected: false,
  },
  {
    name: 'TestEventPattern-style JSON text, with prefix and suffix ignoring case beside the wildcard',
    pattern: JSON.stringify({
      detail: {
        x: [
          { wildcard: ATTACK },
          { prefix: { 'equals-ignore-case': `${LONG}B` } },
          { suffix: { 'equals-ignore-case': `B${LONG}` } },
        ],
      },
    }),
    event: detail({ x: LONG }),
    expected: false,
  },
];

describe('event patterns: wildcard matching in linear time', () => {
  it(
    'answers the wildcard attacks at 10,000 characters (a backtracking matcher never would)',
    async () => {
      // Prepare / Act
      const results = await matchInWorker(ATTACKS);
      // Assess
      expect(Object.fromEntries(ATTACKS.map((c, i) => [c.name, results[i]]))).toEqual(
        Object.fromEntries(ATTACKS.map((c) => [c.name, c.expected])),
      );
    },
    WORKER_TIMEOUT_MS * 2,
  );

  it.each([
    ['*a*a*a*a*b', 'a'],
    ['*a*a*a*b*', 'a'],
    ['*aaaaaaaab*c', 'a'],
    ['ab*abab*ababab*abababab*b', 'ab'],
    ['*😀😀x*', '😀'],
  ])('compares at most 2 × (value + pattern) code units for %s against a repeated %s', (pattern, unit) => {
    const wildcard = compileWildcard(pattern);
    for (const repeats of [1_000, 10_000, 100_000]) {
      const value = unit.repeat(repeats);
      const meter: StepMeter = { steps: 0 };
      wildcard.matches(value, meter);
      expect(meter.steps).toBeGreaterThan(0);
      expect(meter.steps).toBeLessThanOrEqual(2 * (value.length + pattern.length));
    }
  });
});
