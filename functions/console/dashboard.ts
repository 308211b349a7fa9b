/**
 * What each ministry's dashboard shows, from its stats (functions/domain/stats.ts):
 * tiles, each with the period or the day its figure refers to, and charts
 * (chart-data.ts). Pure; app.ts renders it.
 */
import { type ChartSpec, cutNote, monthlySeries, SERIES_COLOURS, seriesOf, topBreakdown } from './chart-data.ts';
import { formatOn, formatPeriod, type PeriodLike } from './format.ts';
import type { Dimension } from './labels.ts';

type Counts = Readonly<Record<string, number>>;

/** The parts of the stats answer the dashboard reads (see computeStats); anything absent counts as zero. */
export interface StatsAnswer {
  readonly ministry: string;
  readonly period: PeriodLike;
  readonly [figures: string]: unknown;
}

export interface Tile {
  readonly label: string;
  readonly value: number;
  /** What the figure covers: "1 January – 31 December 2021" or "on 1 December 2021". */
  readonly note: string;
}

export interface Dashboard {
  readonly tiles: readonly Tile[];
  readonly charts: readonly ChartSpec[];
}

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const counts = (value: unknown): Counts => (value && typeof value === 'object' ? (value as Counts) : {});
const part = (value: unknown, key: string): unknown =>
  value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;

interface BreakdownOptions {
  readonly title: string;
  readonly counts: unknown;
  readonly dimension: Dimension;
  /** What the parts are, plural ("countries"), for the top-N note. */
  readonly parts: string;
  readonly categoryTitle: string;
  readonly valueTitle: string;
  readonly coverage: string;
  /**
   * Counters kept per series (`"KZ-ALA-AIR entry"`): series key → its label. One series, the value title, by default.
   */
  readonly series?: Readonly<Record<string, string>>;
}

function breakdownChart(o: BreakdownOptions): ChartSpec {
  const names = o.series ?? { '': o.valueTitle };
  const breakdown = topBreakdown(counts(o.counts), o.dimension, undefined, Object.keys(names));
  return {
    title: o.title,
    notes: [o.coverage, ...cutNote(breakdown.cut, o.parts)],
    orientation: 'horizontal',
    categoryTitle: o.categoryTitle,
    valueTitle: o.valueTitle,
    categories: breakdown.categories,
    series: breakdown.series.map((s, i) => ({
      label: names[s.key]!,
      values: s.values,
      colour: SERIES_COLOURS[i % SERIES_COLOURS.length]!,
    })),
    ...(breakdown.cut ? { otherIndex: breakdown.categories.length - 1 } : {}),
  };
}

function monthChart(
  title: string,
  byMonth: unknown,
  period: PeriodLike,
  valueTitle: string,
  seriesNames: Readonly<Record<string, string>> = { '': valueTitle },
): ChartSpec {
  const { months, series } = monthlySeries(counts(byMonth), period);
  const years = [...new Set(months.map((m) => m.slice(0, 4)))];
  return {
    title,
    notes: [formatPeriod(period)],
    orientation: 'vertical',
    categoryTitle: `Month of ${years.join('–')}`,
    valueTitle,
    // A month's name alone when the axis title names its one year.
    categories: months.map((m) => ({
      text: years.length === 1 ? monthName(m) : `${monthName(m)} ${m.slice(0, 4)}`,
      code: m,
    })),
    // Every declared series is drawn, even one with no figure in the period, so its absence is visible.
    series: seriesOf(
      Object.entries(seriesNames).map(([key, label]) => ({ label, counts: series.get(key) })),
      months,
    ),
  };
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const monthName = (month: string) => MONTH_NAMES[Number(month.slice(5, 7)) - 1] ?? month;

export function dashboardFor(ministry: string, stats: StatsAnswer): Dashboard {
  const period = stats.period;
  const during = formatPeriod(period);
  const on = formatOn(period.asOf);
  const s = stats as Record<string, unknown>;
  switch (ministry) {
    case 'labour': {
      const qandas = part(s, 'qandas');
      const permits = part(s, 'workPermits');
      const subsidies = part(s, 'subsidies');
      return {
        tiles: [
          { label: 'Qandas granted', value: num(part(qandas, 'granted')), note: during },
          { label: 'People in their families', value: num(part(qandas, 'people')), note: during },
          { label: 'Qandas quota (people)', value: num(part(qandas, 'quota')), note: `for ${period.from.slice(0, 4)}` },
          { label: 'People settled in the quota', value: num(part(qandas, 'peopleInQuota')), note: during },
          { label: 'LEA permits in force', value: num(part(permits, 'active')), note: on },
          { label: 'Subsidies paid (KZT)', value: num(part(subsidies, 'amountKzt')), note: during },
        ],
        charts: [
          breakdownChart({
            title: 'LEA permits in force by country',
            counts: part(permits, 'activeByCountry'),
            dimension: 'country',
            parts: 'countries',
            categoryTitle: 'Citizenship',
            valueTitle: 'Permits',
            coverage: on,
          }),
          breakdownChart({
            title: 'LEA permits in force by region',
            counts: part(permits, 'activeByRegion'),
            dimension: 'region',
            parts: 'regions',
            categoryTitle: 'Region',
            valueTitle: 'Permits',
            coverage: on,
          }),
          breakdownChart({
            title: 'Qandas by origin',
            counts: part(qandas, 'byOrigin'),
            dimension: 'country',
            parts: 'countries',
            categoryTitle: 'Country of origin',
            valueTitle: 'Qandas granted',
            coverage: during,
          }),
          breakdownChart({
            title: 'Qandas by settlement region',
            counts: part(qandas, 'bySettlementRegion'),
            dimension: 'region',
            parts: 'regions',
            categoryTitle: 'Settlement region',
            valueTitle: 'Qandas granted',
            coverage: during,
          }),
          monthChart('Qandas granted by month', part(qandas, 'byMonth'), period, 'Qandas granted'),
        ],
      };
    }
    case 'interior': {
      const presence = part(s, 'peopleInCountry');
      const patents = part(s, 'patents');
      return {
        tiles: [
          { label: 'Administrative offences', value: num(s.offences), note: during },
          { label: 'Offenders (people)', value: num(s.offenders), note: during },
          { label: 'Deportations', value: num(s.deportations), note: during },
          { label: 'Overstays detected', value: num(s.overstays), note: during },
          { label: 'Foreigners in the country', value: num(part(presence, 'total')), note: on },
          { label: 'Work patents in force', value: num(part(patents, 'active')), note: on },
        ],
        charts: [
          breakdownChart({
            title: 'Offences by citizenship',
            counts: s.offencesByCitizenship,
            dimension: 'country',
            parts: 'countries',
            categoryTitle: 'Citizenship',
            valueTitle: 'Offences',
            coverage: during,
          }),
          breakdownChart({
            title: 'Offences by article',
            counts: s.offencesByArticle,
            dimension: 'article',
            parts: 'articles',
            categoryTitle: 'Article',
            valueTitle: 'Offences',
            coverage: `${during} · articles of the Code of Administrative Offences`,
          }),
          breakdownChart({
            title: 'Deportations by citizenship',
            counts: s.deportationsByCitizenship,
            dimension: 'country',
            parts: 'countries',
            categoryTitle: 'Citizenship',
            valueTitle: 'Deportations',
            coverage: during,
          }),
          monthChart('Offences by month', s.offencesByMonth, period, 'Offences'),
        ],
      };
    }
    case 'foreign-affairs': {
      const visas = part(s, 'visas');
      return {
        tiles: [
          { label: 'Visas issued', value: num(part(visas, 'issued')), note: during },
          { label: 'Visas revoked', value: num(part(visas, 'revoked')), note: during },
          {
            label: 'Deportations needing consular notice',
            value: num(s.deportationsNeedingConsularNotice),
            note: during,
          },
        ],
        charts: [
          breakdownChart({
            title: 'Visas by type',
            counts: part(visas, 'byType'),
            dimension: 'visaType',
            parts: 'visa types',
            categoryTitle: 'Visa type',
            valueTitle: 'Visas issued',
            coverage: during,
          }),
          breakdownChart({
            title: 'Visas by citizenship',
            counts: part(visas, 'byCitizenship'),
            dimension: 'country',
            parts: 'countries',
            categoryTitle: 'Citizenship',
            valueTitle: 'Visas issued',
            coverage: during,
          }),
          monthChart('Visas issued by month', part(visas, 'byMonth'), period, 'Visas issued'),
        ],
      };
    }
    default: {
      const crossings = part(s, 'crossings');
      return {
        tiles: [
          { label: 'Entries', value: num(part(crossings, 'entry')), note: during },
          { label: 'Exits', value: num(part(crossings, 'exit')), note: during },
          { label: 'Entries denied', value: num(s.entryDenied), note: during },
        ],
        charts: [
          monthChart('Crossings by month', part(crossings, 'byMonth'), period, 'Crossings', {
            entry: 'Entries',
            exit: 'Exits',
          }),
          breakdownChart({
            title: 'Crossings by checkpoint',
            counts: part(crossings, 'byCheckpoint'),
            dimension: 'checkpoint',
            parts: 'checkpoints',
            categoryTitle: 'Checkpoint',
            valueTitle: 'Crossings',
            coverage: during,
            series: { entry: 'Entries', exit: 'Exits' },
          }),
          breakdownChart({
            title: 'Entry denials by reason',
            counts: s.entryDeniedByReason,
            dimension: 'reason',
            parts: 'reasons',
            categoryTitle: 'Reason',
            valueTitle: 'Denials',
            coverage: during,
          }),
        ],
      };
    }
  }
}
