/**
 * What a chart shows, decided before anything is drawn: a breakdown's largest
 * parts with the rest summed into an "Other" bar (and a note saying so), every
 * month of the period (zero months included), one series per measure with a
 * colour of its own, and axis titles. Pure; charts.ts draws it.
 */
import { formatCount, monthsOf, type PeriodLike } from './format.ts';
import { type Dimension, dimensionName, type Named } from './labels.ts';

/** Colours that stay apart for the colour-blind (Okabe–Ito), one per series. */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00'] as const;
/** The "Other" bar: grey, so it does not read as one more category. */
export const OTHER_COLOUR = '#8d99ae';

export interface Series {
  readonly label: string;
  readonly values: readonly number[];
  readonly colour: string;
}

export interface ChartSpec {
  readonly title: string;
  /** What the figures cover (a period, or the day balances are counted on), and whether parts are cut. */
  readonly notes: readonly string[];
  /** Months run left to right; breakdowns are bars read top to bottom. */
  readonly orientation: 'vertical' | 'horizontal';
  readonly categoryTitle: string;
  readonly valueTitle: string;
  readonly categories: readonly Named[];
  readonly series: readonly Series[];
  /** Index of the "Other" category, if the breakdown was cut. */
  readonly otherIndex?: number;
}

/** A breakdown longer than this shows its largest parts and one "Other" bar. */
export const TOP = 10;

export interface Breakdown {
  readonly categories: Named[];
  /** One row of values per series, in the order of the categories. */
  readonly series: { readonly key: string; readonly values: number[] }[];
  /** Set when parts were summed into "Other": how many were shown, of how many. */
  readonly cut?: { readonly shown: number; readonly of: number; readonly otherParts: number };
}

/**
 * Largest first (by the sum over the series; ties by name). Cut only when it
 * saves more than one bar: an "Other" standing for a single part would hide
 * its name for nothing. With `seriesKeys`, a counter `"<key> <series>"` (the
 * crossings' `"KZ-ALA-AIR entry"`) is one part's figure in that series.
 */
export function topBreakdown(
  counts: Readonly<Record<string, number>>,
  dimension: Dimension,
  limit = TOP,
  seriesKeys: readonly string[] = [''],
): Breakdown {
  const byPart = new Map<string, number[]>();
  for (const [name, value] of Object.entries(counts ?? {})) {
    const index = seriesKeys.findIndex((key) => key === '' || name.endsWith(` ${key}`));
    if (index < 0 || value === 0) continue;
    const key = seriesKeys[index] === '' ? name : name.slice(0, -seriesKeys[index]!.length - 1);
    const values = byPart.get(key) ?? seriesKeys.map(() => 0);
    values[index]! += value;
    byPart.set(key, values);
  }
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  const parts = [...byPart]
    .map(([key, values]) => ({ name: dimensionName(dimension, key), values, total: sum(values) }))
    .sort((a, b) => b.total - a.total || a.name.text.localeCompare(b.name.text));
  const rows = (list: typeof parts) => seriesKeys.map((key, i) => ({ key, values: list.map((p) => p.values[i]!) }));
  if (parts.length <= limit + 1) return { categories: parts.map((p) => p.name), series: rows(parts) };
  const shown = parts.slice(0, limit);
  const rest = parts.slice(limit);
  const other = {
    name: { text: `Other (${formatCount(rest.length)})` },
    values: seriesKeys.map((_, i) => sum(rest.map((p) => p.values[i]!))),
    total: sum(rest.map((p) => p.total)),
  };
  return {
    categories: [...shown, other].map((p) => p.name),
    series: rows([...shown, other]),
    cut: { shown: limit, of: parts.length, otherParts: rest.length },
  };
}

export function cutNote(cut: Breakdown['cut'], noun: string): string[] {
  return cut
    ? [
        `Top ${cut.shown} of ${formatCount(cut.of)} ${noun}; the other ${formatCount(cut.otherParts)} are summed ` +
          `as “Other”.`,
      ]
    : [];
}

/**
 * Month-by-month counters, one series per suffix: `{ "2021-03": 4 }` is one
 * series, `{ "2021-03 entry": 4, "2021-03 exit": 2 }` two ("entry", "exit").
 * Every month of the period is a category, and a month outside it that has a
 * figure is kept too, so nothing is dropped.
 */
export function monthlySeries(
  byMonth: Readonly<Record<string, number>>,
  period: Pick<PeriodLike, 'from' | 'to'>,
): { months: string[]; series: Map<string, Map<string, number>> } {
  const series = new Map<string, Map<string, number>>();
  const months = new Set(monthsOf(period));
  for (const [key, value] of Object.entries(byMonth ?? {})) {
    const match = /^(\d{4}-\d{2})(?: (.+))?$/.exec(key);
    if (!match) continue;
    const [, month, name = ''] = match;
    months.add(month!);
    const counts = series.get(name) ?? new Map<string, number>();
    counts.set(month!, (counts.get(month!) ?? 0) + value);
    series.set(name, counts);
  }
  return { months: [...months].sort(), series };
}

export function seriesOf(
  labelled: readonly { readonly label: string; readonly counts: ReadonlyMap<string, number> | undefined }[],
  months: readonly string[],
): Series[] {
  return labelled.map(({ label, counts }, i) => ({
    label,
    values: months.map((m) => counts?.get(m) ?? 0),
    colour: SERIES_COLOURS[i % SERIES_COLOURS.length]!,
  }));
}
