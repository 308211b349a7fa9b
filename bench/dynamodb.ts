/**
 * dynoxide against dynalite, in one bench run: for each backend a local
 * cloud in this process (so the figures include what the cloud itself does
 * per DynamoDB request: reading, SigV4, routing, and for dynoxide the
 * forwarding hop), driven by a load generator in a child process at a fixed
 * concurrency. CPU per request = this process's CPU (process.cpuUsage: main
 * thread plus dynalite's worker thread) + dynoxide's server process (from
 * /proc/<pid>/stat; it is a second process), over the measured requests.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalCloud } from '../infra/local/cloud.ts';
import type { BackendName } from '../infra/local/dynamodb-backends.ts';
import { locateDynoxide, processCpuMs } from '../infra/local/dynoxide.ts';
import { EXCHANGE_LOG_ONLY } from './topologies.ts';

export const DYNAMO_OPERATIONS = [
  'PutItem',
  'PutItem (conditional)',
  'GetItem',
  'BatchWriteItem (25)',
  'Query (10 items)',
  'TransactWriteItems (2)',
] as const;
type Operation = (typeof DYNAMO_OPERATIONS)[number];

/** Requests per measured round; a batch request carries 25 items, so fewer of them. */
const REQUESTS: Readonly<Record<Operation, number>> = {
  PutItem: 3000,
  'PutItem (conditional)': 3000,
  GetItem: 3000,
  'BatchWriteItem (25)': 400,
  'Query (10 items)': 2000,
  'TransactWriteItems (2)': 1500,
};

export interface OperationFigure {
  requests: number;
  failed: number;
  requestsPerSecond: number;
  /** Cloud process + dynoxide process, per request. */
  cpuMsPerRequest: number;
  cloudCpuMsPerRequest: number;
  /** Of the cloud's CPU, what its main thread (the event loop every handler shares) spent. */
  eventLoopCpuMsPerRequest: number;
  serverProcessCpuMsPerRequest: number;
}

export interface BackendFigures {
  backend: BackendName;
  detail: string;
  operations: Record<string, OperationFigure>;
}

export interface DynamoComparison {
  concurrency: number;
  backends: BackendFigures[];
  /** dynoxide ÷ dynalite per operation: above 1 is faster for throughput, below 1 is cheaper for CPU. */
  ratio?: Record<string, { requestsPerSecond: number; cpuMsPerRequest: number }>;
}

interface LoadResult {
  requests: number;
  failed: number;
  seconds: number;
  firstError?: string;
}

function startLoad(endpoint: string, cloud: LocalCloud) {
  const child = fork(
    new URL('./dynamodb-load.mjs', import.meta.url),
    [JSON.stringify({ endpoint, region: cloud.credentials.region, credentials: cloud.credentials.platform })],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const run = (message: { op: string; requests: number; concurrency: number; round: number }) =>
    new Promise<LoadResult>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`the load generator exited with ${code}`));
      child.once('exit', exited);
      child.once('message', (result) => {
        child.off('exit', exited);
        resolve(result as LoadResult);
      });
      child.send(message);
    });
  return { run, stop: () => child.disconnect() };
}

async function measureBackend(
  backend: BackendName,
  concurrency: number,
  log: (line: string) => void,
): Promise<BackendFigures> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `mx-bench-${backend}-`));
  const before = process.env.MX_DYNAMODB;
  process.env.MX_DYNAMODB = backend;
  // Only the exchange log's subscription (the stack will not synthesize without the log's owner), and no event is
  // published to it: DynamoDB traffic alone in the measured CPU.
  const cloud = await LocalCloud.start({
    port: 0,
    dataDir,
    topology: EXCHANGE_LOG_ONLY,
    schedules: 'on-trigger',
  }).finally(() => {
    if (before === undefined) delete process.env.MX_DYNAMODB;
    else process.env.MX_DYNAMODB = before;
  });
  const load = startLoad(cloud.endpoint, cloud);
  try {
    const { detail } = cloud.health().dynamodb;
    const serverPid = backend === 'dynoxide' ? Number(/pid (\d+)/.exec(detail)?.[1]) : undefined;
    const serverCpu = () => (serverPid === undefined ? 0 : (processCpuMs(serverPid) ?? NaN));
    const eventLoopCpu = () => processCpuMs(process.pid, process.pid) ?? NaN;
    const cloudCpu = () => {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1000;
    };
    const setup = await load.run({ op: 'setup', requests: 0, concurrency, round: 0 });
    if (setup.failed) throw new Error(`bench setup failed on ${backend}: ${setup.firstError}`);
    const operations: Record<string, OperationFigure> = {};
    for (const op of DYNAMO_OPERATIONS) {
      await load.run({ op, requests: Math.ceil(REQUESTS[op] / 5), concurrency, round: 0 }); // warm-up
      const cloud0 = cloudCpu();
      const loop0 = eventLoopCpu();
      const server0 = serverCpu();
      const result = await load.run({ op, requests: REQUESTS[op], concurrency, round: 1 });
      const cloudMs = cloudCpu() - cloud0;
      const loopMs = eventLoopCpu() - loop0;
      const serverMs = serverCpu() - server0;
      if (result.failed)
        log(`  ${backend} ${op}: ${result.failed} of ${result.requests} failed, first: ${result.firstError}`);
      operations[op] = {
        requests: result.requests,
        failed: result.failed,
        requestsPerSecond: result.requests / result.seconds,
        cpuMsPerRequest: (cloudMs + serverMs) / result.requests,
        cloudCpuMsPerRequest: cloudMs / result.requests,
        eventLoopCpuMsPerRequest: loopMs / result.requests,
        serverProcessCpuMsPerRequest: serverMs / result.requests,
      };
    }
    return { backend, detail, operations };
  } finally {
    load.stop();
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function compareDynamoBackends(
  concurrency: number,
  log: (line: string) => void,
): Promise<DynamoComparison> {
  const located = locateDynoxide();
  const backends: BackendName[] = 'missing' in located ? ['dynalite'] : ['dynoxide', 'dynalite'];
  if ('missing' in located) log(`DynamoDB backends: dynoxide not measured (${located.missing})`);
  const figures: BackendFigures[] = [];
  for (const backend of backends) figures.push(await measureBackend(backend, concurrency, log));
  const [dynoxide, dynalite] = figures.length === 2 ? figures : [undefined, figures[0]];
  const ratio =
    dynoxide && dynalite
      ? Object.fromEntries(
          DYNAMO_OPERATIONS.map((op) => [
            op,
            {
              requestsPerSecond:
                dynoxide.operations[op]!.requestsPerSecond / dynalite.operations[op]!.requestsPerSecond,
              cpuMsPerRequest: dynoxide.operations[op]!.cpuMsPerRequest / dynalite.operations[op]!.cpuMsPerRequest,
            },
          ]),
        )
      : undefined;
  return { concurrency, backends: figures, ...(ratio ? { ratio } : {}) };
}

/** The comparison as a table, one row per operation. */
export function formatDynamoComparison(comparison: DynamoComparison): string {
  const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
  const header = [
    'operation',
    ...comparison.backends.flatMap((b) => [`${b.backend} req/s`, `${b.backend} CPU ms/req`, 'event loop']),
    ...(comparison.ratio ? ['req/s ratio', 'CPU ratio'] : []),
  ];
  const rows = DYNAMO_OPERATIONS.map((op) => [
    op,
    ...comparison.backends.flatMap((b) => {
      const f = b.operations[op]!;
      const cpu =
        b.backend === 'dynoxide'
          ? `${fixed(f.cpuMsPerRequest, 3)} (${fixed(f.cloudCpuMsPerRequest, 3)} + ` +
            `${fixed(f.serverProcessCpuMsPerRequest, 3)})`
          : fixed(f.cpuMsPerRequest, 3);
      return [String(Math.round(f.requestsPerSecond)), cpu, fixed(f.eventLoopCpuMsPerRequest, 3)];
    }),
    ...(comparison.ratio
      ? [`${fixed(comparison.ratio[op]!.requestsPerSecond, 2)}×`, `${fixed(comparison.ratio[op]!.cpuMsPerRequest, 2)}×`]
      : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `DynamoDB backends, ${comparison.concurrency} concurrent SDK requests from a separate process; CPU = cloud ` +
      `process${comparison.backends.some((b) => b.backend === 'dynoxide') ? ' (+ dynoxide process)' : ''}, of ` +
      `which the cloud's event loop; ratio = dynoxide / dynalite`,
    ...comparison.backends.map((b) => `  ${b.backend}: ${b.detail}`),
    line(header),
    ...rows.map(line),
  ].join('\n');
}
