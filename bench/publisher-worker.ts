/**
 * The agencies' side of the benchmark, in its own thread: agencies are other
 * systems, so their SDK work must not share the cloud's event loop.
 * Modes: `flood` sends `batches` batches of 10 as fast as `clients` clients
 * can; `rate` sends one batch of 10 every `intervalMs`. Events: stays only
 * (`stays`), or a mix of every agency's everyday events (`mix`: visas,
 * crossings, stays, offences, work permits), each about a different person,
 * each batch from one agency under its own keys.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { latestDefinition } from '../schemas/catalog.ts';
import { exampleEntry } from '../schemas/entries.ts';

type Keys = { accessKeyId: string; secretAccessKey: string };
interface Job {
  mode: 'flood' | 'rate';
  events: 'stays' | 'mix';
  endpoint: string;
  region: string;
  credentials: Keys;
  /** Per agency, for the mix. */
  agencies: Record<string, Keys>;
  busName: string;
  clients: number;
  batches: number;
  intervalMs: number;
  /** Keeps people of separate runs apart. */
  seed: number;
}

// The examples are mutated field by field to make each event unique; the schema, not this file, types them.
// biome-ignore lint/suspicious/noExplicitAny: see above.
type Untyped = Record<string, any>;

const job = workerData as Job;
let serial = 0;
/**
 * Which agency sends each kind of event in the mix, and how each is made unique (a
 * different person, a different number).
 */
const MIX: readonly { agency: string; detailType: string; vary: (data: Untyped, n: number) => void }[] = [
  {
    agency: 'foreign-affairs',
    detailType: 'VisaIssued',
    vary: (d, n) => (d.visaNumber = `BV${String(n).padStart(8, '0')}`),
  },
  {
    agency: 'border-service',
    detailType: 'BorderCrossingRecorded',
    vary: (d, n) => (d.crossedAt = new Date(Date.UTC(2021, 0, 1) + n * 1000).toISOString().replace('.000', '')),
  },
  { agency: 'interior', detailType: 'StayRegistered', vary: (d, n) => (d.registrationNumber = `R-BENCH-${n}`) },
  { agency: 'interior', detailType: 'AdministrativeOffenceRecorded', vary: (d, n) => (d.offenceId = `AO-BENCH-${n}`) },
  {
    agency: 'labour',
    detailType: 'WorkPermitIssued',
    vary: (d, n) => (d.permitNumber = `WP-75-2021-${String(n % 1_000_000).padStart(6, '0')}`),
  },
];
const STAYS = [{ agency: 'interior', detailType: 'StayRegistered', vary: MIX[2]!.vary }];
/**
 * Ten events about ten different people (one person's records would serialise every write
 * on one item), from one agency.
 */
function batchOf10(round: number) {
  const kinds = job.events === 'mix' ? MIX : STAYS;
  const kind = kinds[round % kinds.length]!;
  const definition = latestDefinition(kind.detailType)!;
  return {
    agency: kind.agency,
    entries: Array.from({ length: 10 }, () => {
      const entry = exampleEntry(definition, job.busName);
      const detail = JSON.parse(entry.Detail) as { data: Untyped };
      serial += 1;
      detail.data.person = {
        citizenship: detail.data.person.citizenship,
        documentNumber: `B${job.seed % 100000}${String(serial).padStart(8, '0')}`,
      };
      kind.vary(detail.data, job.seed * 100 + serial);
      return { ...entry, Detail: JSON.stringify(detail) };
    }),
  };
}
const clientsOf = (keys: Keys) =>
  Array.from(
    { length: job.clients },
    () => new EventBridgeClient({ endpoint: job.endpoint, region: job.region, credentials: { ...keys } }),
  );
const agencyClients = new Map(Object.entries(job.agencies).map(([agency, keys]) => [agency, clientsOf(keys)]));
const clients = [...agencyClients.values()].flat();
const send = (round: number, clientIndex: number) => {
  const { agency, entries } = batchOf10(round);
  return agencyClients.get(agency)![clientIndex % job.clients]!.send(new PutEventsCommand({ Entries: entries }));
};
// Sent-at times are reported on the shared clock (performance.timeOrigin + now).
const now = () => performance.timeOrigin + performance.now();

const sent: [string, number][] = [];
let failed = 0;
const started = now();
if (job.mode === 'flood') {
  let next = 0;
  await Promise.all(
    Array.from({ length: job.clients }, async (_, c) => {
      while (next < job.batches) {
        const round = next++;
        const t0 = now();
        const out = await send(round, c);
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
      send(i, i).then((out) => {
        for (const e of out.Entries ?? []) e.EventId ? sent.push([e.EventId, t0]) : failed++;
      }),
    );
  }
  await Promise.all(inFlight);
}
parentPort!.postMessage({ sent, failed, ackedAt: now(), started });
for (const client of clients) client.destroy();
