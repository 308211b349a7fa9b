/**
 * How the console writes numbers, days, moments and periods: as a person
 * reads them ("1 December 2021", "15,527"), never as the ISO strings the API
 * carries. Pure, so the same rules are tested without a browser. Days are
 * formatted from their digits, not through `Date`, so no time zone can shift
 * a day; moments are shown in UTC, as they are recorded.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

const counts = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const amounts = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

/** A count with thousands separators (15527 → "15,527"). */
export function formatCount(value: number): string {
  return counts.format(value);
}

/** Any other quantity (an amount, a fee in MCI): separators, and decimals only where it has them. */
export function formatNumber(value: number): string {
  return amounts.format(value);
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

/** "2021-12-01" → "1 December 2021"; anything else is returned as it came. */
export function formatDay(day: string): string {
  const match = DAY.exec(day);
  const month = match ? MONTHS[Number(match[2]) - 1] : undefined;
  return match && month ? `${Number(match[3])} ${month} ${match[1]}` : day;
}

/** "2021-03" → "March 2021". */
export function formatMonth(month: string): string {
  const match = MONTH.exec(month);
  const name = match ? MONTHS[Number(match[2]) - 1] : undefined;
  return match && name ? `${name} ${match[1]}` : month;
}

/** "2021-03" → "Mar": a month on an axis whose title names the year. */
export function shortMonth(month: string): string {
  const name = MONTHS[Number(month.slice(5, 7)) - 1];
  return name ? name.slice(0, 3) : month;
}

/** An ISO moment → "10 March 2021, 09:00 UTC" (seconds only when there are any). */
export function formatMoment(moment: string): string {
  if (DAY.test(moment)) return formatDay(moment);
  const date = new Date(moment);
  if (Number.isNaN(date.getTime())) return moment;
  const iso = date.toISOString();
  const seconds = iso.slice(17, 19) === '00' ? '' : `:${iso.slice(17, 19)}`;
  return `${formatDay(iso.slice(0, 10))}, ${iso.slice(11, 16)}${seconds} UTC`;
}

export interface PeriodLike {
  readonly from: string;
  readonly to: string;
  readonly asOf: string;
}

/** The days a period figure counts: "1 January – 31 December 2021", "1 January – 1 December 2021". */
export function formatPeriod(period: PeriodLike): string {
  const from = formatDay(period.from);
  const to = formatDay(period.to);
  if (period.from === period.to) return from;
  // Within one year the year is said once, at the end.
  return period.from.slice(0, 4) === period.to.slice(0, 4) ? `${from.slice(0, -5)} – ${to}` : `${from} – ${to}`;
}

/** The day an "in force" figure is counted on: "on 1 December 2021". */
export function formatOn(day: string): string {
  return `on ${formatDay(day)}`;
}

/** Every month a period touches, in order ("2021-01" … "2021-12"), zero months included. */
export function monthsOf(period: Pick<PeriodLike, 'from' | 'to'>): string[] {
  const months: string[] = [];
  let year = Number(period.from.slice(0, 4));
  let month = Number(period.from.slice(5, 7));
  const lastYear = Number(period.to.slice(0, 4));
  const lastMonth = Number(period.to.slice(5, 7));
  // Bounded: a period the API answers is at most a year, so this never runs away on a bad string.
  for (let guard = 0; guard < 1200 && (year < lastYear || (year === lastYear && month <= lastMonth)); guard++) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
  }
  return months;
}
