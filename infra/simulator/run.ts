/**
 * Sends a simulation plan through the agency systems' command APIs in the
 * order of `schedule` (a round's commands are about different people and go
 * in parallel batches of up to 100). Where the schedule settles, it waits
 * for the exchange to, so that reactions (one-window residence, revocations)
 * are in the registries before later commands depend on them.
 */
import { randomUUID } from 'node:crypto';
import type { CommandResult } from '../../functions/command-api/execute.ts';
import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import type { CloudCredentials } from '../local/credentials.ts';
import { cloudHealth } from '../local/health-client.ts';
import type { Ministry } from '../topology.ts';
import type { PlannedCommand, SimulationPlan } from './plan.ts';
import { commandCount, schedule } from './schedule.ts';

export interface RunOptions {
  readonly api: string;
  readonly credentials: CloudCredentials;
  readonly concurrency?: number;
  /** Resolves when queued deliveries are done (undefined: do not wait). */
  readonly settle?: () => Promise<void>;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SimulationSummary {
  year: number;
  scale: number;
  seed: number;
  commands: {
    sent: number;
    accepted: number;
    refused: number;
    byCommand: Record<string, { accepted: number; refused: number }>;
    refusals: Record<string, number>;
  };
  events: { produced: number; byDetailType: Record<string, number> };
  seconds: number;
}

const BATCH = 100;
const NETWORK_ATTEMPTS = 3;

/**
 * Retries a request whose connection failed before any answer (fetch's
 * "fetch failed", e.g. a reused keep-alive socket the server had closed).
 * HTTP errors are answers and are not retried. A request that did reach the
 * API may have run; its commands' ids make the retry safe.
 */
async function withRetries(request: () => Promise<Response>): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= NETWORK_ATTEMPTS || !(error instanceof TypeError)) throw error;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

export async function runPlan(plan: SimulationPlan, options: RunOptions): Promise<SimulationSummary> {
  const started = Date.now();
  const summary: SimulationSummary = {
    year: plan.year,
    scale: plan.scale,
    seed: plan.seed,
    commands: { sent: 0, accepted: 0, refused: 0, byCommand: {}, refusals: {} },
    events: { produced: 0, byDetailType: {} },
    seconds: 0,
  };
  const total = commandCount(plan);
  const record = (planned: PlannedCommand, result: CommandResult) => {
    summary.commands.sent += 1;
    let entry = summary.commands.byCommand[planned.command];
    if (!entry) {
      entry = { accepted: 0, refused: 0 };
      summary.commands.byCommand[planned.command] = entry;
    }
    if (result.ok) {
      summary.commands.accepted += 1;
      entry.accepted += 1;
      for (const e of result.events) {
        summary.events.produced += 1;
        summary.events.byDetailType[e.detailType] = (summary.events.byDetailType[e.detailType] ?? 0) + 1;
      }
    } else {
      summary.commands.refused += 1;
      entry.refused += 1;
      const key = `${planned.command}: ${result.error.code}`;
      summary.commands.refusals[key] = (summary.commands.refusals[key] ?? 0) + 1;
    }
    options.onProgress?.(summary.commands.sent, total);
  };

  // Each command carries an id for this run, so a retry after a lost answer is answered instead of run twice.
  const runId = randomUUID();
  let commandNumber = 0;
  const send = async (group: readonly PlannedCommand[]) => {
    const { system, agency } = group[0]!;
    const commands = group.map((c) => ({
      commandId: `${runId}:${commandNumber++}`,
      command: c.command,
      input: c.input,
      occurredAt: c.occurredAt,
    }));
    const request = () =>
      signedFetch(`${options.api}/commands/${system}`, {
        method: 'POST',
        // A round's commands are about different people, so the system may run them concurrently.
        body: JSON.stringify({ ordered: false, commands }),
        keys: options.credentials.agencies[agency as Ministry],
        region: options.credentials.region,
      });
    const response = await withRetries(request);
    const body = (await response.json()) as { results?: CommandResult[]; error?: { message: string } };
    if (!response.ok || !body.results)
      throw new Error(
        `command API ${system} answered ${response.status}: ${body.error?.message ?? JSON.stringify(body)}`,
      );
    body.results.forEach((result, i) => {
      record(group[i]!, result);
    });
  };

  /** Sends independent commands: grouped by system and agency, in batches, several at once. */
  const sendAll = async (commands: readonly PlannedCommand[]) => {
    const groups = new Map<string, PlannedCommand[]>();
    for (const c of commands) {
      const key = `${c.system}|${c.agency}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    const batches: PlannedCommand[][] = [];
    for (const group of groups.values())
      for (let i = 0; i < group.length; i += BATCH) batches.push(group.slice(i, i + BATCH));
    let next = 0;
    const workers = Array.from({ length: options.concurrency ?? 4 }, async () => {
      while (next < batches.length) await send(batches[next++]!);
    });
    await Promise.all(workers);
  };

  for (const step of schedule(plan)) {
    if (step.kind === 'commands') await sendAll(step.commands);
    else await options.settle?.();
  }
  summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  return summary;
}

/** Waits until the local cloud reports no pending deliveries (its health endpoint, read as the platform). */
export async function settleLocalCloud(
  endpoint: string,
  credentials: Pick<CloudCredentials, 'platform' | 'region'>,
  timeoutMs = 30 * 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = await cloudHealth<{ pending: number }>(endpoint, credentials);
    if (health?.pending === undefined) return; // not the embedded cloud: nothing to wait on
    if (health.pending === 0) return;
    if (Date.now() > deadline)
      throw new Error(
        `the exchange did not settle within ${timeoutMs / 1000} s (${health.pending} deliveries pending)`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
