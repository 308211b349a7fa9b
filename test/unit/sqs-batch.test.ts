/**
 * SQS partial batch responses through Powertools' BatchProcessor, with the
 * whole batch handed to one processor call: each failed message is reported
 * by its own id with its own reason (the local cloud reads the reasons
 * through FAILURE_REASONS to park dead letters), the rest are deleted.
 */
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type DeliveredEvent, FAILURE_REASONS, sqsBatchHandler } from '../../functions/lib/sqs-batch.ts';

const record = (messageId: string, body: string) =>
  ({ messageId, body, attributes: { ApproximateReceiveCount: '1' } }) as unknown as SQSRecord;
const busEvent = (id: string) =>
  JSON.stringify({
    version: '0',
    id,
    source: 'test',
    'detail-type': 'Probe',
    time: '2026-01-01T00:00:00Z',
    detail: {},
  });

function invocation() {
  const reasons = new Map<string, string>();
  return {
    reasons,
    context: { functionName: 'probe', awsRequestId: '1', [FAILURE_REASONS]: reasons } as unknown as Context,
  };
}

describe('an SQS batch handler', () => {
  it('hands the whole batch to one processor call and reports each failure by message, with its reason', async () => {
    const calls: string[][] = [];
    const handler = sqsBatchHandler(async (delivered: readonly DeliveredEvent[]) => {
      calls.push(delivered.map((d) => d.messageId));
      return [{ messageId: 'm3', reason: 'cannot apply m3: its registry row is locked' }];
    });
    const { reasons, context } = invocation();
    const event: SQSEvent = {
      Records: [
        record('m1', busEvent('e1')),
        record('m2', '{not json'),
        record('m3', busEvent('e3')),
        record('m4', busEvent('e4')),
      ],
    };
    const response = await handler(event, context);
    expect(calls).toEqual([['m1', 'm3', 'm4']]);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m2', 'm3']);
    expect(Object.fromEntries(reasons)).toEqual({
      m2: 'SQS message m2 is not JSON',
      m3: 'cannot apply m3: its registry row is locked',
    });
  });

  it(
    'returns every message, each saying why, when the processor ' +
      'itself fails; never throws for a fully failed batch',
    async () => {
      const handler = sqsBatchHandler(async () => {
        throw new Error('DynamoDB unavailable');
      });
      const { reasons, context } = invocation();
      const response = await handler({ Records: [record('a', busEvent('x')), record('b', busEvent('y'))] }, context);
      expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['a', 'b']);
      expect([...reasons.values()]).toEqual([
        'the batch failed: Error: DynamoDB unavailable',
        'the batch failed: Error: DynamoDB unavailable',
      ]);
    },
  );

  it(
    'deletes everything when nothing fails, ' + 'and does not call the processor for a batch of unreadable messages',
    async () => {
      let called = 0;
      const handler = sqsBatchHandler(async () => {
        called += 1;
        return [];
      });
      expect(await handler({ Records: [record('ok', busEvent('z'))] }, invocation().context)).toEqual({
        batchItemFailures: [],
      });
      expect((await handler({ Records: [record('bad', 'x')] }, invocation().context)).batchItemFailures).toEqual([
        { itemIdentifier: 'bad' },
      ]);
      expect(called).toBe(1);
    },
  );
});
