/**
 * `npm run chaos`: the trust guarantees of issue 9, proven with figures,
 * each scenario against a fresh local cloud of its own:
 *   R1 kill -9 under load, R2 duplicate + shuffle, R3 poison,
 *   R4 authorisation matrix, R5 fuzz.
 * Prints a table per scenario (target, result, PASS/FAIL) and exits
 * non-zero when a target is missed. Bounded in time and count; not part of
 * `npm test`, which runs a small slice of each (test/integration/chaos-slice.test.ts).
 *
 *   npm run chaos -- [--quick] [--only R1,R3] [--seed 2021] [--json] [--verbose]
 */
import '../infra/bin/quiet-sdk-warning.mjs';
import { runKillCycles } from './chaos/r1-kill.ts';
import { runDuplicateShuffle } from './chaos/r2-duplicates.ts';
import { runPoison } from './chaos/r3-poison.ts';
import { runAuthorisation } from './chaos/r4-authorisation.ts';
import { runFuzz } from './chaos/r5-fuzz.ts';
import { renderTable, type ScenarioId, type ScenarioReport } from './chaos/report.ts';

// The local cloud means its functions' metrics to be off (POWERTOOLS_METRICS_DISABLED=true in their environment),
// but Powertools Metrics reads the switch from process.env only and, with no flush middleware, prints a metric's EMF
// line itself once it holds 100 values: on this process's stdout, in the middle of --json. Set where Metrics looks
// (the clouds R1 and R5 spawn inherit it).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

interface Flags {
  readonly json: boolean;
  readonly quick: boolean;
  readonly verbose: boolean;
  readonly seed: number;
  readonly only: readonly ScenarioId[];
}

const SCENARIOS: readonly ScenarioId[] = ['R1', 'R2', 'R3', 'R4', 'R5'];

function parseFlags(argv: readonly string[]): Flags {
  const flags = { json: false, quick: false, verbose: false, seed: 2021, only: [...SCENARIOS] as ScenarioId[] };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? '';
    if (name === '--json') flags.json = true;
    else if (name === '--quick') flags.quick = true;
    else if (name === '--verbose') flags.verbose = true;
    else if (name === '--seed') {
      flags.seed = Number(value());
      if (!Number.isSafeInteger(flags.seed))
        throw new Error(`--seed must be a whole number, got ${JSON.stringify(argv[i])}`);
    } else if (name === '--only') {
      const ids = value()
        .split(',')
        .map((s) => s.trim().toUpperCase());
      const unknown = ids.filter((id) => !SCENARIOS.includes(id as ScenarioId));
      if (unknown.length || ids.length === 0)
        throw new Error(`--only takes scenario ids from ${SCENARIOS.join(', ')}, got ${JSON.stringify(ids.join(','))}`);
      flags.only = ids as ScenarioId[];
    } else throw new Error(`unknown flag ${name}; flags: --quick, --only R1,R3, --seed N, --json, --verbose`);
  }
  return flags;
}

/**
 * Full and quick sizes. Full: the issue's figures (20 kill cycles, 1 % poison in bursts of
 * 1,000, ≥ 100,000 fuzzed requests).
 */
function runners(flags: Flags, log: (line: string) => void): Record<ScenarioId, () => Promise<ScenarioReport>> {
  const { quick, seed } = flags;
  return {
    // 300 events/s: about half of what the whole platform delivers on the project's 2-core machine (README, Figures).
    R1: () =>
      runKillCycles({
        seed,
        cycles: quick ? 5 : 20,
        publishersPerAgency: 2,
        eventsPerSecond: 300,
        minMomentMs: 0,
        maxMomentMs: 3000,
        settleTimeoutMs: 10 * 60_000,
        log,
      }),
    R2: () =>
      runDuplicateShuffle({
        seed,
        scale: 0.01,
        from: '2021-01-01',
        until: quick ? '2021-04-01' : '2022-01-01',
        publishers: 4,
        settleTimeoutMs: 10 * 60_000,
        log,
      }),
    R3: () =>
      runPoison({
        seed,
        bursts: quick ? 3 : 10,
        burstSize: 1000,
        poisonShare: 0.01,
        publishers: 4,
        settleTimeoutMs: 10 * 60_000,
        log,
      }),
    R4: () => runAuthorisation({ seed, people: quick ? 4 : 6, settleTimeoutMs: 5 * 60_000, log }),
    R5: () =>
      runFuzz({
        seed,
        requests: quick ? 10_000 : 100_000,
        concurrency: 16,
        timeoutMs: 15_000,
        people: 500,
        settleTimeoutMs: 10 * 60_000,
        maxCrashes: 3,
        log,
      }),
  };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  // Handlers run in-process in R2-R4; their expected warnings (a breach logged) would bury the tables.
  if (!flags.verbose) process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const print = (text: string) => (flags.json ? process.stderr : process.stdout).write(`${text}\n`);
  const run = runners(flags, log);
  const reports: ScenarioReport[] = [];
  print(`npm run chaos: seed ${flags.seed}${flags.quick ? ', quick' : ''}, ${flags.only.join(', ')}`);
  for (const id of flags.only) {
    const started = Date.now();
    let report: ScenarioReport;
    try {
      report = await run[id]();
    } catch (error) {
      // A scenario that could not finish proved nothing: it fails, and the others still run.
      report = {
        id,
        title: 'did not finish',
        figures: [{ name: 'scenario finished', target: 'yes', result: 'no', pass: false }],
        findings: [(error as Error)?.stack ?? String(error)],
        seconds: (Date.now() - started) / 1000,
        pass: false,
      };
    }
    reports.push(report);
    print(`\n${renderTable(report)}`);
  }
  const pass = reports.every((r) => r.pass);
  print(`\n${pass ? 'PASS' : 'FAIL'}: ${reports.map((r) => `${r.id} ${r.pass ? 'PASS' : 'FAIL'}`).join(', ')}`);
  if (flags.json)
    process.stdout.write(
      `${JSON.stringify({ seed: flags.seed, quick: flags.quick, pass, scenarios: reports }, null, 2)}\n`,
    );
  process.exitCode = pass ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.message ?? String(error)}\n`);
  process.exitCode = 2;
});
