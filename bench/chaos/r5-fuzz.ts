/**
 * R5 fuzz: a cloud in a child process (so a crash is seen as one) takes a
 * seeded stream of mutated requests (fuzz-mutations.ts) over keep-alive
 * connections, a bounded number at a time, each with a timeout. Counted:
 * answers by status class, 5xx (each one a finding), requests that got no
 * answer, crashes (the process gone; it is restarted and the run goes on),
 * internal errors in its log, the longest response, and the process's
 * resident memory before, at its peak and after the backlog is delivered.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { readCredentials } from '../../infra/local/credentials.ts';
import { planYear } from '../../infra/simulator/plan.ts';
import { type CloudProcess, freePort, startCloudProcess } from '../../test/integration/cloud-harness.ts';
import { type CloudAccess, eventsClient, settle } from './cloud-access.ts';
import { personEvents } from './events.ts';
import { type FuzzCase, fuzzCase } from './fuzz-mutations.ts';
import { FUZZ_TARGETS, type FuzzTarget, type SeedContext } from './fuzz-seeds.ts';
import { atLeast, exactly, info, type ScenarioReport, scenario } from './report.ts';
import { keepAliveAgent, NoAnswer, send } from './wire.ts';

export interface FuzzOptions {
  readonly seed: number;
  readonly requests: number;
  readonly concurrency: number;
  /** A request with no answer in this time is a hang (a finding). */
  readonly timeoutMs: number;
  /** People the seed requests are about. */
  readonly people: number;
  readonly settleTimeoutMs: number;
  /** The run fails and stops after this many crashes (each restart costs seconds). */
  readonly maxCrashes: number;
  readonly log: (line: string) => void;
}

/** Resident memory of a process, in MB (Linux /proc; undefined elsewhere or once it is gone). */
async function rssMb(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** The process ids a process started (the DynamoDB backend may run as one), found through /proc. */
async function childrenOf(pid: number | undefined): Promise<number[]> {
  if (pid === undefined) return [];
  const found: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 is the parent; the command name (field 2) may hold spaces, so read after its closing parenthesis.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === pid) found.push(Number(entry), ...(await childrenOf(Number(entry))));
  }
  return found;
}

async function memory(pid: number | undefined): Promise<{ cloud: number; backend: number }> {
  const children = await childrenOf(pid);
  const backend = (await Promise.all(children.map(rssMb))).reduce<number>((sum, mb) => sum + (mb ?? 0), 0);
  return { cloud: (await rssMb(pid)) ?? 0, backend };
}

export async function runFuzz(options: FuzzOptions): Promise<ScenarioReport> {
  const started = Date.now();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mx-chaos-r5-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let internalErrors = 0;
  const internalSamples: string[] = [];
  const watchLog = (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (!line.includes('internal error') && !line.includes('handler failed')) continue;
      internalErrors += 1;
      if (internalSamples.length < 3) internalSamples.push(line.slice(0, 300));
    }
  };
  const start = () => startCloudProcess(dataDir, port, { keepOutputChars: 256 * 1024, onOutput: watchLog });
  let cloud: CloudProcess = start();
  const agent = keepAliveAgent(options.concurrency);
  try {
    await cloud.ready;
    const credentials = (await readCredentials(dataDir))!;
    const access: CloudAccess = { endpoint, credentials };
    const plan = planYear(2021, 0.002, options.seed);
    const context: SeedContext = {
      credentials,
      commands: [...plan.setup, ...plan.scripts.flat()],
      people: options.people,
      seed: options.seed,
    };
    const before = await memory(cloud.child.pid);
    let peak = before.cloud;
    const sampler = setInterval(() => void rssMb(cloud.child.pid).then((mb) => (peak = Math.max(peak, mb ?? 0))), 1000);

    const byStatus = new Map<string, number>();
    const byTarget = new Map<FuzzTarget, number>(FUZZ_TARGETS.map((t) => [t, 0]));
    const serverErrors: string[] = [];
    const noAnswer = { timeout: 0, connection: 0, client: 0 };
    const noAnswerSamples: string[] = [];
    let longest = { ms: 0, label: '' };
    const crashes: string[] = [];
    const inFlight = new Map<number, string>();
    let next = 0;
    let restarting: Promise<void> | undefined;
    let aborted = false;

    /** The process is gone: note what was in flight, restart it on the same port and data dir. */
    const recover = async () => {
      crashes.push(
        `crash ${crashes.length + 1} (exit ${cloud.child.exitCode ?? cloud.child.signalCode}) with in flight: ` +
          `${[...inFlight.values()].slice(0, 3).join(' | ')}; log tail: ${cloud.output().slice(-500)}`,
      );
      if (crashes.length >= options.maxCrashes) {
        aborted = true;
        return;
      }
      cloud = start();
      await cloud.ready;
    };

    const worker = async () => {
      while (!aborted && next < options.requests) {
        const index = next++;
        if (restarting) await restarting;
        let fuzz: FuzzCase;
        try {
          fuzz = await fuzzCase(index, options.seed, context, endpoint);
        } catch (error) {
          // A generator bug: counted apart, never blamed on the server.
          noAnswer.client += 1;
          if (noAnswerSamples.length < 5)
            noAnswerSamples.push(`#${index}: the fuzzer could not build it: ${(error as Error).message}`);
          continue;
        }
        byTarget.set(fuzz.target, byTarget.get(fuzz.target)! + 1);
        inFlight.set(index, `#${index} ${fuzz.label}`);
        try {
          const answer = await send(endpoint, fuzz.request, agent, options.timeoutMs);
          const status = `${Math.floor(answer.status / 100)}xx`;
          byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
          if (answer.status >= 500 && serverErrors.length < 10)
            serverErrors.push(`#${index} ${fuzz.label}: ${answer.status} ${answer.body.slice(0, 200)}`);
          if (answer.ms > longest.ms) longest = { ms: answer.ms, label: `#${index} ${fuzz.label}` };
        } catch (error) {
          if (!(error instanceof NoAnswer)) throw error;
          const gone = cloud.child.exitCode !== null || cloud.child.signalCode !== null;
          if (gone) {
            restarting ??= recover().finally(() => (restarting = undefined));
            await restarting;
          } else {
            noAnswer[error.kind] += 1;
            if (noAnswerSamples.length < 5)
              noAnswerSamples.push(`#${index} ${fuzz.label}: ${error.kind}: ${error.message}`);
          }
        } finally {
          inFlight.delete(index);
        }
        if ((index + 1) % 10_000 === 0) options.log(`R5: ${index + 1} requests sent`);
      }
    };
    const fuzzStarted = Date.now();
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const fuzzSeconds = (Date.now() - fuzzStarted) / 1000;
    clearInterval(sampler);
    const sent = [...byTarget.values()].reduce((a, b) => a + b, 0);
    const rssAtEnd = await memory(cloud.child.pid);

    // Afterwards the cloud must still do its job: deliver the backlog, accept an event.
    const settled = await settle(access, options.settleTimeoutMs);
    const after = await memory(cloud.child.pid);
    const probe = eventsClient(access, credentials.agencies['foreign-affairs']);
    const alive = await probe
      .send(new PutEventsCommand({ Entries: [personEvents(options.seed, options.people + 1)[0]!.entry] }))
      .then((out) => out.FailedEntryCount === 0)
      .catch(() => false);
    probe.destroy();

    const fiveXx = byStatus.get('5xx') ?? 0;
    return scenario(
      'R5',
      'fuzz',
      started,
      [
        atLeast('mutated requests sent', sent, options.requests),
        info(
          '  PutEvents / TestEventPattern / commands / queries',
          FUZZ_TARGETS.map((t) => (byTarget.get(t) ?? 0).toLocaleString('en-US')).join(' / '),
        ),
        info(
          '  answered 2xx / 3xx / 4xx',
          ['2xx', '3xx', '4xx'].map((s) => (byStatus.get(s) ?? 0).toLocaleString('en-US')).join(' / '),
        ),
        info('requests per second', Math.round(sent / fuzzSeconds)),
        exactly('5xx answers', fiveXx, 0),
        exactly('crashes (the process gone)', crashes.length, 0),
        exactly(`no answer within ${options.timeoutMs / 1000} s (a hang)`, noAnswer.timeout, 0),
        exactly('connections dropped without an answer', noAnswer.connection, 0),
        exactly('internal errors in the cloud\u2019s log', internalErrors, 0),
        info('longest response', `${Math.round(longest.ms)} ms (${longest.label.slice(0, 160)})`),
        info(
          'cloud RSS before / peak / at the end / after the backlog',
          `${before.cloud} / ${peak} / ${rssAtEnd.cloud} / ${after.cloud} MB`,
        ),
        info('DynamoDB backend RSS before / after', `${before.backend} / ${after.backend} MB`),
        exactly('backlog not delivered after the fuzz', settled ? 0 : 1, 0),
        exactly('a valid event refused after the fuzz', alive ? 0 : 1, 0),
        exactly('requests the fuzzer could not build or send (its own bugs)', noAnswer.client, 0),
      ],
      [...serverErrors, ...crashes, ...noAnswerSamples, ...internalSamples],
    );
  } finally {
    agent.destroy();
    cloud.child.kill('SIGKILL');
    await cloud.exited();
    await rm(dataDir, { recursive: true, force: true });
  }
}
