/**
 * When an EventBridge schedule next fires: `rate(<n> <unit>)` and
 * `cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)` in UTC
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html).
 * Hand-rolled and small on purpose: the cron libraries on npm speak Unix cron
 * (no year field, no `?`, Sunday = 0), and converting would be as long as this.
 * Day-of-week and year take `*` or `?` only, which is all the stack uses; anything
 * else is refused naming the field, so a new schedule is noticed, not mistimed.
 */

const RATE_UNITS: Record<string, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

export class ScheduleExpressionError extends Error {
  constructor(expression: string, reason: string) {
    super(`schedule ${expression}: ${reason}`);
    this.name = 'ScheduleExpressionError';
  }
}

/** The values a cron field allows, from `*`, `?`, `n`, `a-b`, `a/s`, `*\/s` and comma lists. */
function field(text: string, min: number, max: number, name: string, expression: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|\?|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!match)
      throw new ScheduleExpressionError(
        expression,
        `the ${name} field ${JSON.stringify(text)} is not one the local cloud reads`,
      );
    const [, start, end, step] = match;
    const from = start === '*' || start === '?' ? min : Number(start);
    const to = end !== undefined ? Number(end) : start === '*' || start === '?' || step !== undefined ? max : from;
    if (from < min || to > max || from > to)
      throw new ScheduleExpressionError(
        expression,
        `the ${name} field ${JSON.stringify(text)} is outside ${min}-${max}`,
      );
    for (let v = from; v <= to; v += Number(step ?? 1)) values.add(v);
  }
  return values;
}

/** The first firing strictly after `after`. */
export function nextFiring(expression: string, after: Date): Date {
  const rate = /^rate\((\d+) ([a-z]+)\)$/.exec(expression);
  if (rate) {
    const unit = RATE_UNITS[rate[2]!];
    if (!unit || Number(rate[1]) < 1) throw new ScheduleExpressionError(expression, `${rate[1]} ${rate[2]} is no rate`);
    return new Date(after.getTime() + Number(rate[1]) * unit);
  }
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (!cron) throw new ScheduleExpressionError(expression, 'neither rate(…) nor cron(…) with six fields');
  const [, minutes, hours, days, months, weekdays, years] = cron as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!['*', '?'].includes(weekdays))
    throw new ScheduleExpressionError(
      expression,
      `the day-of-week field ${weekdays}: the local cloud runs * or ? only`,
    );
  if (years !== '*')
    throw new ScheduleExpressionError(expression, `the year field ${years}: the local cloud runs * only`);
  const allowed = {
    minute: field(minutes, 0, 59, 'minutes', expression),
    hour: field(hours, 0, 23, 'hours', expression),
    day: field(days, 1, 31, 'day-of-month', expression),
    month: field(months, 1, 12, 'month', expression),
  };
  const t = new Date(after.getTime());
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  // At most four years of minutes are looked at a day at a time when the day does not match, so this ends quickly.
  for (let guard = 0; guard < 4 * 366 * 24 * 60; guard++) {
    if (!allowed.month.has(t.getUTCMonth() + 1) || !allowed.day.has(t.getUTCDate())) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!allowed.hour.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (allowed.minute.has(t.getUTCMinutes())) return t;
    t.setUTCMinutes(t.getUTCMinutes() + 1);
  }
  throw new ScheduleExpressionError(expression, 'never fires');
}
