/**
 * Progress of a long command on stderr (stdout stays the result, `--json`
 * included): on a terminal one line rewritten in place; in a log or a pipe a
 * line every few seconds, so a CI log neither floods nor goes silent.
 * Hand-rolled rather than cli-progress (which `mx simulate` uses for its
 * bar): a replay's steps are lines of their own between the counting, and its
 * total is not known up front.
 */
export class Progress {
  private last = 0;
  private open = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly intervalMs = stream.isTTY ? 100 : 5000,
  ) {}

  /** The current state; shown if enough time has passed since the last one shown. */
  update(text: string): void {
    const now = Date.now();
    if (now - this.last < this.intervalMs) return;
    this.last = now;
    if (this.stream.isTTY) {
      this.stream.write(`\r${text}\x1b[K`);
      this.open = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** A step done, on a line of its own (ends an in-place line). */
  note(text: string): void {
    this.stream.write(`${this.open ? '\r\x1b[K' : ''}${text}\n`);
    this.open = false;
    this.last = 0;
  }
}
