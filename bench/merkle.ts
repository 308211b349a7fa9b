/**
 * Figures of the signed Merkle logs (issue 12): how long `mx log verify`
 * takes over a log of a million rows, and how big a proof is and how fast
 * it is checked offline. The log is filled straight into a local cloud's
 * DynamoDB (BatchWriteItem, rows shaped as the exchange log writes them,
 * each at its leaf), then the cloud's own checkpointer signs it, and the
 * verifier runs as `mx` does: a separate process reading through the
 * cloud's endpoint.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { eventDigest, type LogEntry, toLogWrite } from '../functions/exchange-log/log-entry.ts';
import { documentClient } from '../functions/lib/document-client.ts';
import { leafPosition } from '../functions/merkle/leaf.ts';
import { EXCHANGE_LOG } from '../functions/merkle/logs.ts';
import { checkProofFile } from '../functions/merkle/proof-file.ts';
import { LocalCloud } from '../infra/local/cloud.ts';
import { TOPOLOGY, type Topology } from '../infra/topology.ts';
import { SOURCES } from '../schemas/define.ts';
import { busEvent } from '../test/fixtures/bus-events.ts';

const run = promisify(execFile);
const MX = path.resolve(import.meta.dirname, '../infra/bin/mx.mjs');

export interface MerkleFigures {
  readonly rows: number;
  readonly fillSeconds: number;
  readonly checkpointSeconds: number;
  readonly checkpoints: number;
  readonly verifySeconds: number;
  readonly verifyRowsPerSecond: number;
  readonly verifiedOk: boolean;
  readonly proofBytes: number;
  readonly proofHashes: number;
  readonly offlineCheckMs: { readonly inProcess: number; readonly cliProcess: number };
  readonly rowBytes: number;
}

/** Only the tables and index the verifier reads: the other indexes of the exchange log would only slow the fill. */
export function verifyTopology(): Topology {
  const keep = (id: string) => TOPOLOGY.tables.find((t) => t.id === id)!;
  const log = keep('ExchangeLog');
  return {
    ...TOPOLOGY,
    tables: [{ ...log, indexes: log.indexes!.filter((i) => i.name === 'byLeaf') }, keep('AccessLedger')],
    // The stack does not synthesize without the exchange log's owner; nothing is published to it here.
    subscriptions: TOPOLOGY.subscriptions.filter((s) => s.name === 'exchange-log'),
    commandApis: [],
    queryApis: [],
  };
}

/** Exchange-log rows as the handler writes them: one real row of a stay, varied per event (ids, person key, digest). */
export function rowFactory(): (index: number) => LogEntry {
  const template = toLogWrite(busEvent('StayRegistered'), 'bench-secret', Object.values(SOURCES)).entry;
  return (index) => {
    const id = `${String(index).padStart(8, '0')}-1c1d-4b7a-9a0e-${String(index).padStart(12, '0')}`;
    const time = new Date(Date.UTC(2021, 0, 1) + index * 30_000).toISOString();
    const detail = template.detail!.replace(/"eventId":"[^"]+"/, `"eventId":"${id}"`);
    return {
      ...template,
      pk: `${template.source}#${id}`,
      eventId: id,
      busEventId: `b${id.slice(1)}`,
      time,
      day: time.slice(0, 10),
      logPosition: `${time}#b${id.slice(1)}`,
      subject: `${template.subject!.slice(0, 20)}${String(index).padStart(12, '0')}`,
      detail,
      digest: eventDigest(template.source, template.detailType, detail),
      ...leafPosition(index),
    };
  };
}

export async function fill(cloud: LocalCloud, rows: number, log: (line: string) => void): Promise<void> {
  const raw = new DynamoDBClient(cloud.inProcessConfig());
  const doc = documentClient(raw);
  const row = rowFactory();
  const table = cloud.tableName('ExchangeLog');
  let next = 0;
  const started = performance.now();
  const writer = async () => {
    for (;;) {
      const first = next;
      if (first >= rows) return;
      next = Math.min(rows, first + 25);
      let items = Array.from({ length: next - first }, (_, i) => ({
        PutRequest: { Item: row(first + i) as unknown as Record<string, unknown> },
      }));
      while (items.length) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: items } }));
        items = (out.UnprocessedItems?.[table] ?? []) as typeof items;
      }
      if (next % 100_000 < 25)
        log(`  filled ${next} rows (${Math.round(next / ((performance.now() - started) / 1000))}/s)`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  // The counter as the writers would have left it.
  await doc.send(
    new (await import('@aws-sdk/lib-dynamodb')).PutCommand({
      TableName: table,
      Item: { ...EXCHANGE_LOG.key('next'), next: rows },
    }),
  );
  raw.destroy();
}

export async function benchMerkle(rows: number, log: (line: string) => void): Promise<MerkleFigures> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mx-bench-merkle-'));
  // Checkpoints every 20,000 leaves (a tick's worth): what a log of a million rows has
  // signed along the way, give or take.
  const cloud = await LocalCloud.start({
    port: 0,
    dataDir,
    topology: verifyTopology(),
    schedules: 'on-trigger',
    transparency: { entries: 20_000, seconds: 3600, tickMs: 3_600_000 },
  });
  try {
    let t = performance.now();
    await fill(cloud, rows, log);
    const fillSeconds = (performance.now() - t) / 1000;
    log(`  ${rows} rows in ${fillSeconds.toFixed(0)} s; the checkpointer reads and signs them`);
    t = performance.now();
    const reports = await cloud.transparency!.checkpointNow(3_600_000);
    const checkpointSeconds = (performance.now() - t) / 1000;
    const signed = reports.find((r) => r.log === 'exchange-log');
    if (signed?.signedSize !== rows)
      throw new Error(`the checkpointer signed ${signed?.signedSize} of ${rows} leaves: ${JSON.stringify(signed)}`);
    const env = { ...process.env, AWS_ENDPOINT_URL: cloud.endpoint, MX_DATA_DIR: dataDir };
    t = performance.now();
    const { stdout } = await run(process.execPath, [MX, 'log', 'verify', '--log', 'exchange-log', '--json'], {
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    const verifySeconds = (performance.now() - t) / 1000;
    const verified = JSON.parse(stdout) as {
      ok: boolean;
      logs: { leaves: number; checkpoints: { verified: number } }[];
    };
    log(
      `  mx log verify: ${verifySeconds.toFixed(1)} s for ${verified.logs[0]?.leaves} leaves, ` +
        `${verified.logs[0]?.checkpoints.verified} checkpoints`,
    );
    // A proof for a leaf in the middle of the million, and its offline check.
    const probe = rowFactory()(Math.floor(rows / 2) + 1);
    const file = path.join(dataDir, 'proof.json');
    await run(
      process.execPath,
      [MX, 'log', 'prove', probe.eventId, '--source', probe.source, '--out', file, '--wait', '0'],
      { env },
    );
    const proof = JSON.parse(await readFile(file, 'utf8')) as { inclusionProof: string[]; vkey: string };
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      if (!checkProofFile(proof, proof.vkey).ok) throw new Error('the proof does not check');
      times.push(performance.now() - started);
    }
    const cli: number[] = [];
    const bare = { PATH: process.env.PATH ?? '' };
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await run(process.execPath, [MX, 'log', 'check-proof', file, '--vkey', proof.vkey], { env: bare, cwd: tmpdir() });
      cli.push(performance.now() - started);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return {
      rows,
      fillSeconds: Number(fillSeconds.toFixed(1)),
      checkpointSeconds: Number(checkpointSeconds.toFixed(1)),
      checkpoints: verified.logs[0]?.checkpoints.verified ?? 0,
      verifySeconds: Number(verifySeconds.toFixed(1)),
      verifyRowsPerSecond: Math.round(rows / verifySeconds),
      verifiedOk: verified.ok,
      proofBytes: (await stat(file)).size,
      proofHashes: proof.inclusionProof.length,
      offlineCheckMs: { inProcess: Number(median(times).toFixed(2)), cliProcess: Math.round(median(cli)) },
      rowBytes: Buffer.byteLength(JSON.stringify(probe)),
    };
  } finally {
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
