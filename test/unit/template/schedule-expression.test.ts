import { describe, expect, it } from 'vitest';
import { nextFiring } from '../../../infra/local/schedule-expression.ts';

const at = (iso: string) => new Date(iso);

describe('EventBridge schedule expressions', () => {
  it('fires the nightly overstay check at 01:30 UTC, the next night once it has passed', () => {
    expect(nextFiring('cron(30 1 * * ? *)', at('2026-11-30T00:10:00Z')).toISOString()).toBe('2026-11-30T01:30:00.000Z');
    expect(nextFiring('cron(30 1 * * ? *)', at('2026-11-30T01:30:00Z')).toISOString()).toBe('2026-12-01T01:30:00.000Z');
    expect(nextFiring('cron(30 1 * * ? *)', at('2026-12-31T23:59:00Z')).toISOString()).toBe('2027-01-01T01:30:00.000Z');
  });

  it('reads lists, ranges and steps, and rates', () => {
    expect(nextFiring('cron(0/15 9-17 1,15 * ? *)', at('2026-11-30T10:00:00Z')).toISOString()).toBe(
      '2026-12-01T09:00:00.000Z',
    );
    expect(nextFiring('cron(0/15 9-17 * * ? *)', at('2026-11-30T10:01:00Z')).toISOString()).toBe(
      '2026-11-30T10:15:00.000Z',
    );
    expect(nextFiring('rate(1 minute)', at('2026-11-30T10:00:00Z')).toISOString()).toBe('2026-11-30T10:01:00.000Z');
  });

  it('refuses what it would mistime, naming the field', () => {
    expect(() => nextFiring('cron(0 1 ? * MON *)', at('2026-11-30T00:00:00Z'))).toThrow(/day-of-week field MON/);
    expect(() => nextFiring('cron(0 1 * * ? 2027)', at('2026-11-30T00:00:00Z'))).toThrow(/year field 2027/);
    expect(() => nextFiring('cron(61 1 * * ? *)', at('2026-11-30T00:00:00Z'))).toThrow(/minutes field "61"/);
    expect(() => nextFiring('every day', at('2026-11-30T00:00:00Z'))).toThrow(/neither rate/);
  });
});
