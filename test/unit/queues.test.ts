import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QueueStore } from '../../infra/local/queue-store.ts';
import { Queues } from '../../infra/local/queues.ts';

const dirs: string[] = [];
const open: QueueStore[] = [];
afterEach(async () => {
  for (const store of open.splice(0)) await store.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mx-queues-'));
  dirs.push(dir);
  return dir;
}

/** A fresh process's view of a data dir: open the store, define the queues, restore. */
async function start(dir: string | undefined, restore = true): Promise<{ store: QueueStore; queues: Queues }> {
  const store = await QueueStore.open(dir);
  open.push(store);
  const queues = new Queues(store);
  queues.define({
    name: 'q',
    visibilityTimeoutMs: 60_000,
    retryDelayMs: 60_000,
    deadLetter: { queue: 'q-dlq', maxReceiveCount: 2 },
  });
  queues.define({ name: 'q-dlq', visibilityTimeoutMs: 60_000 });
  if (restore) await queues.restore();
  return { store, queues };
}

async function stop(store: QueueStore): Promise<void> {
  open.splice(open.indexOf(store), 1);
  await store.close();
}

async function send(queues: Queues, queue: string, ...bodies: string[]) {
  const messages = queues.prepare(queue, bodies);
  await queues.send(messages);
  return messages;
}

describe('Queues restore and sequence keys', () => {
  it('never hands out a seq a previous run used, even when the highest one was delivered and deleted', async () => {
    // Prepare: a run sends three messages and delivers the last (highest seq) one.
    const dir = await dataDir();
    const first = await start(dir);
    const sent = await send(first.queues, 'q', 'a', 'b', 'c');
    const received = await first.queues.receive('q', 3);
    await first.queues.delete('q', [received[2]!.id]);
    await stop(first.store);

    // Act: the next run restores the two undelivered ones and sends a new message.
    const second = await start(dir);
    const [fresh] = await send(second.queues, 'q', 'd');

    // Assess: the new seq is above every seq ever used, so no key can be shared.
    expect(fresh!.seq).toBeGreaterThan(Math.max(...sent.map((m) => m.seq)));
    await stop(second.store);
    const third = await start(dir);
    expect((await third.queues.receive('q', 10)).map((m) => m.body)).toEqual(['a', 'b', 'd']);
  });

  it('keeps every undelivered message when a restarted run sends at once, across another restart', async () => {
    const dir = await dataDir();
    const first = await start(dir);
    await send(first.queues, 'q', ...Array.from({ length: 50 }, (_, i) => `old-${i}`));
    await stop(first.store);

    const second = await start(dir);
    await send(second.queues, 'q', ...Array.from({ length: 50 }, (_, i) => `new-${i}`));
    await stop(second.store);

    const third = await start(dir);
    const bodies = (await third.queues.receive('q', 1000)).map((m) => m.body);
    expect(bodies).toEqual([
      ...Array.from({ length: 50 }, (_, i) => `old-${i}`),
      ...Array.from({ length: 50 }, (_, i) => `new-${i}`),
    ]);
  });

  it('refuses to send anything before the stored messages are restored', async () => {
    const { queues } = await start(undefined, false);
    expect(() => queues.prepare('q', ['too early'])).toThrow(/not restored yet/);
    await queues.restore();
    expect(queues.prepare('q', ['now'])).toHaveLength(1);
  });

  it('persists the seq reservation before the messages that use it', async () => {
    const dir = await dataDir();
    const first = await start(dir);
    const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => send(first.queues, 'q', `m${i}`)));
    await first.queues.delete(
      'q',
      (await first.queues.receive('q', 100)).map((m) => m.id),
    );
    await stop(first.store);
    const reopened = await QueueStore.open(dir);
    open.push(reopened);
    expect(reopened.firstUnusedSeq).toBeGreaterThan(Math.max(...sent.flat().map((m) => m.seq)));
  });
});

describe('Queues visibility and dead letters', () => {
  it('hides received messages for the requested time and shows them again on ChangeMessageVisibility 0', async () => {
    const { queues } = await start(undefined);
    await send(queues, 'q', 'a', 'b');
    const [a] = await queues.receive('q', 1, 60_000);
    expect(queues.stats().find((s) => s.name === 'q')).toMatchObject({ visible: 1, inFlight: 1 });
    expect(queues.changeVisibility('q', a!.id, a!.receiveCount + 1, 0)).toBe(false); // a receipt from another receive
    expect(queues.changeVisibility('q', a!.id, a!.receiveCount, 0)).toBe(true);
    expect(queues.stats().find((s) => s.name === 'q')).toMatchObject({ visible: 2, inFlight: 0 });
    expect(queues.changeVisibility('q', a!.id, a!.receiveCount, 0)).toBe(false); // no longer in flight
  });

  it('parks a message with the receives it had, and redrives dead letters someone is looking at too', async () => {
    const { queues } = await start(undefined);
    const [message] = await send(queues, 'q', 'poison');
    for (let i = 0; i < 2; i++) {
      await queues.receive('q', 1);
      await queues.fail('q', [{ id: message!.id, error: 'boom' }]);
      queues.changeVisibility('q', message!.id, i + 1, 0);
    }
    const [parked] = await queues.receive('q-dlq', 10, 60_000);
    expect(parked).toMatchObject({
      body: 'poison',
      error: 'boom',
      sourceQueue: 'q',
      sourceReceiveCount: 2,
      receiveCount: 3,
    });

    expect(await queues.redrive('q-dlq')).toBe(1);
    expect(queues.stats().find((s) => s.name === 'q-dlq')).toMatchObject({ visible: 0, inFlight: 0 });
    const [back] = await queues.receive('q', 1);
    expect(back).toMatchObject({ body: 'poison', receiveCount: 1 });
    expect(back!.sourceReceiveCount).toBeUndefined();
  });
});
