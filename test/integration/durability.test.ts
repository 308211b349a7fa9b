import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, describe, expect, it } from 'vitest';
import type { CloudCredentials } from '../../infra/local/credentials.ts';
import { TOPOLOGY } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry } from '../../schemas/entries.ts';
import { loggedEventIds, spawnCloud, waitFor } from './cloud-harness.ts';
import { remote } from './target.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

// Remote: skipped, it kills the cloud with SIGKILL and SIGTERM and restarts it on the same data dir.
describe.skipIf(remote)('durability', () => {
  it('delivers every acknowledged event after the process is killed with SIGKILL mid-flight', async () => {
    // Prepare: a cloud in a child process, so it can really be killed.
    const dataDir = await mkdtemp(path.join(tmpdir(), 'mx-kill-'));
    dirs.push(dataDir);
    const first = await spawnCloud(dataDir);
    const credentials = JSON.parse(await readFile(path.join(dataDir, 'credentials.json'), 'utf8')) as CloudCredentials;
    const client = new EventBridgeClient({
      endpoint: first.endpoint,
      region: credentials.region,
      credentials: { ...credentials.agencies.interior },
      maxAttempts: 1,
    });
    const definition = latestDefinition('StayRegistered')!;

    // Act: publish batches concurrently and kill the process while deliveries are in flight.
    const acknowledged: string[] = [];
    const publishers = Array.from({ length: 8 }, async () => {
      for (let batch = 0; batch < 40; batch++) {
        const entries = Array.from({ length: 10 }, () => exampleEntry(definition, TOPOLOGY.busName));
        try {
          const out = await client.send(new PutEventsCommand({ Entries: entries }));
          out.Entries!.forEach((e, i) => {
            if (e.EventId) acknowledged.push(JSON.parse(entries[i]!.Detail).meta.eventId);
          });
        } catch {
          return; // the process is gone: this batch was never acknowledged
        }
      }
    });
    await waitFor(async () => (acknowledged.length >= 1500 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 1,
      what: '1500 acknowledged events',
    });
    first.child.kill('SIGKILL');
    await Promise.all(publishers);
    client.destroy();
    await new Promise((r) => first.child.once('exit', r));

    // Assess: a restart delivers every acknowledged event to the exchange log.
    const second = await spawnCloud(dataDir);
    try {
      const logged = await waitFor(
        async () => {
          const ids = await loggedEventIds(second.endpoint, credentials);
          return acknowledged.every((id) => ids.has(id)) ? ids : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200, what: 'every acknowledged event in the log' },
      );
      expect(acknowledged.filter((id) => !logged.has(id))).toEqual([]);
      expect(acknowledged.length).toBeGreaterThanOrEqual(1500);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
  });

  it('keeps tables and credentials across a clean restart, and stops on SIGTERM', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'mx-restart-'));
    dirs.push(dataDir);
    const first = await spawnCloud(dataDir);
    const credentials = JSON.parse(await readFile(path.join(dataDir, 'credentials.json'), 'utf8')) as CloudCredentials;
    const client = new EventBridgeClient({
      endpoint: first.endpoint,
      region: credentials.region,
      credentials: { ...credentials.agencies['border-service'] },
      maxAttempts: 1,
    });
    const entry = exampleEntry(latestDefinition('EntryDenied')!, TOPOLOGY.busName);
    await client.send(new PutEventsCommand({ Entries: [entry] }));
    client.destroy();
    const eventId = JSON.parse(entry.Detail).meta.eventId as string;
    await waitFor(async () => ((await loggedEventIds(first.endpoint, credentials)).has(eventId) ? true : undefined), {
      what: 'logged before restart',
    });
    first.child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => first.child.once('exit', (exitCode) => r(exitCode)));
    expect(code).toBe(0);

    const second = await spawnCloud(dataDir);
    try {
      expect(JSON.parse(await readFile(path.join(dataDir, 'credentials.json'), 'utf8'))).toEqual(credentials);
      expect((await loggedEventIds(second.endpoint, credentials)).has(eventId)).toBe(true);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
  });
});
