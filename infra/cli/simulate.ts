/**
 * `mx simulate`: a year of officials' commands through the command APIs, deterministic for a seed (infra/simulator).
 */
import { Presets, SingleBar } from 'cli-progress';
import { answers } from '../local/cloud-file.ts';
import { planYear } from '../simulator/plan.ts';
import { runPlan, settleLocalCloud } from '../simulator/run.ts';
import { type ConnectionOptions, connect } from './connection.ts';
import { isUnreachable, notReachableMessage } from './failures.ts';
import { CliError, printJson } from './output.ts';

export interface SimulateOptions extends ConnectionOptions {
  year: string;
  scale: string;
  seed: string;
  api?: string;
  concurrency: string;
  json?: boolean;
}

function number(name: string, value: string, check: (n: number) => boolean, expected: string): number {
  const n = Number(value);
  if (!check(n)) throw new CliError(`--${name} must be ${expected}, got ${JSON.stringify(value)}`);
  return n;
}

export async function simulate(opts: SimulateOptions): Promise<void> {
  const year = number('year', opts.year, Number.isInteger, 'a year such as 2021');
  const scale = number('scale', opts.scale, (n) => n > 0 && n <= 1, 'a fraction in (0, 1]');
  const seed = number('seed', opts.seed, Number.isInteger, 'a whole number');
  const concurrency = number(
    'concurrency',
    opts.concurrency,
    (n) => Number.isInteger(n) && n >= 1 && n <= 64,
    'a whole number 1-64',
  );
  let plan: ReturnType<typeof planYear>;
  try {
    plan = planYear(year, scale, seed);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const connection = await connect(opts);
  const api = (opts.api ?? connection.endpoint).replace(/\/$/, '');
  // Asked before the progress bar starts, so a stopped cloud is one line, not a bar and then an error.
  if (!(await answers(connection.endpoint))) throw new CliError(notReachableMessage(connection.endpoint));
  const bar = new SingleBar(
    {
      format: 'simulating {bar} {percentage}% | {value}/{total} commands | {eta_formatted} left',
      stream: process.stderr,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    Presets.shades_classic,
  );
  bar.start(1, 0);
  let summary: Awaited<ReturnType<typeof runPlan>>;
  try {
    summary = await runPlan(plan, {
      api,
      credentials: connection.credentials,
      concurrency,
      settle: () => settleLocalCloud(connection.endpoint, connection.credentials),
      onProgress: (done, total) => {
        bar.setTotal(total);
        bar.update(done);
      },
    });
  } catch (error) {
    if (isUnreachable(error))
      throw new CliError(
        opts.api ? `the command API at ${api} is not reachable: check --api` : notReachableMessage(connection.endpoint),
      );
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(
      `simulation stopped: ${(error as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`,
    );
  } finally {
    bar.stop();
  }
  const result = { ...summary, targets: plan.targets };
  if (opts.json) return printJson(result);
  process.stdout.write(
    `simulated ${year} at scale ${scale} (seed ${seed}) in ${summary.seconds} s\n` +
      (`  commands: ${summary.commands.sent} sent, ${summary.commands.accepted} accepted, ` +
        `${summary.commands.refused} refused\n`) +
      `  events produced by commands: ${summary.events.produced}\n` +
      Object.entries(summary.commands.refusals)
        .map(([k, v]) => `  refused ${k}: ${v}\n`)
        .join('') +
      (`  targets: ${plan.targets.qandasGranted} qandas (${plan.targets.qandasGrantedInQuota} in quota of ` +
        `${plan.targets.qandasQuota}), `) +
      (`${plan.targets.leaActive} LEA permits active on ${plan.targets.leaActiveOn}, ${plan.targets.offences} ` +
        `offences, ${plan.targets.deportations} deportations\n`),
  );
}
