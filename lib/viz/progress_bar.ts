/**
 * Progress of long work in a terminal: a bar redrawn in place on a TTY, and on a pipe or in CI
 * (where carriage returns would pile up in the log) one line at every tenth of the work.
 */
export interface ProgressBarOptions {
  /** Stream to draw on; default process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Characters of the bar; default 30. */
  width?: number;
}

export class ProgressBar {
  private done = 0;
  private readonly started = performance.now();
  private lastDecile = -1;
  private readonly stream: NodeJS.WriteStream;
  private readonly width: number;

  constructor(readonly label: string, readonly total: number, options: ProgressBarOptions = {}) {
    if (!(Number.isInteger(total) && total > 0)) {
      throw new RangeError(`ProgressBar: total must be a positive integer, got ${total}`);
    }
    this.stream = options.stream ?? process.stderr;
    this.width = options.width ?? 30;
  }

  /** Advances by `steps` and shows `status` (e.g. "loss 0.231") after the counts. */
  tick(steps = 1, status = ""): void {
    this.done = Math.min(this.total, this.done + steps);
    const fraction = this.done / this.total;
    const seconds = (performance.now() - this.started) / 1000;
    const eta = fraction > 0 ? seconds * (1 / fraction - 1) : 0;
    const counts = `${this.done}/${this.total} ${seconds.toFixed(0)}s<${eta.toFixed(0)}s ${status}`;
    if (this.stream.isTTY) {
      const filled = Math.round(fraction * this.width);
      const bar = "█".repeat(filled) + "░".repeat(this.width - filled);
      this.stream.write(`\r${this.label} ${bar} ${counts}\x1b[K${this.done === this.total ? "\n" : ""}`);
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile > this.lastDecile) {
        this.lastDecile = decile;
        this.stream.write(`${this.label} ${(fraction * 100).toFixed(0)}% ${counts}\n`);
      }
    }
  }
}
