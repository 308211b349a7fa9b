import type { PlannedCommand, SimulationPlan } from './plan.ts';

/**
 * The order in which a plan is sent, as officials would act: the setup one
 * command at a time, then each quarter in rounds (the n-th command of every
 * person's script: one person's commands stay in order, different people's go
 * together), then — once the exchange has settled — the Interior's overstay
 * check for each day of the quarter, one day's ends at a time, as the nightly
 * schedule runs it (a quarter's worth in one command would outlast a Lambda).
 * The runner sends it over the command APIs; the in-memory exchange of the
 * tests runs the same schedule.
 */
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export type Step =
  | { readonly kind: 'commands'; readonly commands: readonly PlannedCommand[] }
  | { readonly kind: 'settle' };

export function* schedule(plan: SimulationPlan): Generator<Step> {
  for (const c of plan.setup) yield { kind: 'commands', commands: [c] };
  let from = '';
  let checkedUntil = `${plan.year - 1}-12-31`;
  for (const checkDay of plan.overstayChecks) {
    const until = `${checkDay}T23:59:59Z`;
    const phase = plan.scripts.map((script) => script.filter((c) => c.occurredAt > from && c.occurredAt <= until));
    for (let round = 0; ; round++) {
      const commands = phase.map((s) => s[round]).filter((c): c is PlannedCommand => c !== undefined);
      if (commands.length === 0) break;
      yield { kind: 'commands', commands };
    }
    yield { kind: 'settle' };
    for (let day = checkedUntil; day < checkDay; day = nextDay(day)) {
      const asOf = nextDay(day);
      yield {
        kind: 'commands',
        commands: [
          {
            system: 'berkut',
            agency: 'interior',
            command: 'run-overstay-check',
            input: { asOf, since: day },
            occurredAt: `${checkDay}T23:00:00Z`,
          },
        ],
      };
    }
    yield { kind: 'settle' };
    checkedUntil = checkDay;
    from = until;
  }
}

/** How many commands a plan's schedule sends. */
export function commandCount(plan: SimulationPlan): number {
  let count = 0;
  for (const step of schedule(plan)) if (step.kind === 'commands') count += step.commands.length;
  return count;
}
