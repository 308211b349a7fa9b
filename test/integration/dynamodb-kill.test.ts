/**
 * kill -9 of the cloud, on each DynamoDB backend: every write the cloud
 * acknowledged is there after a restart on the same data dir, the restart
 * picks the backend that holds the data, and dynoxide's server process dies
 * with the cloud and never listened anywhere but 127.0.0.1. Also: the cloud
 * says which backend it runs, and where a preferred dynoxide is absent or
 * broken, dynalite serves and the one log line says why.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, PutCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/lib/document-client.ts';
import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import type { CloudCredentials } from '../../infra/local/credentials.ts';
import { LocalDynamo } from '../../infra/local/dynamodb.ts';
import { type BackendName, PREFERRED_BACKEND } from '../../infra/local/dynamodb-backends.ts';
import { locateDynoxide } from '../../infra/local/dynoxide.ts';
import { spawnCloud, startTestCloud, waitFor } from './cloud-harness.ts';
import { remote } from './target.ts';

const dynoxideHere = !('missing' in locateDynoxide());
const BACKENDS: BackendName[] = dynoxideHere ? ['dynoxide', 'dynalite'] : ['dynalite'];

const TABLE = 'KillLog';
const dirs: string[] = [];
afterAll(async () => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

interface Health {
  dynamodb: { backend: BackendName; detail: string };
}

/** The cloud's health as the platform sees it (an unsigned caller may be told only that it is alive). */
async function health(endpoint: string, credentials: CloudCredentials): Promise<Health> {
  return (await (
    await signedFetch(`${endpoint}/_mx/health`, { keys: credentials.platform, region: credentials.region })
  ).json()) as Health;
}

/** Every cloud a test spawned, so none outlives a failed or timed-out test. */
const spawned: ChildProcess[] = [];
async function spawnTracked(dataDir: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const cloud = await spawnCloud(dataDir);
  spawned.push(cloud.child);
  return cloud;
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
  return documentClient(
    new DynamoDBClient({
      endpoint,
      region: credentials.region,
      credentials: { ...credentials.platform },
      maxAttempts: 1,
    }),
  );
}

// Remote: skipped, it kills the cloud (kill -9) and looks for the servers it leaves.
describe.skipIf(remote).each(BACKENDS)('kill -9 of the cloud on %s', (backend) => {
  it(
    'keeps every acknowledged write (single and transactional), restarts on the same backend, leaves no server ' +
      'behind',
    async () => {
      // Prepare: a cloud in a child process on this backend, so it can really be killed.
      const dataDir = await mkdtemp(path.join(tmpdir(), `mx-kill-${backend}-`));
      dirs.push(dataDir);
      const forced = process.env.MX_DYNAMODB;
      process.env.MX_DYNAMODB = backend;
      const first = await spawnTracked(dataDir).finally(() => {
        if (forced === undefined) delete process.env.MX_DYNAMODB;
        else process.env.MX_DYNAMODB = forced;
      });
      const credentials = JSON.parse(
        await readFile(path.join(dataDir, 'credentials.json'), 'utf8'),
      ) as CloudCredentials;
      const before = await health(first.endpoint, credentials);
      expect(before.dynamodb.backend).toBe(backend);
      const serverPid = backend === 'dynoxide' ? Number(/pid (\d+)/.exec(before.dynamodb.detail)?.[1]) : undefined;
      if (serverPid !== undefined) {
        expect(alive(serverPid)).toBe(true);
        const listening = listeningAddresses(serverPid);
        expect(listening.length).toBeGreaterThan(0);
        expect(listening.filter((address) => !address.startsWith('0100007F:'))).toEqual([]); // 127.0.0.1 only
      }

      // A table of the test's own: what is written is the test's business, not the topology's.
      const raw = new DynamoDBClient({
        endpoint: first.endpoint,
        region: credentials.region,
        credentials: { ...credentials.platform },
      });
      await raw.send(
        new CreateTableCommand({
          TableName: TABLE,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'eventId', AttributeType: 'S' },
            { AttributeName: 'subject', AttributeType: 'S' },
          ],
          KeySchema: [{ AttributeName: 'eventId', KeyType: 'HASH' }],
          GlobalSecondaryIndexes: [
            {
              IndexName: 'bySubject',
              KeySchema: [{ AttributeName: 'subject', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        }),
      );
      raw.destroy();

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
                    {
                      Put: {
                        TableName: TABLE,
                        Item: { eventId: `${id}-a`, subject: id, occurredAt: '2021' },
                        ConditionExpression: 'attribute_not_exists(eventId)',
                      },
                    },
                    { Put: { TableName: TABLE, Item: { eventId: `${id}-b`, subject: id, occurredAt: '2021' } } },
                  ],
                }),
              );
              acknowledged.push(`${id}-a`, `${id}-b`);
            } else {
              // In the index too: an index entry must never outlive a crash without its item.
              await doc.send(new PutCommand({ TableName: TABLE, Item: { eventId: id, n, subject: id } }));
              acknowledged.push(id);
            }
          } catch {
            return; // the cloud is gone: this write was never acknowledged
          }
        }
      });
      await waitFor(async () => (acknowledged.length >= 400 ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 1,
        what: '400 acknowledged writes',
      });
      first.child.kill('SIGKILL');
      await Promise.all(writers);
      doc.destroy();
      await new Promise((r) => first.child.once('exit', r));

      // Assess: the server died with the cloud (no orphan)…
      if (serverPid !== undefined)
        await waitFor(async () => (alive(serverPid) ? undefined : true), {
          timeoutMs: 5000,
          what: `dynoxide (pid ${serverPid}) to exit`,
        });

      // …and a restart without MX_DYNAMODB picks the backend holding the data and has every acknowledged write.
      const second = await spawnTracked(dataDir);
      try {
        expect((await health(second.endpoint, credentials)).dynamodb.backend).toBe(backend);
        const reader = platformClient(second.endpoint, credentials);
        const found = new Set<string>();
        for (let i = 0; i < acknowledged.length; i += 100) {
          let keys: Record<string, unknown>[] = acknowledged.slice(i, i + 100).map((eventId) => ({ eventId }));
          while (keys.length > 0) {
            const out = await reader.send(
              new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: keys, ProjectionExpression: 'eventId' } } }),
            );
            for (const item of out.Responses?.[TABLE] ?? []) found.add(item.eventId as string);
            keys = out.UnprocessedKeys?.[TABLE]?.Keys ?? [];
          }
        }
        // Every index entry has its item: the table and its index were written together or not at all.
        const stored = new Set<string>();
        const indexed: string[] = [];
        for (const [into, IndexName] of [
          [stored, undefined],
          [indexed, 'bySubject'],
        ] as const) {
          let ExclusiveStartKey: Record<string, unknown> | undefined;
          do {
            const page = await reader.send(
              new ScanCommand({
                TableName: TABLE,
                ...(IndexName ? { IndexName } : {}),
                ProjectionExpression: 'eventId',
                ExclusiveStartKey,
              }),
            );
            for (const item of page.Items ?? [])
              into instanceof Set ? into.add(item.eventId as string) : into.push(item.eventId as string);
            ExclusiveStartKey = page.LastEvaluatedKey;
          } while (ExclusiveStartKey);
        }
        reader.destroy();
        expect(acknowledged.length).toBeGreaterThanOrEqual(400);
        expect(acknowledged.filter((id) => !found.has(id))).toEqual([]);
        expect(indexed.length).toBeGreaterThanOrEqual(400);
        expect(indexed.filter((id) => !stored.has(id))).toEqual([]);
      } finally {
        second.child.kill('SIGTERM');
        await new Promise((r) => second.child.once('exit', r));
      }
    },
  );
});

// Remote: skipped, it kills the cloud (kill -9) and looks for the servers it leaves.
describe.skipIf(remote)('choosing the backend', () => {
  it('names the backend the cloud runs in one log line and in its health', async () => {
    const lines: string[] = [];
    const env = await startTestCloud({ log: (line) => lines.push(line) });
    try {
      expect(env.cloud.health().dynamodb.backend).toBe(PREFERRED_BACKEND);
      expect(lines.filter((l) => l.startsWith('DynamoDB:'))).toEqual([
        expect.stringMatching(new RegExp(`^DynamoDB: ${PREFERRED_BACKEND} .*the faster backend here`)),
      ]);
    } finally {
      await env.stop();
    }
  });

  /**
   * A started LocalDynamo that prefers dynoxide, with MX_DYNOXIDE_BIN pointing at `binary`
   * (undefined: the installed package).
   */
  async function preferringDynoxide(binary: string | undefined) {
    const lines: string[] = [];
    const dir = await mkdtemp(path.join(tmpdir(), 'mx-prefer-'));
    dirs.push(dir);
    const before = process.env.MX_DYNOXIDE_BIN;
    if (binary === undefined) delete process.env.MX_DYNOXIDE_BIN;
    else process.env.MX_DYNOXIDE_BIN = binary;
    const dynamo = new LocalDynamo(path.join(dir, 'dynamodb'), { log: (line) => lines.push(line), prefer: 'dynoxide' });
    try {
      await dynamo.start();
    } finally {
      if (before === undefined) delete process.env.MX_DYNOXIDE_BIN;
      else process.env.MX_DYNOXIDE_BIN = before;
    }
    return { dynamo, lines };
  }

  it('falls back to dynalite, saying why in one line, where a preferred dynoxide is absent', async () => {
    const { dynamo, lines } = await preferringDynoxide('/nonexistent/dynoxide');
    try {
      expect(dynamo.backend).toBe('dynalite');
      expect(lines).toEqual([
        expect.stringMatching(
          /^DynamoDB: dynalite .*dynoxide is not available: MX_DYNOXIDE_BIN=\/nonexistent\/dynoxide does not run/,
        ),
      ]);
    } finally {
      await dynamo.close();
    }
  });

  it('falls back to dynalite when a preferred dynoxide is there but does not start, naming its error', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mx-broken-dynoxide-'));
    dirs.push(dir);
    const binary = path.join(dir, 'dynoxide');
    await writeFile(
      binary,
      '#!/bin/sh\nif [ "$1" = --version ]; then echo "dynoxide 0.0.0-broken"; exit 0; fi\necho "cannot open ' +
        'database" >&2\nexit 3\n',
    );
    await chmod(binary, 0o755);
    const { dynamo, lines } = await preferringDynoxide(binary);
    try {
      expect(dynamo.backend).toBe('dynalite');
      expect(lines).toEqual([
        expect.stringMatching(/^DynamoDB: dynalite .*dynoxide did not start.*cannot open database/),
      ]);
    } finally {
      await dynamo.close();
    }
  });

  it.skipIf(!dynoxideHere)('serves with a preferred dynoxide where it runs', async () => {
    const { dynamo, lines } = await preferringDynoxide(undefined);
    try {
      expect(dynamo.backend).toBe('dynoxide');
      expect(lines).toEqual([
        expect.stringMatching(
          new RegExp(
            String.raw`^DynamoDB: dynoxide 1\.2\.1 \(SQLite .*dynoxide\.sqlite, pid \d+ on 127\.0\.0\.1:\d+\); ` +
              'the faster backend here',
          ),
        ),
      ]);
    } finally {
      await dynamo.close();
    }
  });
});
