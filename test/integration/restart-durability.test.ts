import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, describe, expect, it } from 'vitest';
import type { CloudCredentials } from '../../infra/local/credentials.ts';
import { TOPOLOGY } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry, type PutEventsEntry } from '../../schemas/entries.ts';
import {
  type CloudProcess,
  freePort,
  loggedEventIds,
  publishUntil,
  startCloudProcess,
  waitFor,
} from './cloud-harness.ts';
import { remote } from './target.ts';

const dirs: string[] = [];
const processes: CloudProcess[] = [];
afterAll(async () => {
  for (const p of processes) {
    p.child.kill('SIGKILL');
    await p.exited();
  }
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const stay = latestDefinition('StayRegistered')!;

/** Ten new stays per call, each with its own event id. */
const stays = () => Array.from({ length: 10 }, () => exampleEntry(stay, TOPOLOGY.busName));
const eventIdOf = (entry: PutEventsEntry) => JSON.parse(entry.Detail).meta.eventId as string;

// Remote: skipped, it kills the cloud (kill -9) and restarts it on the same port and data dir.
describe.skipIf(remote)('restart durability', () => {
  it('keeps every event acknowledged the instant a restarted cloud answers, across a second kill -9', async () => {
    // Prepare: a cloud in a child process on a fixed port, loaded until it holds a backlog.
    const dataDir = await mkdtemp(path.join(tmpdir(), 'mx-restart-kill-'));
    dirs.push(dataDir);
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const first = startCloudProcess(dataDir, port);
    processes.push(first);
    await first.ready;
    const credentials = JSON.parse(await readFile(path.join(dataDir, 'credentials.json'), 'utf8')) as CloudCredentials;
    const client = new EventBridgeClient({
      endpoint,
      region: credentials.region,
      credentials: { ...credentials.agencies.interior },
      maxAttempts: 1,
    });
    const acknowledged: string[] = [];
    let killed = false;
    const load = publishUntil(
      client,
      stays,
      (e) => acknowledged.push(eventIdOf(e)),
      () => killed,
    );
    await waitFor(async () => (acknowledged.length >= 3000 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 1,
      what: '3000 acknowledged events',
    });
    first.child.kill('SIGKILL');
    killed = true;
    await load;
    await first.exited();
    const beforeRestart = acknowledged.length;

    // Act: restart and publish from the instant the port answers; kill -9 again shortly after.
    const second = startCloudProcess(dataDir, port);
    processes.push(second);
    let secondKilled = false;
    const early = publishUntil(
      client,
      stays,
      (e) => acknowledged.push(eventIdOf(e)),
      () => secondKilled,
    );
    await waitFor(async () => (acknowledged.length >= beforeRestart + 1000 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 1,
      what: 'acknowledgements from the restarted cloud',
    });
    second.child.kill('SIGKILL');
    secondKilled = true;
    await early;
    await second.exited();
    client.destroy();
    const afterRestart = acknowledged.slice(beforeRestart);

    // Assess: after a third start, every acknowledged event is in the exchange log, those of the
    // first moment after the restart included.
    const third = startCloudProcess(dataDir, port);
    processes.push(third);
    await third.ready;
    let logged = new Set<string>();
    await waitFor(
      async () => {
        logged = await loggedEventIds(endpoint, credentials);
        return acknowledged.every((id) => logged.has(id)) ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'every acknowledged event in the exchange log' },
    ).catch(() => undefined);
    expect({
      lostAfterRestart: afterRestart.filter((id) => !logged.has(id)).length,
      lostBefore: acknowledged.slice(0, beforeRestart).filter((id) => !logged.has(id)).length,
    }).toEqual({
      lostAfterRestart: 0,
      lostBefore: 0,
    });
    expect(afterRestart.length).toBeGreaterThanOrEqual(100);
    third.child.kill('SIGTERM');
    await third.exited();
  }, 90_000);
});
