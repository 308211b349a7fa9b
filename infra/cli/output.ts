/** Output helpers shared by the mx commands: JSON for tools, tables for people. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Rows as aligned columns under a header and a rule; `(none)` when there are no rows. */
export function formatTable<T extends object>(rows: readonly T[], columns?: readonly string[]): string {
  if (rows.length === 0) return '(none)\n';
  const cols = columns ?? Object.keys(rows[0]!);
  const get = (row: T, column: string) => (row as Record<string, unknown>)[column];
  const cell = (v: unknown) =>
    v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(get(r, c)).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const lines = [
    line([...cols]),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row) => line(cols.map((c) => cell(get(row, c))))),
  ];
  return `${lines.join('\n')}\n`;
}

export function printTable<T extends object>(rows: readonly T[], columns?: readonly string[]): void {
  process.stdout.write(formatTable(rows, columns));
}

/** A user-facing CLI failure: printed without a stack trace, exit code 1 (or the given one). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
