/**
 * A simulated year on a fresh, metered local cloud: how long it takes, what it
 * asks of DynamoDB per command and per event, what that would cost on AWS, and
 * how fast each ministry's stats answer afterwards (the figure that must not
 * grow with the size of the views).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { signedFetch } from '../functions/lib/signed-fetch.ts';
import { LocalCloud } from '../infra/local/cloud.ts';
import { planYear } from '../infra/simulator/plan.ts';
import { runPlan, settleLocalCloud } from '../infra/simulator/run.ts';
import { COMMAND_IDEMPOTENCY_TABLE, MINISTRIES, type Ministry } from '../infra/topology.ts';
import { type CostPerMillionEvents, costPerMillionEvents, type Usage } from './cost-model.ts';
import { meterPerTable, type TableUsage } from './table-meter.ts';

export interface YearFigures {
  readonly scale: number;
  readonly seconds: number;
  readonly commands: number;
  readonly events: number;
  readonly dynamoRequestsPerCommand: number;
  readonly dynamoRequestsPerEvent: number;
  readonly writeUnitsPerEvent: number;
  readonly readUnitsPerEvent: number;
  readonly requestsByOperation: Record<string, number>;
  readonly costPerMillionEvents: CostPerMillionEvents;
  /** What the meter counted, per physical table (a request spanning tables counts for each). */
  readonly byTable: Record<string, TableUsage>;
  /** Powertools Idempotency's share (its table), and the same figures without it. */
  readonly idempotency: {
    readonly table: string;
    readonly requestsPerCommand: number;
    readonly requestsByOperation: Record<string, number>;
    readonly writeUnitsPerEvent: number;
    readonly readUnitsPerEvent: number;
    readonly withoutIt: {
      readonly dynamoRequestsPerCommand: number;
      readonly dynamoRequestsPerEvent: number;
      readonly costPerMillionEvents: CostPerMillionEvents;
    };
  };
  readonly stats: Record<Ministry, { p50: number; p99: number; samples: number }>;
  readonly dataDirMb: number;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

async function dirSizeMb(dir: string): Promise<number> {
  const { readdir, stat } = await import('node:fs/promises');
  let bytes = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) bytes += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return Math.round(bytes / 1024 / 1024);
}

/** Stats latency per ministry: `samples` reads alternating a whole year and an "as of" day, one at a time. */
export async function statsLatency(
  cloud: Pick<LocalCloud, 'endpoint' | 'credentials'>,
  samples: number,
): Promise<YearFigures['stats']> {
  const out = {} as YearFigures['stats'];
  for (const ministry of MINISTRIES) {
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const query = i % 2 === 0 ? 'year=2021' : 'asOf=2021-12-01';
      const started = performance.now();
      const response = await signedFetch(`${cloud.endpoint}/api/views/${ministry}/stats?${query}`, {
        keys: cloud.credentials.operators[ministry],
        region: cloud.credentials.region,
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${ministry} stats answered ${response.status}`);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    out[ministry] = { p50: round(percentile(times, 50), 1), p99: round(percentile(times, 99), 1), samples };
  }
  return out;
}

export async function benchYear(
  scale: number,
  options: { statsSamples?: number; log?: (line: string) => void } = {},
): Promise<YearFigures> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mx-bench-year-'));
  // The simulator plays the nightly overstay check itself, on its own clock: the cloud's schedule must not fire too.
  const cloud = await LocalCloud.start({ port: 0, dataDir, meterDynamo: true, schedules: 'on-trigger' });
  const perTable = await meterPerTable(cloud);
  try {
    const plan = planYear(2021, scale, 2021);
    cloud.dynamoMeter!.reset();
    perTable.reset();
    let lastLog = 0;
    const summary = await runPlan(plan, {
      api: cloud.endpoint,
      credentials: cloud.credentials,
      settle: () => settleLocalCloud(cloud.endpoint, cloud.credentials),
      onProgress: (done, total) => {
        if (Date.now() - lastLog > 30_000) {
          lastLog = Date.now();
          options.log?.(`  simulate ${scale}: ${done}/${total} commands`);
        }
      },
    });
    await settleLocalCloud(cloud.endpoint, cloud.credentials);
    const meter = cloud.dynamoMeter!.reading();
    const deliveries = cloud.deliveryStats();
    const events = deliveries.find((d) => d.subscription === 'exchange-log')?.delivered ?? 0;
    const dynamoRequests = Object.values(meter.requests).reduce((a, b) => a + b, 0);
    const usage: Usage = {
      events,
      commands: summary.commands.sent,
      dynamoRequests,
      readUnits: meter.readUnits,
      writeUnits: meter.writeUnits,
      deliveries: deliveries.reduce((n, d) => n + (d.delivered ?? 0) + (d.failed ?? 0), 0),
      // Subscription batches, plus one command-API invocation per batch of up to 100 commands.
      invocations: deliveries.reduce((n, d) => n + (d.invocations ?? 0), 0) + Math.ceil(summary.commands.sent / 100),
    };
    const byTable = perTable.reading();
    const idempotencyTable = cloud.tableName(COMMAND_IDEMPOTENCY_TABLE);
    const idem = byTable[idempotencyTable] ?? { requests: 0, requestsByOperation: {}, readUnits: 0, writeUnits: 0 };
    const stats = await statsLatency(cloud, options.statsSamples ?? 40);
    return {
      scale,
      seconds: summary.seconds,
      commands: summary.commands.sent,
      events,
      dynamoRequestsPerCommand: round(dynamoRequests / summary.commands.sent),
      dynamoRequestsPerEvent: round(dynamoRequests / events),
      writeUnitsPerEvent: round(meter.writeUnits / events),
      readUnitsPerEvent: round(meter.readUnits / events),
      requestsByOperation: meter.requests,
      costPerMillionEvents: costPerMillionEvents(usage),
      byTable,
      idempotency: {
        table: idempotencyTable,
        requestsPerCommand: round(idem.requests / summary.commands.sent),
        requestsByOperation: idem.requestsByOperation,
        writeUnitsPerEvent: round(idem.writeUnits / events),
        readUnitsPerEvent: round(idem.readUnits / events),
        withoutIt: {
          dynamoRequestsPerCommand: round((dynamoRequests - idem.requests) / summary.commands.sent),
          dynamoRequestsPerEvent: round((dynamoRequests - idem.requests) / events),
          costPerMillionEvents: costPerMillionEvents({
            ...usage,
            dynamoRequests: dynamoRequests - idem.requests,
            readUnits: meter.readUnits - idem.readUnits,
            writeUnits: meter.writeUnits - idem.writeUnits,
          }),
        },
      },
      stats,
      dataDirMb: await dirSizeMb(dataDir),
    };
  } finally {
    perTable.stop();
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
