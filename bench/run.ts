/**
 * `npm run bench`: figures for the local cloud on this machine, printed as a
 * table (and as JSON with --json). Sections (--only=<name>[,<name>]):
 *  - matcher: pattern-matcher evaluations per second, and the time of one
 *    evaluation of issue 9's wildcard attacks as the value grows (linear);
 *  - throughput: end-to-end events/s from PutEvents (batches of 10, real SDK
 *    over HTTP, agencies in their own thread) until every subscription has
 *    delivered them, with the exchange log alone and with the whole topology;
 *  - latency: p50/p99 end-to-end latency at a fixed offered rate (--rate, --full-rate);
 *  - dynamodb: dynoxide against dynalite per operation (--dynamodb-concurrency);
 *  - year: a simulated 2021 on a metered cloud at each --year-scales (default
 *    0.01,0.05): its time, DynamoDB requests per command and per event, the
 *    modelled AWS cost per million events, and stats latency per ministry;
 *  - cli: how long `mx --help` takes to answer;
 *  - merkle: the signed Merkle logs (issue 12): end-to-end throughput with the
 *    checkpointer running against the same without it (rows are sequenced in
 *    both), how long after the last delivery its checkpoint is signed, and
 *    `mx log verify` over --merkle-rows rows (default 1,000,000), with the
 *    size and offline check time of a proof (--merkle-overhead=no: only those).
 *  - bundles: every Lambda function of the stack bundled as `cdk deploy` bundles
 *    it, its minified and gzipped size and what the bytes are, and its init time
 *    (a fresh node per run, median of --bundles-runs, default 7), from this tree
 *    and, with --bundles-baseline=<git ref>, from that ref too (bench/bundles.ts).
 * Figures are printed, never asserted: timing belongs here, not in tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DirectoryArchive } from '../functions/merkle/archive.ts';
import { type CloudOptions, LocalCloud } from '../infra/local/cloud.ts';
import { compilePattern } from '../infra/local/event-pattern.ts';
import { MINISTRIES, TOPOLOGY, type Topology } from '../infra/topology.ts';
import { latestDefinition } from '../schemas/catalog.ts';
import { exampleEntry } from '../schemas/entries.ts';
import { loadConformanceCases } from '../test/fixtures/conformance.ts';
import { benchBundles, formatBundles } from './bundles.ts';
import { compareDynamoBackends, formatDynamoComparison } from './dynamodb.ts';
import { benchMerkle } from './merkle.ts';
import { EXCHANGE_LOG_ONLY } from './topologies.ts';
import { benchYear, type YearFigures } from './year.ts';

// The local cloud means its functions' metrics to be off (POWERTOOLS_METRICS_DISABLED=true in their environment),
// but Powertools Metrics reads the switch from process.env only and, with no flush middleware, prints a metric's EMF
// line itself once it holds 100 values: on this process's stdout, in the middle of --json. Set where Metrics looks
// (the clouds R1 and R5 spawn inherit it).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const EVENTS = Number(args.get('events') ?? 20_000);
const RATE = Number(args.get('rate') ?? 1000);
const RATE_SECONDS = Number(args.get('seconds') ?? 10);
const CLIENTS = Number(args.get('clients') ?? 8);
/** The whole platform does several writes per event; its latency is measured at a rate it sustains. */
const FULL_RATE = Number(args.get('full-rate') ?? 200);

/** Every figure of this run, for the closing table and --json. */
const figures: { section: string; figure: string; value: string; note?: string }[] = [];
const json: Record<string, unknown> = {};
/** The object under `json[key]` (throughput, latency, merkle…), created on first use. */
const jsonGroup = (key: string): Record<string, unknown> => {
  json[key] ??= {};
  return json[key] as Record<string, unknown>;
};
const report = (section: string, figure: string, value: string, note?: string) => {
  figures.push({ section, figure, value, ...(note ? { note } : {}) });
  if (!args.has('json')) console.log(`${figure}: ${value}${note ? ` (${note})` : ''}`);
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function benchMatcher(): void {
  const cases = loadConformanceCases().filter((c) => c.expected !== 'invalid');
  const compiled = cases.map((c) => ({ pattern: compilePattern(c.pattern), event: c.event }));
  const topology = TOPOLOGY.subscriptions.map((s) => compilePattern(s.pattern));
  const busEvent = {
    source: 'kz.interior.berkut',
    'detail-type': 'StayRegistered',
    detail: JSON.parse(exampleEntry(latestDefinition('StayRegistered')!, 'x').Detail),
  };
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
  json.matcherEvaluationsPerSecond = Math.round(evaluations / seconds);
  report(
    'matcher',
    'pattern matcher',
    `${(evaluations / seconds / 1e6).toFixed(2)} M evaluations/s`,
    `${compiled.length} conformance patterns + ${topology.length} topology rules; ${matched} matches`,
  );
}

/** Issue 9, item 5: "*a*a*a*a*b" froze the cloud through a backtracking RegExp (200 characters: 30 s). */
function benchWildcardAttack(): void {
  // The trailing star stops the suffix check from refusing early: the matcher must scan the whole value.
  for (const wildcard of ['*a*a*a*a*b', '*a*a*a*b*']) {
    const pattern = compilePattern({ detail: { x: [{ wildcard }] } });
    const steps: string[] = [];
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
      steps.push(`${length} chars ${micros.toFixed(2)} µs${previous ? ` (×${(micros / previous).toFixed(1)})` : ''}`);
      previous = micros;
    }
    report(
      'matcher',
      `wildcard "${wildcard}" against "a…a"`,
      steps.join(', '),
      'per evaluation; linear growth is ×10 per ×10',
    );
  }
}

/** The delivery pipeline alone (exchange log only), and the whole platform (every registry and view). */
const TOPOLOGIES: Readonly<Record<string, { topology: Topology; events: 'stays' | 'mix' }>> = {
  'exchange log only': { topology: EXCHANGE_LOG_ONLY, events: 'stays' },
  'full topology': { topology: TOPOLOGY, events: 'mix' },
};

async function withCloud<T>(
  topology: Topology,
  fn: (cloud: LocalCloud, delivered: Map<string, number>) => Promise<T>,
  options: Partial<CloudOptions> = {},
): Promise<T> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mx-bench-'));
  const delivered = new Map<string, number>();
  const cloud = await LocalCloud.start({
    // A bench sets its own clock: the nightly overstay check must not fire in the middle of a measurement.
    schedules: 'on-trigger',
    ...options,
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
function publish(
  cloud: LocalCloud,
  events: 'stays' | 'mix',
  mode: 'flood' | 'rate',
  batches: number,
  clients: number,
  intervalMs = 0,
): Promise<PublisherResult> {
  const worker = new Worker(new URL('./publisher-worker.mjs', import.meta.url), {
    workerData: {
      mode,
      events,
      endpoint: cloud.endpoint,
      region: cloud.credentials.region,
      credentials: cloud.credentials.agencies.interior,
      agencies: Object.fromEntries(
        Object.entries(cloud.credentials.agencies).map(([id, keys]) => [
          id,
          { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey },
        ]),
      ),
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
    if (Date.now() > deadline)
      throw new Error(`only ${ids.filter((id) => delivered.has(id)).length} of ${ids.length} delivered`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** When every subscription has delivered everything (nothing pending): the whole topology's end. */
async function settledAt(cloud: LocalCloud, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (cloud.health().pending > 0) {
    if (Date.now() > deadline) throw new Error(`${cloud.health().pending} deliveries still pending`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return wallClock();
}

async function benchThroughput(name: string, options: Partial<CloudOptions> = {}, label = name): Promise<number> {
  const { topology, events } = TOPOLOGIES[name]!;
  return withCloud(
    topology,
    async (cloud, delivered) => {
      const memoryBefore = process.memoryUsage().rss;
      const result = await publish(cloud, events, 'flood', Math.ceil(EVENTS / 10), CLIENTS);
      const ids = result.sent.map(([id]) => id);
      await waitForAll(delivered, ids, 300_000);
      const done = await settledAt(cloud, 300_000);
      const seconds = (done - result.started) / 1000;
      const rate = Math.round(ids.length / seconds);
      jsonGroup('throughput')[label] = {
        events: ids.length,
        seconds: Number(seconds.toFixed(2)),
        eventsPerSecond: rate,
      };
      report(
        label === name ? 'throughput' : 'merkle',
        `end-to-end, ${label}`,
        `${rate} events/s`,
        `${ids.length} ${events === 'mix' ? 'mixed agency events' : 'stays'} until every subscription delivered ` +
          `them, ${seconds.toFixed(1)} s; acknowledged at ` +
          `${Math.round(ids.length / ((result.ackedAt - result.started) / 1000))}/s; ${result.failed} refused; ` +
          `cloud RSS +${Math.round((process.memoryUsage().rss - memoryBefore) / 1024 / 1024)} MB`,
      );
      if (cloud.transparency && options.transparency?.checkpointer !== false) {
        // How long after the last delivery the log's checkpoint covers every event.
        const archive = new DirectoryArchive(cloud.transparency.description.checkpoints);
        const deadline = Date.now() + 120_000;
        while (((await archive.latest('exchange-log'))?.size ?? 0) < ids.length && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        const lag = (wallClock() - done) / 1000;
        jsonGroup('merkle')[`signedAfter ${label}`] = Number(lag.toFixed(2));
        report(
          label === name ? 'throughput' : 'merkle',
          `every event signed, ${label}`,
          `${lag.toFixed(1)} s after the last delivery`,
          'checkpoints every 1,000 leaves or 10 s',
        );
      }
      return rate;
    },
    options,
  );
}

/**
 * Throughput with the Merkle checkpointer running and without (rows are sequenced either way),
 * interleaved, best of two each.
 */
async function benchCheckpointOverhead(name: string): Promise<void> {
  const without: number[] = [];
  const withIt: number[] = [];
  for (let round = 0; round < 2; round++) {
    without.push(await benchThroughput(name, { transparency: { checkpointer: false } }, `${name}, checkpointer off`));
    withIt.push(await benchThroughput(name, {}, `${name}, checkpointer on`));
  }
  const [off, on] = [Math.max(...without), Math.max(...withIt)];
  const overhead = (1 - on / off) * 100;
  jsonGroup('merkle')[`overhead ${name}`] = {
    off: without,
    on: withIt,
    overheadPercent: Number(overhead.toFixed(1)),
  };
  report(
    'merkle',
    `checkpointing overhead, ${name}`,
    `${overhead.toFixed(1)} %`,
    `best of two: ${on} events/s with the checkpointer, ${off} without (runs ${withIt.join(', ')} / ` +
      `${without.join(', ')}); goal <= 10 %`,
  );
}

async function benchLatency(name: string, rate: number): Promise<void> {
  const { topology, events } = TOPOLOGIES[name]!;
  await withCloud(topology, async (cloud, delivered) => {
    const batches = Math.round((rate * RATE_SECONDS) / 10);
    const result = await publish(cloud, events, 'rate', batches, 4, 10_000 / rate);
    await waitForAll(
      delivered,
      result.sent.map(([id]) => id),
      60_000,
    );
    const latencies = result.sent.map(([id, t0]) => delivered.get(id)! - t0).sort((a, b) => a - b);
    jsonGroup('latency')[name] = {
      rate,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    };
    report(
      'latency',
      `latency, ${name}, at ${rate} events/s`,
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
      `${latencies.length} events over ${RATE_SECONDS} s, PutEvents sent → exchange-log write committed; ` +
        `Lambda's one-second batching window applies`,
    );
  });
}

function reportYear(year: YearFigures): void {
  const scale = `scale ${year.scale}`;
  report(
    'year',
    `simulated 2021 at ${scale}`,
    `${year.seconds} s`,
    `${year.commands} commands, ${year.events} events accepted, metered cloud in this process, simulator in this ` +
      `process too`,
  );
  report(
    'year',
    `DynamoDB requests per command, ${scale}`,
    String(year.dynamoRequestsPerCommand),
    `${year.dynamoRequestsPerEvent} per event; ${Object.entries(year.requestsByOperation)
      .map(([op, n]) => `${op} ${n}`)
      .join(', ')}`,
  );
  report(
    'year',
    `request units per event, ${scale}`,
    `${year.writeUnitsPerEvent} write, ${year.readUnitsPerEvent} read`,
  );
  const cost = year.costPerMillionEvents;
  report(
    'year',
    `modelled AWS cost per million events, ${scale}`,
    `$${cost.total.toFixed(2)}`,
    `DynamoDB $${cost.dynamodb}, EventBridge $${cost.eventbridge}, SQS $${cost.sqs}, Lambda $${cost.lambda} ` +
      `(bench/cost-model.ts)`,
  );
  const idem = year.idempotency;
  const ops = (byOperation: Record<string, number>) =>
    Object.entries(byOperation)
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
  report(
    'year',
    `of which Powertools Idempotency, per command, ${scale}`,
    String(idem.requestsPerCommand),
    `table ${idem.table}: ${ops(idem.requestsByOperation)}; ${idem.writeUnitsPerEvent} write, ` +
      `${idem.readUnitsPerEvent} read units per event`,
  );
  const bare = idem.withoutIt;
  report(
    'year',
    `DynamoDB requests per command without idempotency, ${scale}`,
    String(bare.dynamoRequestsPerCommand),
    `${bare.dynamoRequestsPerEvent} per event; modelled cost $${bare.costPerMillionEvents.total.toFixed(2)} per ` +
      `million events ` +
      `(DynamoDB $${bare.costPerMillionEvents.dynamodb})`,
  );
  for (const [table, usage] of Object.entries(year.byTable).sort(([, a], [, b]) => b.requests - a.requests)) {
    report(
      'year',
      `DynamoDB per table, ${table}, ${scale}`,
      `${(usage.requests / year.commands).toFixed(3)} requests per command`,
      `${usage.requests} requests (${ops(usage.requestsByOperation)}); ${usage.writeUnits} write, ` +
        `${usage.readUnits} read units`,
    );
  }
  for (const [ministry, s] of Object.entries(year.stats))
    report(
      'year',
      `stats latency, ${ministry}, ${scale}`,
      `p50 ${s.p50} ms, p99 ${s.p99} ms`,
      `${s.samples} reads through the query API`,
    );
}

async function benchCli(): Promise<void> {
  const { execFileSync } = await import('node:child_process');
  const mx = path.resolve(import.meta.dirname, '../infra/bin/mx.mjs');
  // What `npm ci` leaves: the prebuilt CLI, rebuilt here only if a source changed since (mx
  // would otherwise fall back to tsx).
  execFileSync(
    process.execPath,
    [path.resolve(import.meta.dirname, '../infra/bin/build-cli.mjs'), '--if-stale', '--quiet'],
    { stdio: 'inherit' },
  );
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    execFileSync(process.execPath, [mx, '--help'], { stdio: 'ignore' });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  json.cliHelpMs = { p50: Math.round(percentile(times, 50)), max: Math.round(times.at(-1)!) };
  report(
    'cli',
    'mx --help',
    `median ${Math.round(percentile(times, 50))} ms`,
    `7 runs, max ${Math.round(times.at(-1)!)} ms, node infra/bin/mx.mjs (the prebuilt bundle)`,
  );
}

/** The bundle goals of issue 14: each function's bundle minified, and its init (import and handler built). */
const BUNDLE_LIMIT_KB = 100;
const INIT_LIMIT_MS = 30;

async function benchBundleSection(): Promise<void> {
  const baseline = args.get('bundles-baseline');
  const reports = await benchBundles({
    runs: Number(args.get('bundles-runs') ?? 7),
    ...(baseline ? { baseline } : {}),
    log: (line) => (args.has('json') ? undefined : console.log(line)),
  });
  json.bundles = reports;
  if (!args.has('json')) console.log(formatBundles(reports, BUNDLE_LIMIT_KB, INIT_LIMIT_MS));
  for (const r of reports) {
    const largest = r.bundles.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const over = r.bundles.filter((b) => b.bytes > BUNDLE_LIMIT_KB * 1024).length;
    report(
      'bundles',
      `largest Lambda bundle, ${r.label}`,
      `${(largest.bytes / 1024).toFixed(1)} KB`,
      `${largest.handlerModule}; ${over} of ${r.bundles.length} entry modules over ${BUNDLE_LIMIT_KB} KB`,
    );
    const slowest = r.init.reduce((a, b) => (b.own.medianMs > a.own.medianMs ? b : a), r.init[0]!);
    if (slowest) {
      const { own, externals, total } = slowest;
      report(
        'bundles',
        `slowest Lambda init (own code), ${r.label}`,
        `${own.medianMs.toFixed(1)} ms`,
        `${slowest.function}, median of ${args.get('bundles-runs') ?? 7} fresh processes, ` +
          `${own.minMs}–${own.maxMs} ms; ` +
          `+ externals (AWS SDK, Powertools layer) ${externals.medianMs} ms = ${total.medianMs} ms; ` +
          `${r.init.length} functions`,
      );
    }
  }
}

const sections = new Set(
  (args.get('only') ?? 'matcher,throughput,latency,dynamodb,year,cli,merkle,bundles').split(','),
);
if (!args.has('json'))
  console.log(
    `migration-exchange bench on ${process.version}, ${(await import('node:os')).cpus().length} cores, ` +
      `${new Date().toISOString().slice(0, 10)}`,
  );
if (sections.has('matcher')) {
  benchMatcher();
  benchWildcardAttack();
}
if (sections.has('throughput')) for (const name of Object.keys(TOPOLOGIES)) await benchThroughput(name);
if (sections.has('latency')) {
  await benchLatency('exchange log only', RATE);
  await benchLatency('full topology', FULL_RATE);
}
if (sections.has('dynamodb')) {
  const comparison = await compareDynamoBackends(Number(args.get('dynamodb-concurrency') ?? 16), (line) =>
    args.has('json') ? undefined : console.log(line),
  );
  json.dynamodb = comparison;
  if (!args.has('json')) console.log(formatDynamoComparison(comparison));
}
if (sections.has('year')) {
  const years: YearFigures[] = [];
  for (const scale of (args.get('year-scales') ?? '0.01,0.05').split(',').map(Number)) {
    const year = await benchYear(scale, { log: (line) => (args.has('json') ? undefined : console.log(line)) });
    years.push(year);
    reportYear(year);
  }
  json.years = years;
  if (years.length > 1) {
    const [small, large] = [years[0]!, years.at(-1)!];
    for (const ministry of MINISTRIES)
      report(
        'year',
        `stats p99 growth, ${ministry}, scale ${small.scale} → ${large.scale}`,
        `×${(large.stats[ministry].p99 / small.stats[ministry].p99).toFixed(2)}`,
      );
  }
}
if (sections.has('cli')) await benchCli();
if (sections.has('bundles')) await benchBundleSection();
if (sections.has('merkle')) {
  // --merkle-overhead=no leaves out the eight throughput runs (e.g. to try the verify figure alone).
  if (args.get('merkle-overhead') !== 'no')
    for (const name of Object.keys(TOPOLOGIES)) await benchCheckpointOverhead(name);
  const merkle = await benchMerkle(Number(args.get('merkle-rows') ?? 1_000_000), (line) =>
    args.has('json') ? undefined : console.log(line),
  );
  jsonGroup('merkle').verify = merkle;
  report(
    'merkle',
    `mx log verify, ${merkle.rows} rows`,
    `${merkle.verifySeconds} s`,
    `${merkle.verifyRowsPerSecond} rows/s, ${merkle.checkpoints} checkpoints checked, ` +
      `${merkle.verifiedOk ? 'verified' : 'DID NOT VERIFY'}; goal <= 60 s for 1,000,000; rows of ` +
      `${merkle.rowBytes} bytes; filled in ${merkle.fillSeconds} s, signed by the checkpointer in ` +
      `${merkle.checkpointSeconds} s`,
  );
  report(
    'merkle',
    'inclusion proof',
    `${merkle.proofBytes} bytes`,
    `${merkle.proofHashes} hashes, the row and the signed checkpoint, for a leaf of ${merkle.rows}`,
  );
  report(
    'merkle',
    'offline proof check',
    `${merkle.offlineCheckMs.inProcess} ms`,
    `in process (Ed25519 verify, canonical JSON, ${merkle.proofHashes} hashes); \`mx log check-proof\` as a ` +
      `process: ${merkle.offlineCheckMs.cliProcess} ms`,
  );
}
if (args.has('json'))
  console.log(JSON.stringify({ date: new Date().toISOString(), node: process.version, figures, ...json }, null, 2));
else {
  console.log('\nsummary');
  const width = Math.max(...figures.map((f) => f.figure.length));
  for (const f of figures) console.log(`  ${f.figure.padEnd(width)}  ${f.value}`);
}
