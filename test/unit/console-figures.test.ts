/**
 * The console's figures, from the stats the query API computes: every month
 * of the period (zero months included), one series per direction with its
 * own colour, breakdowns cut only with an "Other" bar and a note, names for
 * codes, and numbers, days and periods written as people read them.
 */
import { describe, expect, it } from 'vitest';
import { monthlySeries, OTHER_COLOUR, TOP, topBreakdown } from '../../functions/console/chart-data.ts';
import { dashboardFor, type StatsAnswer } from '../../functions/console/dashboard.ts';
import {
  formatCount,
  formatDay,
  formatMoment,
  formatMonth,
  formatOn,
  formatPeriod,
  monthsOf,
} from '../../functions/console/format.ts';
import { computeStats, periodOf, type StatsInput } from '../../functions/domain/stats.ts';

const YEAR = periodOf({ year: 2021 });
const months = monthsOf(YEAR);

/** What the query API answers for a ministry, from counters as its projector keeps them. */
function stats(
  ministry: 'labour' | 'interior' | 'border-service' | 'foreign-affairs',
  input: Partial<StatsInput>,
  period = YEAR,
): StatsAnswer {
  return computeStats(ministry, { period: {}, balance: {}, ...input }, period) as unknown as StatsAnswer;
}

describe('how the console writes figures', () => {
  it('counts with thousands separators, days and moments in words, periods with their days', () => {
    expect(formatCount(15527)).toBe('15,527');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatDay('2021-12-01')).toBe('1 December 2021');
    expect(formatMonth('2021-03')).toBe('March 2021');
    expect(formatMoment('2021-03-10T09:00:00Z')).toBe('10 March 2021, 09:00 UTC');
    expect(formatMoment('2021-03-10T09:00:07.123Z')).toBe('10 March 2021, 09:00:07 UTC');
    expect(formatMoment('2021-03-10T14:00:00+05:00')).toBe('10 March 2021, 09:00 UTC');
    expect(formatPeriod(YEAR)).toBe('1 January – 31 December 2021');
    expect(formatPeriod(periodOf({ asOf: '2021-12-01' }))).toBe('1 January – 1 December 2021');
    expect(formatOn('2021-12-01')).toBe('on 1 December 2021');
    // Not a day: returned as it came rather than as a wrong day.
    expect(formatDay('2021-13-01')).toBe('2021-13-01');
  });

  it('lists every month a period touches', () => {
    expect(months).toEqual([
      '2021-01',
      '2021-02',
      '2021-03',
      '2021-04',
      '2021-05',
      '2021-06',
      '2021-07',
      '2021-08',
      '2021-09',
      '2021-10',
      '2021-11',
      '2021-12',
    ]);
    expect(monthsOf(periodOf({ asOf: '2021-03-15' }))).toEqual(['2021-01', '2021-02', '2021-03']);
  });
});

describe('charts never cut silently', () => {
  it(
    'shows every month of the year for crossings in both directions, zero months included, each direction its own ' +
      'colour',
    () => {
      // A crossing each way every month: 24 month×direction keys (the old chart kept only the last 12: July–December).
      const monthsCounters = Object.fromEntries(months.map((m, i) => [m, { entry: i + 1, exit: i % 3 }]));
      const total = {
        entry: months.reduce((s, _, i) => s + i + 1, 0),
        exit: months.reduce((s, _, i) => s + (i % 3), 0),
      };
      const chart = dashboardFor(
        'border-service',
        stats('border-service', { period: { crossings: { total, months: monthsCounters } } }),
      ).charts.find((c) => c.title === 'Crossings by month')!;
      expect(chart.categories.map((c) => c.text)).toEqual([
        'Jan',
        'Feb',
        'Mar',
        'Apr',
        'May',
        'Jun',
        'Jul',
        'Aug',
        'Sep',
        'Oct',
        'Nov',
        'Dec',
      ]);
      expect(chart.categoryTitle).toBe('Month of 2021');
      expect(chart.series.map((s) => s.label)).toEqual(['Entries', 'Exits']);
      expect(new Set(chart.series.map((s) => s.colour)).size).toBe(2);
      expect(chart.series[0]!.values.reduce((a, b) => a + b)).toBe(total.entry);
      expect(chart.series[1]!.values.reduce((a, b) => a + b)).toBe(total.exit);
      expect(chart.notes).toEqual(['1 January – 31 December 2021']);
    },
  );

  it('keeps the months with nothing in them', () => {
    const chart = dashboardFor(
      'interior',
      stats('interior', {
        period: {
          offences: { total: { offences: 3 }, months: { '2021-03': { offences: 2 }, '2021-11': { offences: 1 } } },
        },
      }),
    ).charts.find((c) => c.title === 'Offences by month')!;
    expect(chart.categories).toHaveLength(12);
    expect(chart.series).toHaveLength(1);
    expect(chart.series[0]!.values).toEqual([0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
  });

  it('a month outside the period that has a figure is shown, not dropped', () => {
    const { months: shown } = monthlySeries({ '2022-01': 1 }, YEAR);
    expect(shown).toContain('2022-01');
    expect(shown).toHaveLength(13);
  });

  it('cuts a long breakdown to the largest parts plus "Other", and says so', () => {
    const countries = ['CHN', 'GBR', 'TUR', 'IND', 'UZB', 'KOR', 'DEU', 'USA', 'ITA', 'FRA', 'JPN', 'RUS', 'KGZ'];
    const counts = Object.fromEntries(countries.map((c, i) => [c, 100 - i]));
    const breakdown = topBreakdown(counts, 'country');
    expect(breakdown.categories).toHaveLength(TOP + 1);
    expect(breakdown.categories[0]).toEqual({ text: 'China', code: 'CHN' });
    expect(breakdown.categories.at(-1)!.text).toBe('Other (3)');
    const values = breakdown.series[0]!.values;
    expect(values.at(-1)).toBe(counts.JPN! + counts.RUS! + counts.KGZ!);
    expect(values.reduce((a, b) => a + b)).toBe(Object.values(counts).reduce((a, b) => a + b));
    expect(breakdown.cut).toEqual({ shown: TOP, of: 13, otherParts: 3 });

    const permits = Object.fromEntries(Object.entries(counts).map(([c, n]) => [`lea.byCountry:${c}`, n]));
    const chart = dashboardFor(
      'labour',
      stats('labour', { balance: { 'permits-active': { lea: 1234, ...permits } } }, periodOf({ asOf: '2021-12-01' })),
    ).charts.find((c) => c.title === 'LEA permits in force by country')!;
    expect(chart.notes).toEqual(['on 1 December 2021', 'Top 10 of 13 countries; the other 3 are summed as “Other”.']);
    expect(chart.otherIndex).toBe(TOP);
    expect(OTHER_COLOUR).not.toBe(chart.series[0]!.colour);
  });

  it('shows crossings by checkpoint in both directions, ranked by their sum', () => {
    const byCheckpoint = {
      'byCheckpoint:KZ-ALA-AIR entry': 3,
      'byCheckpoint:KZ-ALA-AIR exit': 1,
      'byCheckpoint:KZ-KHORGOS-ROAD exit': 5,
    };
    const chart = dashboardFor(
      'border-service',
      stats('border-service', { period: { crossings: { total: { entry: 3, exit: 6, ...byCheckpoint }, months: {} } } }),
    ).charts.find((c) => c.title === 'Crossings by checkpoint')!;
    expect(chart.categories).toEqual([
      { text: 'Khorgos (road, China)', code: 'KZ-KHORGOS-ROAD' },
      { text: 'Almaty airport', code: 'KZ-ALA-AIR' },
    ]);
    expect(chart.series.map((s) => [s.label, s.values])).toEqual([
      ['Entries', [0, 3]],
      ['Exits', [5, 1]],
    ]);
    expect(new Set(chart.series.map((s) => s.colour)).size).toBe(2);
  });

  it('does not hide one part behind "Other"', () => {
    const counts = Object.fromEntries(Array.from({ length: TOP + 1 }, (_, i) => [`KZ-${10 + i}`, i + 1]));
    const breakdown = topBreakdown(counts, 'region');
    expect(breakdown.cut).toBeUndefined();
    expect(breakdown.categories).toHaveLength(TOP + 1);
  });

  it('names regions, articles, checkpoints and reasons, with the code kept for a tooltip', () => {
    expect(topBreakdown({ 'KZ-19': 2, 'KZ-59': 1 }, 'region').categories).toEqual([
      { text: 'Almaty Region', code: 'KZ-19' },
      { text: 'North Kazakhstan Region', code: 'KZ-59' },
    ]);
    expect(topBreakdown({ '517': 3 }, 'article').categories[0]!.text).toBe(
      'Art. 517 — Violation of migration law by a foreigner or stateless person',
    );
    expect(topBreakdown({ 'KZ-ALA-AIR': 3, 'KZ-KARASU-RAIL': 1 }, 'checkpoint').categories).toEqual([
      { text: 'Almaty airport', code: 'KZ-ALA-AIR' },
      { text: 'Karasu (rail)', code: 'KZ-KARASU-RAIL' },
    ]);
    expect(topBreakdown({ 'no-valid-visa': 3 }, 'reason').categories[0]!.text).toBe('No valid visa');
  });
});

describe('dashboard tiles say what period they count', () => {
  it('period figures give their days; figures in force give the day they are counted on', () => {
    const december = periodOf({ asOf: '2021-12-01' });
    const labour = dashboardFor(
      'labour',
      stats(
        'labour',
        {
          period: { subsidies: { total: { amountKzt: 1234567 }, months: {} } },
          balance: { 'permits-active': { lea: 15527 } },
        },
        december,
      ),
    );
    const tile = (label: string) => labour.tiles.find((t) => t.label === label)!;
    expect(tile('LEA permits in force')).toEqual({
      label: 'LEA permits in force',
      value: 15527,
      note: 'on 1 December 2021',
    });
    expect(tile('Subsidies paid (KZT)')).toEqual({
      label: 'Subsidies paid (KZT)',
      value: 1234567,
      note: '1 January – 1 December 2021',
    });
    const interior = dashboardFor('interior', stats('interior', {}));
    expect(interior.tiles.find((t) => t.label === 'Foreigners in the country')!.note).toBe('on 31 December 2021');
  });

  it('every ministry gets tiles and charts with axis titles', () => {
    for (const ministry of ['labour', 'interior', 'border-service', 'foreign-affairs'] as const) {
      const view = dashboardFor(ministry, stats(ministry, {}));
      expect(view.tiles.length).toBeGreaterThan(0);
      for (const chart of view.charts) {
        expect(chart.categoryTitle, chart.title).not.toBe('');
        expect(chart.valueTitle, chart.title).not.toBe('');
        expect(chart.notes.length, chart.title).toBeGreaterThan(0);
      }
    }
  });
});
