/**
 * The agencies' side of the benchmark, in its own thread: agencies are other
 * systems, so their SDK work must not share the cloud's event loop.
 * Modes: `flood` sends `batches` batches of 10 as fast as `clients` clients
 * can; `rate` sends one batch of 10 every `intervalMs`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { latestDefinition } from '../schemas/catalog.ts';
import { exampleEntry } from '../schemas/entries.ts';

interface Job {
  mode: 'flood' | 'rate';
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  busName: string;
  clients: number;
  batches: number;
  intervalMs: number;
  /** Keeps people of separate runs apart. */
  seed: number;
}

const job = workerData as Job;
const definition = latestDefinition('StayRegistered')!;
let serial = 0;
/** Ten stays of ten different people: one person's records would serialise every write on one item. */
const batchOf10 = () =>
  Array.from({ length: 10 }, () => {
    const entry = exampleEntry(definition, job.busName);
    const detail = JSON.parse(entry.Detail) as { data: { person: { documentNumber: string }; registrationNumber: string } };
    serial += 1;
    detail.data.person.documentNumber = `B${job.seed}${String(serial).padStart(8, '0')}`;
    detail.data.registrationNumber = `R-BENCH-${job.seed}-${serial}`;
    return { ...entry, Detail: JSON.stringify(detail) };
  });
const clients = Array.from({ length: job.clients }, () => new EventBridgeClient({ endpoint: job.endpoint, region: job.region, credentials: { ...job.credentials } }));
// Sent-at times are reported on the shared clock (performance.timeOrigin + now).
const now = () => performance.timeOrigin + performance.now();

const sent: [string, number][] = [];
let failed = 0;
const started = now();
if (job.mode === 'flood') {
  let next = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (next < job.batches) {
        next++;
        const t0 = now();
        const out = await client.send(new PutEventsCommand({ Entries: batchOf10() }));
        for (const e of out.Entries ?? []) e.EventId ? sent.push([e.EventId, t0]) : failed++;
      }
    }),
  );
} else {
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < job.batches; i++) {
    const wait = started + i * job.intervalMs - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = now();
    inFlight.push(
      clients[i % clients.length]!.send(new PutEventsCommand({ Entries: batchOf10() })).then((out) => {
        for (const e of out.Entries ?? []) e.EventId ? sent.push([e.EventId, t0]) : failed++;
      }),
    );
  }
  await Promise.all(inFlight);
}
parentPort!.postMessage({ sent, failed, ackedAt: now(), started });
for (const client of clients) client.destroy();
