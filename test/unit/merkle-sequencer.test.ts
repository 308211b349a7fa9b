import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { certainlyNotWritten, claimUsable, WRITE_DEADLINE_MS } from '../../functions/merkle/sequencer.ts';

const refused = (status: number, attempts: number) =>
  Object.assign(new Error('refused'), { $metadata: { httpStatusCode: status, attempts } });

describe('leaf sequencing', () => {
  it('voids an index at once only when DynamoDB refused the write\u2019s only attempt', () => {
    expect(certainlyNotWritten(refused(400, 1))).toBe(true);
    expect(
      certainlyNotWritten(
        new ProvisionedThroughputExceededException({
          message: 'slow down',
          $metadata: { httpStatusCode: 400, attempts: 1 },
        }),
      ),
    ).toBe(true);
    // After a retry an earlier attempt may have been stored (its answer lost); a 5xx or a
    // timeout may have been applied.
    expect(certainlyNotWritten(refused(400, 2))).toBe(false);
    expect(certainlyNotWritten(refused(500, 1))).toBe(false);
    expect(certainlyNotWritten(new Error('socket hang up'))).toBe(false);
    // A failed condition is read back by the caller: it may be this write's own earlier attempt.
    expect(
      certainlyNotWritten(
        new ConditionalCheckFailedException({ message: 'taken', $metadata: { httpStatusCode: 400, attempts: 1 } }),
      ),
    ).toBe(false);
  });

  it('lets a claim start writes only within its deadline', () => {
    const claim = { first: 10, count: 3, at: 1_000_000 };
    expect(claimUsable(claim, 1_000_000 + WRITE_DEADLINE_MS - 1)).toBe(true);
    expect(claimUsable(claim, 1_000_000 + WRITE_DEADLINE_MS)).toBe(false);
  });
});
