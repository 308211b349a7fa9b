/**
 * kill -9 of the cloud, on each DynamoDB backend: every write the cloud
 * acknowledged is there after a restart on the same data dir, the restart
 * picks the backend that holds the data, and dynoxide's server process dies
 * with the cloud and never listened anywhere but 127.0.0.1. Also: where
 * dynoxide is absent or broken, the cloud falls back to dynalite and says so.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/lib/clients.ts';
import type { CloudCredentials } from '../../infra/local/credentials.ts';
import type { BackendName } from '../../infra/local/dynamodb-backends.ts';
import { locateDynoxide } from '../../infra/local/dynoxide.ts';
import { spawnCloud, startTestCloud, waitFor } from './cloud-harness.ts';

const dynoxideHere = !('missing' in locateDynoxide());
const BACKENDS: BackendName[] = dynoxideHere ? ['dynoxide', 'dynalite'] : ['dynalite'];

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

interface Health {
  dynamodb: { backend: BackendName; detail: string };
}

async function health(endpoint: string): Promise<Health> {
  return (await (await fetch(`${endpoint}/_mx/health`)).json()) as Health;
}

/** A pid that exists and is not a zombie waiting for a reaper. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The local addresses (hex ip:port from /proc/net/tcp{,6}) a process listens on. */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      })
      .filter((inode): inode is string => inode !== undefined),
  );
  const listening: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl local_address rem_address st … inode (10th); st 0A is LISTEN
      if (cols[3] === '0A' && inodes.has(cols[9]!)) listening.push(cols[1]!);
    }
  }
  return listening;
}

function platformClient(endpoint: string, credentials: CloudCredentials) {
  return documentClient(new DynamoDBClient({ endpoint, region: credentials.region, credentials: { ...credentials.platform }, maxAttempts: 1 }));
}

describe.each(BACKENDS)('kill -9 of the cloud on %s', (backend) => {
  it('keeps every acknowledged write (single and transactional), restarts on the same backend, leaves no server behind', async () => {
    // Prepare: a cloud in a child process on this backend, so it can really be killed.
    const dataDir = await mkdtemp(path.join(tmpdir(), `mx-kill-${backend}-`));
    dirs.push(dataDir);
    const forced = process.env.MX_DYNAMODB;
    process.env.MX_DYNAMODB = backend;
    const first = await spawnCloud(dataDir).finally(() => (forced === undefined ? delete process.env.MX_DYNAMODB : (process.env.MX_DYNAMODB = forced)));
    const credentials = JSON.parse(await readFile(path.join(dataDir, 'credentials.json'), 'utf8')) as CloudCredentials;
    const before = await health(first.endpoint);
    expect(before.dynamodb.backend).toBe(backend);
    const serverPid = backend === 'dynoxide' ? Number(/pid (\d+)/.exec(before.dynamodb.detail)?.[1]) : undefined;
    if (serverPid !== undefined) {
      expect(alive(serverPid)).toBe(true);
      const listening = listeningAddresses(serverPid);
      expect(listening.length).toBeGreaterThan(0);
      expect(listening.filter((address) => !address.startsWith('0100007F:'))).toEqual([]); // 127.0.0.1 only
    }

    // Act: eight writers (every fifth write a two-item transaction), killed mid-flight.
    const doc = platformClient(first.endpoint, credentials);
    const acknowledged: string[] = [];
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let n = 0; n < 400; n++) {
        const id = `kill-${w}-${n}`;
        try {
          if (n % 5 === 4) {
            await doc.send(
              new TransactWriteCommand({
                TransactItems: [
                  { Put: { TableName: 'ExchangeLog', Item: { eventId: `${id}-a`, subject: id, occurredAt: '2021' }, ConditionExpression: 'attribute_not_exists(eventId)' } },
                  { Put: { TableName: 'ExchangeLog', Item: { eventId: `${id}-b`, subject: id, occurredAt: '2021' } } },
                ],
              }),
            );
            acknowledged.push(`${id}-a`, `${id}-b`);
          } else {
            await doc.send(new PutCommand({ TableName: 'ExchangeLog', Item: { eventId: id, n } }));
            acknowledged.push(id);
          }
        } catch {
          return; // the cloud is gone: this write was never acknowledged
        }
      }
    });
    await waitFor(async () => (acknowledged.length >= 400 ? true : undefined), { timeoutMs: 30_000, intervalMs: 1, what: '400 acknowledged writes' });
    first.child.kill('SIGKILL');
    await Promise.all(writers);
    doc.destroy();
    await new Promise((r) => first.child.once('exit', r));

    // Assess: the server died with the cloud (no orphan)…
    if (serverPid !== undefined) await waitFor(async () => (alive(serverPid) ? undefined : true), { timeoutMs: 5000, what: `dynoxide (pid ${serverPid}) to exit` });

    // …and a restart without MX_DYNAMODB picks the backend holding the data and has every acknowledged write.
    const second = await spawnCloud(dataDir);
    try {
      expect((await health(second.endpoint)).dynamodb.backend).toBe(backend);
      const reader = platformClient(second.endpoint, credentials);
      const found = new Set<string>();
      for (let i = 0; i < acknowledged.length; i += 100) {
        let keys: Record<string, unknown>[] = acknowledged.slice(i, i + 100).map((eventId) => ({ eventId }));
        while (keys.length > 0) {
          const out = await reader.send(new BatchGetCommand({ RequestItems: { ExchangeLog: { Keys: keys, ProjectionExpression: 'eventId' } } }));
          for (const item of out.Responses?.ExchangeLog ?? []) found.add(item.eventId as string);
          keys = out.UnprocessedKeys?.ExchangeLog?.Keys ?? [];
        }
      }
      reader.destroy();
      expect(acknowledged.length).toBeGreaterThanOrEqual(400);
      expect(acknowledged.filter((id) => !found.has(id))).toEqual([]);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
  });
});

describe('falling back to dynalite', () => {
  async function startWith(binary: string) {
    const lines: string[] = [];
    const before = process.env.MX_DYNOXIDE_BIN;
    process.env.MX_DYNOXIDE_BIN = binary;
    try {
      const env = await startTestCloud({ log: (line) => lines.push(line) });
      return { env, lines };
    } finally {
      if (before === undefined) delete process.env.MX_DYNOXIDE_BIN;
      else process.env.MX_DYNOXIDE_BIN = before;
    }
  }

  it('serves with dynalite and says why in one line when the dynoxide binary is absent', async () => {
    const { env, lines } = await startWith('/nonexistent/dynoxide');
    try {
      expect(env.cloud.health().dynamodb.backend).toBe('dynalite');
      const dynamoLines = lines.filter((l) => l.startsWith('DynamoDB:'));
      expect(dynamoLines).toHaveLength(1);
      expect(dynamoLines[0]).toMatch(/^DynamoDB: dynalite .*dynoxide is not available: MX_DYNOXIDE_BIN=\/nonexistent\/dynoxide does not run/);
    } finally {
      await env.stop();
    }
  });

  it('serves with dynalite when dynoxide is there but does not start, naming its error', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mx-broken-dynoxide-'));
    dirs.push(dir);
    const binary = path.join(dir, 'dynoxide');
    await writeFile(binary, '#!/bin/sh\nif [ "$1" = --version ]; then echo "dynoxide 0.0.0-broken"; exit 0; fi\necho "cannot open database" >&2\nexit 3\n');
    await chmod(binary, 0o755);
    const { env, lines } = await startWith(binary);
    try {
      expect(env.cloud.health().dynamodb.backend).toBe('dynalite');
      expect(lines.filter((l) => l.startsWith('DynamoDB:'))).toEqual([expect.stringMatching(/^DynamoDB: dynalite .*dynoxide did not start.*cannot open database/)]);
    } finally {
      await env.stop();
    }
  });
});
