/**
 * What a chaos scenario reports: figures, each with its target where the
 * issue sets one, and whether the run met it. Figures without a target are
 * context (how much load, how long) and never fail a run.
 */

export type ScenarioId = 'R1' | 'R2' | 'R3' | 'R4' | 'R5';

export interface Figure {
  readonly name: string;
  /** The figure itself, as printed. */
  readonly result: string;
  /** The target as printed, e.g. "0" or "100 %"; absent for a figure that only gives context. */
  readonly target?: string;
  /** Whether the target was met; absent when there is no target. */
  readonly pass?: boolean;
  /** The raw number behind `result`, for --json readers. */
  readonly value?: number;
}

export interface ScenarioReport {
  readonly id: ScenarioId;
  readonly title: string;
  readonly figures: readonly Figure[];
  /** Things a reader needs to judge a failure: the first few offending items, a finding's request. */
  readonly findings: readonly string[];
  readonly seconds: number;
  readonly pass: boolean;
}

export const info = (name: string, value: number | string, unit = ''): Figure =>
  typeof value === 'number' ? { name, result: `${formatNumber(value)}${unit}`, value } : { name, result: value };

/** A count whose target is an exact number (usually 0). */
export function exactly(name: string, value: number, target: number): Figure {
  return { name, result: formatNumber(value), target: formatNumber(target), pass: value === target, value };
}

/** A count that must reach at least `target`. */
export function atLeast(name: string, value: number, target: number, unit = ''): Figure {
  return {
    name,
    result: `${formatNumber(value)}${unit}`,
    target: `≥ ${formatNumber(target)}${unit}`,
    pass: value >= target,
    value,
  };
}

/**
 * `part` of `whole` as a share that must be 100 %. A share of nothing is
 * a failure: a scenario that measured nothing has proved nothing.
 */
export function all(name: string, part: number, whole: number): Figure {
  const share = whole === 0 ? 0 : (100 * part) / whole;
  return {
    name,
    result: `${formatNumber(part)} / ${formatNumber(whole)} (${formatShare(share)})`,
    target: '100 %',
    pass: whole > 0 && part === whole,
    value: share,
  };
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function formatShare(share: number): string {
  // 99.96 % must not print as 100 %.
  const text = share === 100 || share === 0 ? String(share) : share > 99.9 ? share.toFixed(3) : share.toFixed(1);
  return `${text} %`;
}

export function scenario(
  id: ScenarioId,
  title: string,
  started: number,
  figures: readonly Figure[],
  findings: readonly string[] = [],
): ScenarioReport {
  return {
    id,
    title,
    figures,
    findings,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    pass: figures.every((f) => f.pass !== false),
  };
}

/** The figures that missed their target (what a test asserts is empty). */
export const missed = (report: ScenarioReport): Figure[] => report.figures.filter((f) => f.pass === false);

export function renderTable(report: ScenarioReport): string {
  const rows = report.figures.map((f) => [
    f.name,
    f.target ?? '',
    f.result,
    f.pass === undefined ? '' : f.pass ? 'PASS' : 'FAIL',
  ]);
  const header = ['figure', 'target', 'result', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const lines = [
    `${report.id} ${report.title}: ${report.pass ? 'PASS' : 'FAIL'} (${report.seconds} s)`,
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ];
  for (const finding of report.findings) lines.push(`  - ${finding}`);
  return lines.join('\n');
}
