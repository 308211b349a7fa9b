import { describe, expect, it } from 'vitest';
import type { CounterDelta } from '../../functions/domain/aggregates.ts';
import type { PlannedWrite, StoredRecord } from '../../functions/projector/plan.ts';
import { chunkWrites } from '../../functions/projector/store.ts';

const write = (n: number, deltas: CounterDelta[]): PlannedWrite => ({
  record: { pk: `p#${n}`, sk: 'offence#1', kind: 'offence', version: 1, state: {}, events: [] } as StoredRecord,
  expectedVersion: 0,
  messageIds: new Set([`m${n}`]),
  deltas,
});
const counter = (sk: string, name: string): CounterDelta => ({
  pk: 'agg#offences',
  sk,
  counter: name,
  amount: 1,
  sharded: true,
});

describe('transactions of a batch', () => {
  it('keep every write whole and in order, within 100 actions (records plus the bucket items they move)', () => {
    // Prepare: 250 offences over 30 days, each moving its day's and its month's bucket.
    const writes = Array.from({ length: 250 }, (_, n) =>
      write(n, [
        counter(`d#2021-05-${String((n % 30) + 1).padStart(2, '0')}`, 'offences'),
        counter('m#2021-05', 'offences'),
      ]),
    );
    // Act
    const chunks = chunkWrites(writes, 0);
    // Assess
    expect(chunks.flat()).toEqual(writes);
    for (const chunk of chunks) {
      const items = new Set(chunk.flatMap((w) => w.deltas.map((d) => `${d.pk} ${d.sk}`)));
      expect(chunk.length + items.size).toBeLessThanOrEqual(100);
    }
    expect(chunks.length).toBeLessThan(5);
  });

  it('start a new transaction before one bucket item would carry too many counters for one update expression', () => {
    const writes = Array.from({ length: 60 }, (_, n) => write(n, [counter('m#2021-05', `byCitizenship:C${n}`)]));
    const chunks = chunkWrites(writes, 0);
    expect(chunks.map((c) => c.length)).toEqual([40, 20]);
  });
});
