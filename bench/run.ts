/**
 * `npm run bench`: figures for the local cloud on this machine.
 *  1. pattern-matcher evaluations per second, and the time of one evaluation
 *     of issue 9's wildcard attacks as the value grows (never more than linear);
 *  2. end-to-end events/s from PutEvents (batches of 10, real SDK over HTTP)
 *     to the exchange-log handler's DynamoDB write committed, with the
 *     exchange log alone and with the whole topology (registries, views);
 *  3. p50/p99 end-to-end latency at a fixed offered rate (--rate, --full-rate);
 *  4. DynamoDB backends: dynoxide against dynalite per operation (--only=dynamodb,
 *     --dynamodb-concurrency; --json prints this comparison as JSON).
 * Figures are printed, never asserted: timing belongs here, not in tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { latestDefinition } from '../schemas/catalog.ts';
import { exampleEntry } from '../schemas/entries.ts';
import { LocalCloud } from '../infra/local/cloud.ts';
import { compilePattern } from '../infra/local/event-pattern.ts';
import { TOPOLOGY, type Topology } from '../infra/topology.ts';
import { loadConformanceCases } from '../test/fixtures/conformance.ts';
import { compareDynamoBackends, formatDynamoComparison } from './dynamodb.ts';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const EVENTS = Number(args.get('events') ?? 20_000);
const RATE = Number(args.get('rate') ?? 1000);
const RATE_SECONDS = Number(args.get('seconds') ?? 10);
const CLIENTS = Number(args.get('clients') ?? 8);
/** The whole platform does several writes per event; its latency is measured at a rate it sustains. */
const FULL_RATE = Number(args.get('full-rate') ?? 200);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function benchMatcher(): void {
  const cases = loadConformanceCases().filter((c) => c.expected !== 'invalid');
  const compiled = cases.map((c) => ({ pattern: compilePattern(c.pattern), event: c.event }));
  const topology = TOPOLOGY.subscriptions.map((s) => compilePattern(s.pattern));
  const busEvent = { source: 'kz.interior.berkut', 'detail-type': 'StayRegistered', detail: JSON.parse(exampleEntry(latestDefinition('StayRegistered')!, 'x').Detail) };
  let evaluations = 0;
  let matched = 0;
  const started = process.hrtime.bigint();
  const budget = 1_500_000_000n;
  while (process.hrtime.bigint() - started < budget) {
    for (let i = 0; i < 1000; i++) {
      const c = compiled[i % compiled.length]!;
      if (c.pattern.matches(c.event)) matched++;
      for (const p of topology) if (p.matches(busEvent)) matched++;
      evaluations += 1 + topology.length;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`pattern matcher: ${(evaluations / seconds / 1e6).toFixed(2)} M evaluations/s (${compiled.length} conformance patterns + ${topology.length} topology rules; ${matched} matches)`);
}

/** Issue 9, item 5: "*a*a*a*a*b" froze the cloud through a backtracking RegExp (200 characters: 30 s). */
function benchWildcardAttack(): void {
  // The trailing star stops the suffix check from refusing early: the matcher must scan the whole value.
  for (const wildcard of ['*a*a*a*a*b', '*a*a*a*b*']) {
    const pattern = compilePattern({ detail: { x: [{ wildcard }] } });
    const figures: string[] = [];
    let previous = 0;
    for (const length of [200, 2_000, 20_000]) {
      const event = { detail: { x: 'a'.repeat(length) } };
      let evaluations = 0;
      const started = process.hrtime.bigint();
      while (process.hrtime.bigint() - started < 300_000_000n) {
        for (let i = 0; i < 10; i++) pattern.matches(event);
        evaluations += 10;
      }
      const micros = Number(process.hrtime.bigint() - started) / 1e3 / evaluations;
      figures.push(`${length} chars ${micros.toFixed(2)} µs${previous ? ` (×${(micros / previous).toFixed(1)})` : ''}`);
      previous = micros;
    }
    console.log(`wildcard attack "${wildcard}" against "a…a": ${figures.join(', ')} per evaluation`);
  }
}

/** The delivery pipeline alone (exchange log only), and the whole platform (every registry and view). */
const TOPOLOGIES: Readonly<Record<string, Topology>> = {
  'exchange log only': { ...TOPOLOGY, subscriptions: TOPOLOGY.subscriptions.filter((s) => s.name === 'exchange-log') },
  'full topology': TOPOLOGY,
};

async function withCloud<T>(topology: Topology, fn: (cloud: LocalCloud, delivered: Map<string, number>) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mx-bench-'));
  const delivered = new Map<string, number>();
  const cloud = await LocalCloud.start({
    port: 0,
    dataDir,
    topology,
    onDelivered: (subscription, messages) => {
      if (subscription !== 'exchange-log') return;
      const now = wallClock();
      for (const m of messages) delivered.set((JSON.parse(m.body) as { id: string }).id, now);
    },
  });
  try {
    return await fn(cloud, delivered);
  } finally {
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

interface PublisherResult {
  sent: [string, number][];
  failed: number;
  ackedAt: number;
  started: number;
}

/** Runs the agencies in a worker thread and resolves with every acknowledged event id and its send time. */
function publish(cloud: LocalCloud, mode: 'flood' | 'rate', batches: number, clients: number, intervalMs = 0): Promise<PublisherResult> {
  const worker = new Worker(new URL('./publisher-worker.mjs', import.meta.url), {
    workerData: {
      mode,
      endpoint: cloud.endpoint,
      region: cloud.credentials.region,
      credentials: cloud.credentials.agencies.interior,
      busName: TOPOLOGY.busName,
      clients,
      batches,
      intervalMs,
      seed: Math.floor(Math.random() * 1e6),
    },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: PublisherResult) => resolve(result));
    worker.once('error', reject);
  });
}

const wallClock = () => performance.timeOrigin + performance.now();

async function waitForAll(delivered: Map<string, number>, ids: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (ids.some((id) => !delivered.has(id))) {
    if (Date.now() > deadline) throw new Error(`only ${ids.filter((id) => delivered.has(id)).length} of ${ids.length} delivered`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function benchThroughput(name: string): Promise<void> {
  await withCloud(TOPOLOGIES[name]!, async (cloud, delivered) => {
    const memoryBefore = process.memoryUsage().rss;
    const result = await publish(cloud, 'flood', Math.ceil(EVENTS / 10), CLIENTS);
    const ids = result.sent.map(([id]) => id);
    await waitForAll(delivered, ids, 120_000);
    const done = Math.max(...ids.map((id) => delivered.get(id)!));
    const seconds = (done - result.started) / 1000;
    console.log(
      `end-to-end, ${name}: ${ids.length} events in ${seconds.toFixed(2)} s = ${Math.round(ids.length / seconds)} events/s ` +
        `(PutEvents acknowledged at ${Math.round(ids.length / ((result.ackedAt - result.started) / 1000))} events/s; ${CLIENTS} SDK clients in a publisher thread, batches of 10; ` +
        `${result.failed} refused; cloud RSS +${Math.round((process.memoryUsage().rss - memoryBefore) / 1024 / 1024)} MB)`,
    );
  });
}

async function benchLatency(name: string, rate: number): Promise<void> {
  await withCloud(TOPOLOGIES[name]!, async (cloud, delivered) => {
    const batches = Math.round((rate * RATE_SECONDS) / 10);
    const result = await publish(cloud, 'rate', batches, 4, 10_000 / rate);
    await waitForAll(delivered, result.sent.map(([id]) => id), 60_000);
    const latencies = result.sent.map(([id, t0]) => delivered.get(id)! - t0).sort((a, b) => a - b);
    console.log(
      `latency, ${name}, at ${rate} events/s for ${RATE_SECONDS} s (${latencies.length} events): p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms (PutEvents sent → handler write committed)`,
    );
  });
}

console.log(`migration-exchange bench on ${process.version}, ${(await import('node:os')).cpus().length} cores`);
const only = args.get('only');
if (!only || only === 'matcher') {
  benchMatcher();
  benchWildcardAttack();
}
for (const name of Object.keys(TOPOLOGIES)) {
  if (!only || only === 'throughput') await benchThroughput(name);
}
if (!only || only === 'latency') {
  await benchLatency('exchange log only', RATE);
  await benchLatency('full topology', FULL_RATE);
}
if (!only || only === 'dynamodb') {
  const comparison = await compareDynamoBackends(Number(args.get('dynamodb-concurrency') ?? 16), (line) => console.log(line));
  console.log(args.has('json') ? JSON.stringify({ dynamodb: comparison }) : formatDynamoComparison(comparison));
}
