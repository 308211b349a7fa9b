/**
 * R1 kill -9: a cloud in a child process, loaded by every agency at once,
 * killed with SIGKILL at random moments and restarted on the same port and
 * data dir while the publishers keep firing (they retry every 2 ms, so they
 * publish the instant the port answers). Afterwards: is every acknowledged
 * event in the exchange log, and does every view (records, counters, stats)
 * hold exactly what one clean delivery of the logged events gives?
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { readCredentials } from '../../infra/local/credentials.ts';
import { Random } from '../../infra/simulator/random.ts';
import { MINISTRIES } from '../../infra/topology.ts';
import type { PutEventsEntry } from '../../schemas/entries.ts';
import { type CloudProcess, freePort, publishUntil, startCloudProcess } from '../../test/integration/cloud-harness.ts';
import { type CloudAccess, deadLetters, eventsClient, settle } from './cloud-access.ts';
import { AgencyStream } from './events.ts';
import { auditLog } from './log-audit.ts';
import { exactly, info, type ScenarioReport, scenario } from './report.ts';
import { compareSnapshots, expectedSnapshot, periodsFor, readSnapshot } from './views.ts';

export interface KillOptions {
  readonly seed: number;
  readonly cycles: number;
  /** Concurrent PutEvents loops per agency (four agencies). */
  readonly publishersPerAgency: number;
  /**
   * The load the agencies offer together, in events per second (none: as
   * fast as they can). A load above what the platform delivers only grows
   * a backlog that every restart must first restore.
   */
  readonly eventsPerSecond?: number;
  /** A kill comes a random time in [minMomentMs, maxMomentMs] after the cloud answers. */
  readonly minMomentMs: number;
  readonly maxMomentMs: number;
  /** How long the last cloud may take to deliver its backlog. */
  readonly settleTimeoutMs: number;
  readonly log: (line: string) => void;
}

const keyOfEntry = (entry: PutEventsEntry) =>
  `${entry.Source}#${(JSON.parse(entry.Detail) as { meta: { eventId: string } }).meta.eventId}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
/** How long a restarted cloud may take to restore its backlog before it opens its port. */
const READY_TIMEOUT_MS = 120_000;

/**
 * Spaces answered PutEvents calls so that all publishers together offer at most
 * `eventsPerSecond` (a pause is not made up for).
 */
function pacer(eventsPerSecond: number | undefined, eventsPerCall: number): () => Promise<void> {
  if (!eventsPerSecond) return () => Promise.resolve();
  const interval = (1000 * eventsPerCall) / eventsPerSecond;
  let next = 0;
  return async () => {
    const now = performance.now();
    const slot = Math.max(next, now);
    next = slot + interval;
    if (slot > now) await sleep(slot - now);
  };
}
export async function runKillCycles(options: KillOptions): Promise<ScenarioReport> {
  const started = Date.now();
  const random = new Random(options.seed);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mx-chaos-r1-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const start = () =>
    startCloudProcess(dataDir, port, { keepOutputChars: 64 * 1024, readyTimeoutMs: READY_TIMEOUT_MS });
  let cloud: CloudProcess = start();
  const clients: EventBridgeClient[] = [];
  const findings: string[] = [];
  let stopped = false;
  let load: Promise<unknown> = Promise.resolve();
  try {
    await cloud.ready;
    const credentials = (await readCredentials(dataDir))!;
    const access: CloudAccess = { endpoint, credentials };

    // The load: every agency publishing its own events, several loops each, until the last cycle is done.
    const acknowledged = new Set<string>();
    let firstMoment = 0;
    let inFirstMoment = false;
    const pace = pacer(options.eventsPerSecond, 10);
    const loadStarted = Date.now();
    const publishing = Promise.all(
      MINISTRIES.map((agency) => {
        const client = eventsClient(access, credentials.agencies[agency]);
        clients.push(client);
        const stream = new AgencyStream(options.seed, agency);
        return publishUntil(
          client,
          () => stream.batch(10).map((e) => e.entry),
          (entry) => {
            acknowledged.add(keyOfEntry(entry));
            if (inFirstMoment) firstMoment += 1;
          },
          () => stopped,
          options.publishersPerAgency,
          pace,
        );
      }),
    );
    load = publishing;

    // The cycles: a random moment after the port answered, kill -9, restart at once on the same port and data dir.
    const restartMs: number[] = [];
    const moments: number[] = [];
    let firstSecond: NodeJS.Timeout | undefined;
    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      const moment = random.int(options.minMomentMs, options.maxMomentMs);
      moments.push(moment);
      await sleep(moment);
      clearTimeout(firstSecond);
      inFirstMoment = false;
      const ackedBefore = acknowledged.size;
      cloud.child.kill('SIGKILL');
      await cloud.exited();
      const killedAt = Date.now();
      cloud = start();
      // What the issue's defect lost: events acknowledged in the first moment after a restart (until a
      // second after the port answers).
      inFirstMoment = true;
      await cloud.ready;
      firstSecond = setTimeout(() => (inFirstMoment = false), 1000);
      restartMs.push(Date.now() - killedAt);
      options.log(
        `R1 cycle ${cycle}/${options.cycles}: killed ${moment} ms after the port answered, ${ackedBefore} ` +
          `acknowledged so far, back in ${restartMs.at(-1)} ms`,
      );
    }
    await sleep(1000);
    stopped = true;
    const published = await publishing;
    const loadSeconds = (Date.now() - loadStarted) / 1000;

    // Afterwards: let the last cloud deliver its backlog, then audit the log and every view.
    const settleStarted = Date.now();
    const settled = await settle(access, options.settleTimeoutMs);
    const settleSeconds = (Date.now() - settleStarted) / 1000;
    options.log(
      `R1: ${acknowledged.size} acknowledged; ` +
        `${settled ? `settled in ${settleSeconds.toFixed(1)} s` : 'did NOT settle'}; auditing`,
    );
    const audit = await auditLog(access);
    const lost = [...acknowledged].filter((k) => !audit.rows.has(k));
    const unacknowledged = [...audit.rows.keys()].filter((k) => !acknowledged.has(k)).length;
    const periods = periodsFor(audit.events);
    const difference = compareSnapshots(
      await readSnapshot(access, periods),
      expectedSnapshot(audit.events, credentials.personKeySecret, periods),
    );
    const parked = await deadLetters(access);

    findings.push(...lost.slice(0, 5).map((k) => `lost: ${k} was acknowledged and is not in the exchange log`));
    findings.push(...difference.samples);
    findings.push(...parked.slice(0, 5).map((d) => `parked: ${d.queue} ${d.eventId ?? d.messageId}: ${d.error ?? ''}`));
    if (!settled)
      findings.push(
        `the cloud still had deliveries pending ${options.settleTimeoutMs / 1000} s after the load stopped`,
      );
    return scenario(
      'R1',
      'kill -9 under load',
      started,
      [
        info('kill -9 cycles', options.cycles),
        info('kill moments after the port answered (ms)', moments.join(', ')),
        info('restart, kill to port answering (median / max)', `${median(restartMs)} / ${Math.max(...restartMs)} ms`),
        info(
          'load offered (all agencies)',
          options.eventsPerSecond ? `${options.eventsPerSecond} events/s` : 'as fast as acknowledged',
        ),
        info('events acknowledged', acknowledged.size),
        info('  per second of load, restarts included', Math.round(acknowledged.size / loadSeconds)),
        info('acknowledged in the first second after a restart', firstMoment),
        info(
          'calls refused while the cloud was down (retried 2 ms later)',
          published.reduce((n, p) => n + p.failedCalls, 0),
        ),
        exactly(
          'entries refused in an answered PutEvents',
          published.reduce((n, p) => n + p.refusedEntries, 0),
          0,
        ),
        exactly('acknowledged events lost (not in the exchange log)', lost.length, 0),
        info('logged, never acknowledged (in flight at a kill)', unacknowledged),
        exactly('duplicated: second log rows under one event id', audit.conflicts.length, 0),
        exactly('duplicated: counts above one clean delivery (all views and registries)', difference.excess, 0),
        exactly('counts below one clean delivery', difference.missing, 0),
        exactly(
          `records unlike one clean delivery (of ${difference.recordsCompared.toLocaleString('en-US')})`,
          difference.records,
          0,
        ),
        exactly(`stats unlike a recount (of ${difference.statsCompared} ministry × period)`, difference.stats, 0),
        exactly('contract breaches logged', audit.breaches.length, 0),
        exactly('dead letters', parked.length, 0),
        exactly('backlog not delivered after the load', settled ? 0 : 1, 0),
        info('time to deliver the backlog after the load', `${settleSeconds.toFixed(1)} s`),
      ],
      findings,
    );
  } finally {
    stopped = true;
    await load.catch(() => undefined);
    for (const client of clients) client.destroy();
    cloud.child.kill('SIGKILL');
    await cloud.exited();
    await rm(dataDir, { recursive: true, force: true });
  }
}
