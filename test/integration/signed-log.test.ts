/**
 * The signed Merkle logs on the local cloud (issue 12): every accepted event
 * and every read of a person's data is a leaf; checkpoints are signed with
 * the data dir's key; `mx log verify` recomputes the trees and names what
 * was tampered with; `mx log prove`/`receipt` give proofs that
 * `mx log check-proof` checks with nothing but the file and the key.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  type AttributeValue,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/lib/document-client.ts';
import { localSigner, newSecretKey, signNote } from '../../functions/merkle/checkpoint.ts';
import { EXCHANGE_LOG, LEAF_INDEX } from '../../functions/merkle/logs.ts';
import { checkProofFile, type ProofFile } from '../../functions/merkle/proof-file.ts';
import { claimLeaves } from '../../functions/merkle/sequencer.ts';
import type { LogVerification } from '../../functions/merkle/verify-log.ts';
import type { CloudCredentials } from '../../infra/local/credentials.ts';
import { TOPOLOGY } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry, newMeta, type PutEventsEntry, toEntry } from '../../schemas/entries.ts';
import {
  MX,
  settled,
  spawnCloud,
  startCloudProcess,
  startTestCloud,
  type TestCloud,
  waitFor,
} from './cloud-harness.ts';
import { remote } from './target.ts';

const run = promisify(execFile);
/** Checkpoints come quickly here: tests wait for them, and a real deployment's N and T would only slow the suite. */
const FAST = { entries: 25, seconds: 0.2, tickMs: 50 };

let env: TestCloud | undefined;
afterEach(async () => {
  await env?.stop();
  env = undefined;
});

function stays(count: number): PutEventsEntry[] {
  const definition = latestDefinition('StayRegistered')!;
  return Array.from({ length: count }, (_, i) => {
    const data = structuredClone(definition.example) as { person: { citizenship: string; documentNumber: string } };
    data.person = { citizenship: 'UZB', documentNumber: `FS${String(i).padStart(7, '0')}` };
    return toEntry(definition, { meta: newMeta(definition), data } as never, TOPOLOGY.busName);
  });
}

async function publish(cloud: TestCloud, entries: readonly PutEventsEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 10) {
    const out = await cloud.events('interior').send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
    expect(out.FailedEntryCount).toBe(0);
  }
}

/** A cloud whose exchange log holds `count` stays, all under signed checkpoints. */
async function signedCloud(count = 60): Promise<TestCloud> {
  env = await startTestCloud({ transparency: FAST });
  await publish(env, stays(count));
  await settled(env);
  await env.cloud.transparency!.checkpointNow();
  return env;
}

async function verify(cloud: TestCloud, ...args: string[]): Promise<{ ok: boolean; logs: LogVerification[] }> {
  try {
    const { stdout } = await cloud.mx('log', 'verify', '--json', ...args);
    return JSON.parse(stdout) as { ok: boolean; logs: LogVerification[] };
  } catch (error) {
    const failed = error as { stdout?: string; code?: number };
    expect(failed.code).toBe(2);
    return JSON.parse(failed.stdout ?? '') as { ok: boolean; logs: LogVerification[] };
  }
}

/** The exchange log's row at a leaf, as stored. */
async function rowAt(cloud: TestCloud, index: number): Promise<Record<string, AttributeValue>> {
  const out = await cloud.dynamo().send(
    new QueryCommand({
      TableName: 'ExchangeLog',
      IndexName: LEAF_INDEX,
      KeyConditionExpression: 'leafShard = :s AND leafIndex = :i',
      ExpressionAttributeValues: { ':s': { N: String(index % 8) }, ':i': { N: String(index) } },
    }),
  );
  expect(out.Items).toHaveLength(1);
  return out.Items![0]!;
}

const exchangeLog = (result: { logs: LogVerification[] }) => result.logs.find((l) => l.log === 'exchange-log')!;

// Remote: skipped, it tampers with the log’s rows and kills the cloud (kill -9).
describe.skipIf(remote)('signed exchange log', () => {
  it(
    'verifies untouched: every accepted event is a leaf, every index is held, ' +
      'every checkpoint signed and matching',
    async () => {
      // Prepare: 60 stays, one delivered twice (a redelivery) and one id reused for a different event (an id conflict).
      const cloud = await signedCloud(60);
      const again = stays(1)[0]!;
      await publish(cloud, [again, again]);
      const reused = stays(1)[0]!;
      const reusedId = (JSON.parse(again.Detail) as { meta: { eventId: string } }).meta.eventId;
      const conflict = {
        ...reused,
        Detail: JSON.stringify({
          ...JSON.parse(reused.Detail),
          meta: { ...(JSON.parse(reused.Detail) as { meta: object }).meta, eventId: reusedId },
        }),
      };
      await publish(cloud, [conflict]);
      await settled(cloud);
      await cloud.cloud.transparency!.checkpointNow();
      // Act
      const result = await verify(cloud);
      // Assess: 60 + 1 event + 1 conflict row are leaves; the second copy of the redelivered event took no leaf it
      // kept.
      const log = exchangeLog(result);
      expect(result.ok).toBe(true);
      expect(log.problems).toEqual([]);
      expect(log.leaves).toBe(log.counter);
      expect(log.leaves).toBeGreaterThanOrEqual(62);
      expect(log.checkpoints.verified).toBe(log.checkpoints.archived);
      expect(log.checkpoints.latest?.size).toBe(log.leaves);
      expect(log.unsigned).toBe(0);
    },
  );

  it(
    'proves an event to someone with only the proof file and the published key, ' + 'and refuses it under another key',
    async () => {
      const cloud = await signedCloud(40);
      const eventId = await firstEventId(cloud);
      const out = path.join(cloud.dataDir, 'receipt.json');
      const { stdout: summary } = await cloud.mx('log', 'receipt', eventId, '--out', out);
      expect(summary).toMatch(/^receipt for kz\.interior\.berkut/);
      const { stdout: keys } = await cloud.mx('log', 'key', '--json');
      const vkey = (JSON.parse(keys) as Record<string, string>)['exchange-log']!;
      // Act: check it where there is no cloud, no data dir and no credentials.
      const bare = await mkdtemp(path.join(tmpdir(), 'mx-offline-'));
      try {
        const env0 = { PATH: process.env.PATH ?? '', HOME: bare };
        const { stdout } = await run(process.execPath, [MX, 'log', 'check-proof', out, '--vkey', vkey, '--json'], {
          cwd: bare,
          env: env0,
        });
        const checked = JSON.parse(stdout) as { ok: boolean; keyPinned: boolean; established: { leafIndex: number } };
        expect(checked).toMatchObject({ ok: true, keyPinned: true });
        // Another log's key does not verify the checkpoint.
        const other = `${vkey.split('+')[0]}+${'00000000'}+${vkey.split('+')[2]}`;
        await expect(
          run(process.execPath, [MX, 'log', 'check-proof', out, '--vkey', other], { cwd: bare, env: env0 }),
        ).rejects.toMatchObject({ code: 2, stdout: expect.stringMatching(/key: the pinned vkey is not usable/) });
        const stranger = localSigner('migration-exchange.local/exchange-log', newSecretKey());
        const { vkeyText, verifierOf } = await import('../../functions/merkle/checkpoint.ts');
        const strangerKey = vkeyText(verifierOf(stranger.name, stranger.publicKey));
        await expect(
          run(process.execPath, [MX, 'log', 'check-proof', out, '--vkey', strangerKey], { cwd: bare, env: env0 }),
        ).rejects.toMatchObject({ code: 2, stdout: expect.stringMatching(/no signature by/) });
      } finally {
        await rm(bare, { recursive: true, force: true });
      }
    },
  );

  it('names a row changed by one byte', async () => {
    const cloud = await signedCloud();
    const row = await rowAt(cloud, 7);
    const detail = row.detail!.S!;
    const at = detail.indexOf('FS');
    await cloud.dynamo().send(
      new PutItemCommand({
        TableName: 'ExchangeLog',
        Item: { ...row, detail: { S: `${detail.slice(0, at)}FT${detail.slice(at + 2)}` } },
      }),
    );
    const log = exchangeLog(await verify(cloud));
    expect(log.ok).toBe(false);
    expect(log.problems[0]).toMatchObject({ kind: 'row-changed', leafIndex: 7, row: row.pk!.S });
    expect(log.problems[0]!.message).toMatch(
      /first row that does not fit: leaf 7 \(kz\.interior\.berkut#.*\) was changed/,
    );
  });

  it('names a deleted row', async () => {
    const cloud = await signedCloud();
    const row = await rowAt(cloud, 5);
    await cloud.dynamo().send(new DeleteItemCommand({ TableName: 'ExchangeLog', Key: { pk: row.pk! } }));
    const log = exchangeLog(await verify(cloud));
    expect(log.problems[0]).toMatchObject({ kind: 'row-missing', leafIndex: 5 });
    expect(log.problems[0]!.message).toMatch(
      /leaf 5 is held by no row \(the log recorded a row hashing to [0-9a-f]{64} there\)/,
    );
  });

  it('names two reordered rows', async () => {
    const cloud = await signedCloud();
    const [a, b] = [await rowAt(cloud, 3), await rowAt(cloud, 9)];
    await cloud.dynamo().send(
      new PutItemCommand({
        TableName: 'ExchangeLog',
        Item: { ...a, leafIndex: b.leafIndex!, leafShard: b.leafShard! },
      }),
    );
    await cloud.dynamo().send(
      new PutItemCommand({
        TableName: 'ExchangeLog',
        Item: { ...b, leafIndex: a.leafIndex!, leafShard: a.leafShard! },
      }),
    );
    const log = exchangeLog(await verify(cloud));
    expect(log.problems[0]).toMatchObject({ kind: 'rows-reordered', leafIndex: 3, row: `${b.pk!.S}, ${a.pk!.S}` });
    expect(log.problems[0]!.message).toMatch(/leaves 3 and 9 hold each other\u2019s rows/);
  });

  it('names a checkpoint replaced by one signed with another key', async () => {
    const cloud = await signedCloud();
    const dir = path.join(cloud.dataDir, 'transparency');
    const archive = path.join(
      dir,
      (await readdir(dir)).find((d) => d.startsWith('in-memory-') || d === 'checkpoints')!,
      'exchange-log',
    );
    const [first] = (await readdir(archive)).sort();
    const file = path.join(archive, first!);
    const genuine = await readFile(file, 'utf8');
    const text = genuine.slice(0, genuine.lastIndexOf('\n\n') + 1);
    const forged = await signNote(text, localSigner('migration-exchange.local/exchange-log', newSecretKey()));
    await chmod(file, 0o644);
    await writeFile(file, forged);
    const log = exchangeLog(await verify(cloud));
    expect(log.problems).toEqual([
      expect.objectContaining({ kind: 'checkpoint-signature', checkpoint: `exchange-log/${first}` }),
    ]);
    expect(log.problems[0]!.message).toMatch(/no signature by migration-exchange\.local\/exchange-log\+[0-9a-f]{8}/);
  });
});

async function firstEventId(cloud: TestCloud): Promise<string> {
  return (await rowAt(cloud, 0)).eventId!.S!;
}

// Remote: skipped, it tampers with the log’s rows and kills the cloud (kill -9).
describe.skipIf(remote)('signed access ledger', () => {
  it(
    'exports a person\u2019s reads in the Data Tracker\u2019s fields, ' + 'each with a proof that checks offline',
    async () => {
      env = await startTestCloud({ transparency: FAST });
      const stay = exampleEntry(latestDefinition('StayRegistered')!, TOPOLOGY.busName);
      await publish(env, [stay]);
      await settled(env);
      const person = (JSON.parse(stay.Detail) as { data: { person: { citizenship: string; documentNumber: string } } })
        .data.person;
      const who = ['--citizenship', person.citizenship, '--document', person.documentNumber];
      await env.mx('view', 'interior', 'person', ...who, '--purpose', 'case 2021/17', '--json');
      await env.mx('view', 'interior', 'lineage', ...who, '--purpose', 'appeal 2021/18', '--json');
      // Act
      const { stdout } = await env.mx('ledger', ...who, '--format', 'data-tracker', '--json');
      // Assess
      const entries = JSON.parse(stdout) as {
        personCode: string;
        action: string;
        purpose: string;
        receiver: string;
        proof: ProofFile;
      }[];
      expect(entries.map((e) => [e.personCode, e.action, e.purpose])).toEqual([
        [`${person.citizenship} ${person.documentNumber}`, 'read the person\u2019s dossier', 'case 2021/17'],
        [
          `${person.citizenship} ${person.documentNumber}`,
          'read the events behind the person\u2019s records',
          'appeal 2021/18',
        ],
      ]);
      const { stdout: keys } = await env.mx('log', 'key', '--json');
      const vkey = (JSON.parse(keys) as Record<string, string>)['access-ledger']!;
      for (const entry of entries) {
        expect(entry.receiver).toMatch(/^interior ministry: /);
        expect(checkProofFile(entry.proof, vkey)).toMatchObject({ ok: true, established: { log: 'access-ledger' } });
        // The proof is of this entry: another purpose in the row breaks it.
        const altered = structuredClone(entry.proof);
        altered.row.purpose = { S: 'something else' };
        expect(checkProofFile(altered, vkey)).toMatchObject({
          ok: false,
          problem: expect.stringMatching(/^inclusion: /),
        });
      }
      const result = await verify(env);
      expect(result.logs.find((l) => l.log === 'access-ledger')).toMatchObject({ ok: true, leaves: 2, counter: 2 });
    },
  );
});

// Remote: skipped, it tampers with the log’s rows and kills the cloud (kill -9).
describe.skipIf(remote)('sequencing across kill -9', () => {
  it(
    'leaves no index unexplained: every claimed leaf holds a row or a void, ' + 'and the restarted log verifies',
    async () => {
      // Prepare: a cloud in a child process, checkpointing quickly, under a flood of events.
      const dataDir = await mkdtemp(path.join(tmpdir(), 'mx-merkle-kill-'));
      const saved = process.env.MX_CHECKPOINT_SECONDS;
      process.env.MX_CHECKPOINT_SECONDS = '0.2';
      const first = await spawnCloud(dataDir);
      const credentials = JSON.parse(
        await readFile(path.join(dataDir, 'credentials.json'), 'utf8'),
      ) as CloudCredentials;
      const config = (endpoint: string, keys: { accessKeyId: string; secretAccessKey: string }) => ({
        endpoint,
        region: credentials.region,
        credentials: { ...keys },
        maxAttempts: 1,
      });
      const client = new EventBridgeClient(config(first.endpoint, credentials.agencies.interior));
      const acknowledged: string[] = [];
      const publishers = Array.from({ length: 6 }, async () => {
        for (let batch = 0; batch < 40; batch++) {
          const entries = stays(10);
          try {
            const out = await client.send(new PutEventsCommand({ Entries: entries }));
            out.Entries!.forEach((e, i) => {
              if (e.EventId) {
                acknowledged.push((JSON.parse(entries[i]!.Detail) as { meta: { eventId: string } }).meta.eventId);
              }
            });
          } catch {
            return;
          }
        }
      });
      await waitFor(async () => (acknowledged.length >= 600 ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 1,
        what: '600 acknowledged events',
      });
      // A writer that claims three leaves and dies before writing them, as a crashed Lambda would.
      const raw = new DynamoDBClient(config(first.endpoint, credentials.platform));
      const claim = await claimLeaves(documentClient(raw), 'ExchangeLog', EXCHANGE_LOG, 3);
      raw.destroy();
      // Act: kill the process mid-flight, restart it on the same data dir.
      first.child.kill('SIGKILL');
      await Promise.all(publishers);
      client.destroy();
      await new Promise((r) => first.child.once('exit', r));
      const restarted = startCloudProcess(dataDir);
      const second = { child: restarted.child, endpoint: await restarted.ready };
      process.env.MX_CHECKPOINT_SECONDS = saved;
      const mx = (...args: string[]) =>
        run(process.execPath, [MX, ...args], {
          env: { ...process.env, AWS_ENDPOINT_URL: second.endpoint, MX_DATA_DIR: dataDir },
        });
      try {
        // Assess: once everything acknowledged is logged and signed, the log verifies with every index held.
        let last: unknown;
        const result = await waitFor(
          async () => {
            const out = JSON.parse(
              (await mx('log', 'verify', '--json', '--log', 'exchange-log').catch((e: { stdout: string }) => e)).stdout,
            ) as { logs: LogVerification[] };
            const log = out.logs[0]!;
            last = log;
            return log.unsigned === 0 && log.leaves === log.counter && log.leaves >= acknowledged.length + 3
              ? log
              : undefined;
          },
          { timeoutMs: 45_000, intervalMs: 300, what: 'the restarted log signed up to its counter' },
        ).catch((error: Error) => {
          throw new Error(
            `${error.message}; last verification: ${JSON.stringify(last)}; the cloud said: ${restarted.output()}`,
          );
        });
        expect(result.problems).toEqual([]);
        expect(result.ok).toBe(true);
        const scan = new DynamoDBClient(config(second.endpoint, credentials.platform));
        // Every page: Scan stops at 1 MB of items read (before the projection), and a busy run logs more than that.
        const items: Record<string, AttributeValue>[] = [];
        let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
        do {
          const page = await scan.send(
            new ScanCommand({
              TableName: 'ExchangeLog',
              ProjectionExpression: 'pk, leafIndex, eventId',
              ExclusiveStartKey,
            }),
          );
          items.push(...(page.Items ?? []));
          ExclusiveStartKey = page.LastEvaluatedKey;
        } while (ExclusiveStartKey);
        scan.destroy();
        const leaves = items
          .filter((i) => i.leafIndex !== undefined)
          .map((i) => Number(i.leafIndex!.N))
          .sort((a, b) => a - b);
        expect(leaves).toEqual(Array.from({ length: result.counter }, (_, i) => i));
        // The three claimed and never written are void leaves, as is anything the kill left claimed and unwritten.
        const voids = items.filter((i) => i.pk!.S!.startsWith('#merkle#void#')).map((i) => Number(i.leafIndex!.N));
        expect(voids).toEqual(expect.arrayContaining([claim.first, claim.first + 1, claim.first + 2]));
        const logged = new Set(items.map((i) => i.eventId?.S));
        expect(acknowledged.filter((id) => !logged.has(id))).toEqual([]);
      } finally {
        second.child.kill('SIGTERM');
        await new Promise((r) => second.child.once('exit', r));
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  );
});
