import { describe, expect, it } from 'vitest';
import {
  COUNTS_WINDOW_HOURS,
  healthFigures,
  healthWindows,
  RECENT_WINDOW_MINUTES,
} from '../../functions/exchange-api/metrics.ts';

const queues = [
  { subscription: 'berkut', queueName: 'Stack-SubberkutQueue-A' },
  { subscription: 'view-interior', queueName: 'Stack-SubviewinteriorQueue-B' },
];

describe('health metric windows', () => {
  it(
    'asks for hourly sums of deletes and receives over a day, and the last minutes of arrivals and ages, on whole ' +
      'minutes',
    () => {
      const windows = healthWindows(queues, 'Stack-SubexchangelogQueue-L', new Date('2026-11-29T10:15:42.500Z'));
      expect(windows.counts.to.toISOString()).toBe('2026-11-29T10:15:00.000Z');
      expect(windows.counts.from.toISOString()).toBe(
        new Date(Date.parse('2026-11-29T10:15:00Z') - COUNTS_WINDOW_HOURS * 3_600_000).toISOString(),
      );
      expect(windows.recent.from.toISOString()).toBe(
        new Date(Date.parse('2026-11-29T10:15:00Z') - RECENT_WINDOW_MINUTES * 60_000).toISOString(),
      );
      expect(windows.counts.requests).toEqual([
        {
          id: 'deleted0',
          queueName: 'Stack-SubberkutQueue-A',
          metricName: 'NumberOfMessagesDeleted',
          stat: 'Sum',
          periodSeconds: 3600,
        },
        {
          id: 'received0',
          queueName: 'Stack-SubberkutQueue-A',
          metricName: 'NumberOfMessagesReceived',
          stat: 'Sum',
          periodSeconds: 3600,
        },
        {
          id: 'deleted1',
          queueName: 'Stack-SubviewinteriorQueue-B',
          metricName: 'NumberOfMessagesDeleted',
          stat: 'Sum',
          periodSeconds: 3600,
        },
        {
          id: 'received1',
          queueName: 'Stack-SubviewinteriorQueue-B',
          metricName: 'NumberOfMessagesReceived',
          stat: 'Sum',
          periodSeconds: 3600,
        },
      ]);
      expect(windows.recent.requests).toEqual([
        {
          id: 'sent',
          queueName: 'Stack-SubexchangelogQueue-L',
          metricName: 'NumberOfMessagesSent',
          stat: 'Sum',
          periodSeconds: 60,
        },
        {
          id: 'age0',
          queueName: 'Stack-SubberkutQueue-A',
          metricName: 'ApproximateAgeOfOldestMessage',
          stat: 'Maximum',
          periodSeconds: 60,
        },
        {
          id: 'age1',
          queueName: 'Stack-SubviewinteriorQueue-B',
          metricName: 'ApproximateAgeOfOldestMessage',
          stat: 'Maximum',
          periodSeconds: 60,
        },
      ]);
      // CloudWatch ids must start with a lower-case letter and hold only letters, digits and underscores.
      for (const r of [...windows.counts.requests, ...windows.recent.requests])
        expect(r.id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
    },
  );
});

describe('health figures', () => {
  it('counts deletes as deliveries and receives that ended in no delete as failures, per queue', () => {
    const counts = new Map([
      ['deleted0', [10, 20, 30]],
      ['received0', [12, 20, 33]],
      ['deleted1', [5]],
      ['received1', [5]],
    ]);
    const recent = new Map([
      ['sent', [60, 30, 0, 10]],
      ['age0', [42, 7]],
    ]);
    expect(healthFigures(2, counts, recent)).toEqual({
      queues: [
        { delivered: 60, failed: 5, oldestAgeSeconds: 42 },
        { delivered: 5, failed: 0 },
      ],
      eventsPerMinute: 25,
    });
  });

  it('reads no datapoints as nothing happened, and never reports negative failures', () => {
    // Deletes can outnumber receives inside a window whose receives began before it.
    expect(
      healthFigures(
        1,
        new Map([
          ['deleted0', [4]],
          ['received0', [3]],
        ]),
        new Map(),
      ),
    ).toEqual({ queues: [{ delivered: 4, failed: 0 }], eventsPerMinute: 0 });
    expect(healthFigures(1, new Map(), new Map())).toEqual({
      queues: [{ delivered: 0, failed: 0 }],
      eventsPerMinute: 0,
    });
  });
});
