/// <reference lib="dom" />
/**
 * Draws a ChartSpec (chart-data.ts) with Chart.js: bars with axis titles,
 * whole-number ticks with thousands separators for counts, a legend when
 * there is more than one series, long names wrapped rather than cut — and,
 * beside every chart, its figures as a table (for screen readers, for exact
 * numbers, and for tests). Only the bar chart's parts of Chart.js are
 * registered, so the bundle stays lean.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';
import { type ChartSpec, OTHER_COLOUR } from './chart-data.ts';
import { formatCount } from './format.ts';
import type { Named } from './labels.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export const esc = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A name, with the code it stands for on hover. */
export function nameHtml(name: Named): string {
  return name.code ? `<span class="coded" title="${esc(name.code)}">${esc(name.text)}</span>` : esc(name.text);
}

/** Bars named in several lines get the grid's whole width, so their names stay readable. */
const LONG_NAME = 30;

/** Long category names on several lines (Chart.js draws an array as lines), never cut. */
function wrap(text: string, width = LONG_NAME): string | string[] {
  if (text.length <= width) return text;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && `${line} ${word}`.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

const isEmpty = (spec: ChartSpec) =>
  spec.categories.length === 0 || spec.series.every((s) => s.values.every((v) => v === 0));

const hasLongNames = (spec: ChartSpec) =>
  spec.orientation === 'horizontal' && spec.categories.some((c) => c.text.length > LONG_NAME);
/** How many characters a bar's name may take per line: twice as many on a full-width chart. */
const lineWidth = (spec: ChartSpec) => (hasLongNames(spec) ? 2 * LONG_NAME : LONG_NAME);

/** Room for every bar and every line of its name. */
function heightOf(spec: ChartSpec): number {
  if (spec.orientation === 'vertical') return 300;
  const lines = spec.categories.reduce((sum, c) => sum + [wrap(c.text, lineWidth(spec))].flat().length, 0);
  const bars = spec.categories.length * spec.series.length;
  return Math.max(
    180,
    70 + (spec.series.length > 1 ? 24 : 0) + Math.max(lines * 17 + spec.categories.length * 10, bars * 22),
  );
}

/** The chart's frame: title, what it covers, the canvas and its figures. */
export function chartHtml(spec: ChartSpec, index: number): string {
  const notes = spec.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('');
  const head = `<h3>${esc(spec.title)}</h3>${notes}`;
  if (isEmpty(spec))
    return (
      `<figure class="card chart" data-chart-title="${esc(spec.title)}">` +
      `${head}<p class="empty">No ${esc(spec.title.toLowerCase())} in this period.</p></figure>`
    );
  const header =
    `<tr><th scope="col">${esc(spec.categoryTitle)}</th>` +
    `${spec.series.map((s) => `<th scope="col" class="num">${esc(s.label)}</th>`).join('')}</tr>`;
  const rows = spec.categories
    .map(
      (category, i) =>
        `<tr${i === spec.otherIndex ? ' class="other"' : ''}><th scope="row">${nameHtml(category)}</th>` +
        `${spec.series.map((s) => `<td class="num">${formatCount(s.values[i] ?? 0)}</td>`).join('')}</tr>`,
    )
    .join('');
  return (
    `<figure class="card chart${hasLongNames(spec) ? ' wide' : ''}" data-chart-title="${esc(spec.title)}">${head}
    <div class="canvas-box" id="chart-box-${index}"><canvas id="chart-${index}" role="img" aria-label="` +
    `${esc(`${spec.title}: ${spec.notes.join(' ')}`)}"></canvas></div>
    <details class="figures"><summary>Figures</summary><div class="table-wrap"><table><thead>` +
    `${header}</thead><tbody>${rows}</tbody></table></div></details></figure>`
  );
}

/** Draws the chart into the frame chartHtml made; nothing for an empty one. */
export function drawChart(spec: ChartSpec, index: number): Chart | undefined {
  const canvas = document.getElementById(`chart-${index}`) as HTMLCanvasElement | null;
  const box = document.getElementById(`chart-box-${index}`);
  if (!canvas || !box) return undefined;
  const horizontal = spec.orientation === 'horizontal';
  // Set through the CSSOM, which the page's CSP allows (it refuses style attributes).
  box.style.height = `${heightOf(spec)}px`;
  const valueAxis = horizontal ? 'x' : 'y';
  const categoryAxis = horizontal ? 'y' : 'x';
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: spec.categories.map((c) => wrap(c.text, lineWidth(spec))),
      datasets: spec.series.map((s) => ({
        label: s.label,
        data: [...s.values],
        maxBarThickness: 36,
        backgroundColor:
          spec.otherIndex === undefined
            ? s.colour
            : spec.categories.map((_, i) => (i === spec.otherIndex ? OTHER_COLOUR : s.colour)),
      })),
    },
    options: {
      indexAxis: categoryAxis,
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      locale: 'en',
      plugins: {
        legend: { display: spec.series.length > 1, position: 'top' },
        tooltip: {
          callbacks: {
            title: (items) => {
              const category = spec.categories[items[0]?.dataIndex ?? -1];
              return category ? (category.code ? `${category.text} (${category.code})` : category.text) : '';
            },
            label: (item) => `${item.dataset.label ?? ''}: ${formatCount(Number(item.raw))}`,
          },
        },
      },
      scales: {
        [valueAxis]: {
          beginAtZero: true,
          title: { display: true, text: spec.valueTitle },
          ticks: { precision: 0, callback: (value: string | number) => formatCount(Number(value)) },
        },
        [categoryAxis]: { title: { display: true, text: spec.categoryTitle }, ticks: { autoSkip: false } },
      },
    },
    plugins: [
      {
        // What was drawn, on the canvas: the series and their colours, the axis titles and the value ticks.
        id: 'mx-describe',
        afterUpdate(chart) {
          const scale = chart.scales[valueAxis];
          canvas.dataset.chart = JSON.stringify({
            series: spec.series.map((s) => ({ label: s.label, colour: s.colour })),
            categoryTitle: spec.categoryTitle,
            valueTitle: spec.valueTitle,
            categories: spec.categories.map((c) => c.text),
            ticks: scale?.ticks.map((t) => String(t.label)) ?? [],
          });
        },
      },
    ],
  };
  return new Chart(canvas, config);
}
