/**
 * Progress of long work, one API for both places it runs:
 * - in a notebook (tslab kernel or lowbit's runner): one HTML <progress> output that is
 *   overwritten in place (Jupyter's update_display_data, via tslab's newDisplay()), at most
 *   every 200 ms so the front end is not flooded;
 * - in a terminal: a bar redrawn in place on a TTY, and on a pipe or in CI (where carriage
 *   returns would pile up in the log) one line at every tenth of the work.
 */
import { checkInteger } from "../core/checks";
import { type NotebookDisplay, updatableDisplay } from "../nb/display";

export interface ProgressBarOptions {
  /** Stream to draw on; default process.stderr. Giving one forces the terminal form. */
  stream?: NodeJS.WriteStream;
  /** Characters of the terminal bar; default 30. */
  width?: number;
}

const NOTEBOOK_INTERVAL_MS = 200;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export class ProgressBar {
  private done = 0;
  private readonly started = performance.now();
  private lastDecile = -1;
  private lastDrawn = -Infinity;
  private readonly stream: NodeJS.WriteStream;
  private readonly width: number;
  /** Set in a notebook (and no stream given): the output entry this bar overwrites. */
  private readonly display: NotebookDisplay | undefined;

  constructor(
    readonly label: string,
    readonly total: number,
    options: ProgressBarOptions = {},
  ) {
    checkInteger("ProgressBar total", total, 1);
    this.stream = options.stream ?? process.stderr;
    this.width = options.width ?? 30;
    this.display = options.stream === undefined ? updatableDisplay() : undefined;
  }

  /** Advances by `steps` and shows `status` (e.g. "loss 0.231") after the counts. */
  tick(steps = 1, status = ""): void {
    this.done = Math.min(this.total, this.done + steps);
    const fraction = this.done / this.total;
    const now = performance.now();
    const seconds = (now - this.started) / 1000;
    const eta = fraction > 0 ? seconds * (1 / fraction - 1) : 0;
    const counts = `${this.done}/${this.total} ${seconds.toFixed(0)}s<${eta.toFixed(0)}s ${status}`;
    if (this.display !== undefined) {
      if (this.done < this.total && now - this.lastDrawn < NOTEBOOK_INTERVAL_MS) return;
      this.lastDrawn = now;
      this.display.html(
        `<div style="font-family:monospace">${escapeHtml(this.label)} ` +
          `<progress value="${this.done}" max="${this.total}" style="width:20em;vertical-align:middle"></progress> ` +
          `${(fraction * 100).toFixed(0)}% ${escapeHtml(counts)}</div>`,
      );
    } else if (this.stream.isTTY) {
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
