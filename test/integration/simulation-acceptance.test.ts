import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import { planYear, type SimulationPlan } from '../../infra/simulator/plan.ts';
import { runPlan, type SimulationSummary, settleLocalCloud } from '../../infra/simulator/run.ts';
import { commandCount } from '../../infra/simulator/schedule.ts';
import type { Ministry } from '../../infra/topology.ts';
import { startTestCloud, type TestCloud } from './cloud-harness.ts';
import { remote } from './target.ts';

/**
 * The reduced-scale version of the ministry-views acceptance: a simulated
 * 2021 through the command APIs of a fresh embedded cloud, then every
 * ministry's stats through its query API must reproduce the plan's targets
 * (the seed's figures, scaled) exactly.
 */
const SCALE = 0.005;
let env: TestCloud;
let plan: SimulationPlan;
let summary: SimulationSummary;

/** The parts of each ministry's stats answer (computeStats: a Record<string, unknown>) these tests read. */
interface StatsAnswers {
  labour: {
    qandas: Record<string, unknown>;
    workPermits: { active: number; activeByCountry: Record<string, number>; individual: Record<string, unknown> };
  };
  interior: {
    offences: number;
    offenders: number;
    deportations: number;
    overstays: number;
    patents: { active: number; issued: number };
  };
  'foreign-affairs': { visas: { issued: number } };
  'border-service': { entryDenied: number; crossings: { entry: number; exit: number } };
}

const stats = async <M extends Ministry>(ministry: M, query: string) => {
  const response = await signedFetch(`${env.endpoint}/api/views/${ministry}/stats?${query}`, {
    keys: env.cloud.credentials.operators[ministry],
    region: 'us-east-1',
  });
  expect(response.status).toBe(200);
  return (await response.json()) as StatsAnswers[M];
};

beforeAll(async () => {
  env = await startTestCloud({ retryDelayMs: 200 });
  plan = planYear(2021, SCALE, 2021);
  summary = await runPlan(plan, {
    api: env.endpoint,
    credentials: env.cloud.credentials,
    settle: () => settleLocalCloud(env.endpoint, env.cloud.credentials),
  });
}, 300_000);
afterAll(() => env.stop());

// Remote: skipped, it counts a simulated year’s figures exactly, which needs a fresh, empty cloud.
describe.skipIf(remote)(`a simulated 2021 at scale ${SCALE}`, () => {
  it('sends every planned command and has none refused (the plan respects every rule)', () => {
    const planned = commandCount(plan);
    expect(summary.commands.sent).toBe(planned);
    expect(summary.commands.refusals).toEqual({});
    expect(env.cloud.health()).toMatchObject({ pending: 0, deadLetters: 0 });
  });

  it('labour: qandas granted by origin and settlement, quota and grants within it', async () => {
    const labour = await stats('labour', 'year=2021');
    expect(labour.qandas).toMatchObject({
      granted: plan.targets.qandasGranted,
      byOrigin: plan.targets.qandasByOrigin,
      bySettlementRegion: plan.targets.qandasBySettlementRegion,
      quota: plan.targets.qandasQuota,
      grantedInQuota: plan.targets.qandasGrantedInQuota,
      // The quota is a number of people: what counts against it is the families' members.
      peopleInQuota: plan.targets.qandasPeopleInQuota,
    });
  });

  it(
    'labour: LEA permits in force on 1 December 2021, by country; 2021\u2019s work for individuals is on Interior ' +
      'patents, not Labour permits',
    async () => {
      const labour = await stats('labour', `asOf=${plan.targets.leaActiveOn}`);
      expect(labour.workPermits.active).toBe(plan.targets.leaActive);
      expect(labour.workPermits.activeByCountry).toEqual(plan.targets.leaActiveByCountry);
      expect(labour.workPermits.individual).toMatchObject({ active: 0, issued: 0 });
      const interior = await stats('interior', `asOf=${plan.targets.patentsActiveOn.on}`);
      expect(interior.patents.active).toBe(plan.targets.patentsActiveOn.active);
      expect((await stats('interior', 'year=2021')).patents.issued).toBe(plan.targets.patentsIssued);
    },
  );

  it('interior: offences, offenders, deportations and overstays, nothing lost and nothing counted twice', async () => {
    const interior = await stats('interior', 'year=2021');
    expect(interior.offences).toBe(plan.targets.offences);
    expect(interior.offenders).toBe(plan.targets.offenders);
    expect(interior.deportations).toBe(plan.targets.deportations);
    expect(interior.overstays).toBe(plan.targets.overstays);
  });

  it('mx contradictions finds exactly the inconsistencies the year contains', async () => {
    const found = JSON.parse(
      (await env.mx('contradictions', '--as-of', plan.targets.contradictions.on, '--json')).stdout,
    ) as { rule: string }[];
    const byRule: Record<string, number> = {};
    for (const c of found) byRule[c.rule] = (byRule[c.rule] ?? 0) + 1;
    expect(byRule).toEqual(plan.targets.contradictions.byRule);
  });

  it('foreign-affairs and border-service agree with the commands that were accepted', async () => {
    const fa = await stats('foreign-affairs', 'year=2021');
    // Visas count in the year they start; some issued for early-January arrivals start in December 2020.
    const visas2021 = plan.scripts
      .flat()
      .filter((c) => c.command === 'issue-visa' && String(c.input.validFrom).startsWith('2021'));
    expect(fa.visas.issued).toBe(visas2021.length);
    const border = await stats('border-service', 'year=2021');
    expect(border.entryDenied).toBe(summary.commands.byCommand['deny-entry']!.accepted);
    // Crossings count in the year they happen; some qandas arrived in December 2020.
    const crossings2021 = plan.scripts
      .flat()
      .filter((c) => c.command === 'record-crossing' && String(c.input.crossedAt).startsWith('2021'));
    expect(border.crossings.entry + border.crossings.exit).toBe(crossings2021.length);
    expect(border.crossings).toMatchObject(plan.targets.crossings);
  });

  it(
    'mx replay rebuilds a view from the exchange log into a fresh table that equals the live one, and switches to ' +
      'it',
    async () => {
      const before = await stats('labour', 'year=2021');
      const result = JSON.parse((await env.mx('replay', 'labour', '--json')).stdout);
      expect(result).toMatchObject({
        ministry: 'labour',
        previousTable: 'LabourView',
        table: expect.stringMatching(/^LabourView-\d{14}$/),
        identical: true,
      });
      expect(result.eventsReplayed).toBeGreaterThan(0);
      expect(env.cloud.tableName('LabourView')).toBe(result.table);
      expect(await stats('labour', 'year=2021')).toEqual(before);
    },
  );
});
