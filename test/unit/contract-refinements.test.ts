import { describe, expect, it } from 'vitest';
import { WorkPatentIssued } from '../../schemas/events/interior.ts';
import { validateDetail } from '../../schemas/validate.ts';

const meta = {
  eventId: '6f1c0b1e-0d2a-4d8e-9a43-2b5e3b1f4c11',
  schemaVersion: 1,
  occurredAt: '2021-03-01T09:30:00Z',
  correlationId: '6f1c0b1e-0d2a-4d8e-9a43-2b5e3b1f4c12',
};
const patent = (data: Record<string, unknown>) =>
  validateDetail(WorkPatentIssued.source, WorkPatentIssued.detailType, {
    meta,
    data: { ...WorkPatentIssued.example, ...data },
  });

describe('a refinement across fields meets fields that already failed', () => {
  // The patent's "no longer than the months paid" rule computed a date from paidMonths and validFrom even when they
  // were not a number and a date: Date#toISOString threw, and validateDetail with it (a RangeError for the exchange
  // log's "cannot build a log row" instead of a contract breach naming the field).
  it.each([
    ['paidMonths', 'x'],
    ['paidMonths', null],
    ['paidMonths', 1e9],
    ['validFrom', 'x'],
    ['validFrom', 'A'.repeat(300)],
  ])('a patent with %s = %j is refused, naming the field, not thrown', (field, value) => {
    const result = patent({ [field]: value });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path)).toContain(`detail.data.${field}`);
  });

  it('still holds the patent to the months paid', () => {
    expect(patent({}).ok).toBe(true);
    const result = patent({ validUntil: '2099-01-01' });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.issues).toContainEqual({
        path: 'detail.data.validUntil',
        message: expect.stringMatching(/no longer than the months paid/),
      });
  });
});
