/**
 * train()'s progress in a terminal: on a TTY one line per epoch redrawn in place
 * (label, epoch, a bar of the epoch's steps, loss); on a pipe or in CI, where carriage returns
 * would pile up in the log, one line at every tenth of an epoch. Each epoch ends with its
 * record's line, the run with its summary ("interrupted after step 17: ...").
 */
import type { EpochRecord, StepRecord } from "./history";
import { summaryText, type TrainingPlan, type TrainingProgress, type TrainingSummary } from "./training_progress";

export class TerminalProgress implements TrainingProgress {
  private plan: TrainingPlan | undefined;
  private currentEpoch = -1;
  private epochStart = 0;
  private stepInEpoch = 0;
  private lastDecile = -1;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly width = 30,
  ) {}

  start(plan: TrainingPlan): void {
    this.plan = plan;
  }

  step(record: StepRecord): void {
    const plan = this.plan!;
    if (record.epoch !== this.currentEpoch) this.beginEpoch(record.epoch);
    this.stepInEpoch++;
    const seconds = (performance.now() - this.epochStart) / 1000;
    const total = plan.stepsPerEpoch;
    const head = `${plan.label} epoch ${record.epoch}/${plan.epochs}`;
    const tail = `${this.stepInEpoch}${total === undefined ? "" : `/${total}`} ${seconds.toFixed(0)}s loss ${record.loss.toFixed(4)}`;
    if (this.stream.isTTY) {
      const fraction = total === undefined ? 0 : this.stepInEpoch / total;
      const filled = Math.round(fraction * this.width);
      const bar = total === undefined ? "" : `${"█".repeat(filled)}${"░".repeat(this.width - filled)} `;
      this.stream.write(`\r${head} ${bar}${tail}\x1b[K`);
      this.drawn = true;
    } else {
      // Without a known length: a line every 100 steps.
      const decile =
        total === undefined ? Math.floor(this.stepInEpoch / 100) : Math.floor((10 * this.stepInEpoch) / total);
      if (decile > this.lastDecile) {
        this.lastDecile = decile;
        this.stream.write(`${head} ${tail}\n`);
      }
    }
  }

  epoch(record: EpochRecord): void {
    this.newLine();
    const extra = [
      record.accuracy === undefined ? "" : `, accuracy ${(100 * record.accuracy).toFixed(2)}%`,
      ...Object.entries(record.metrics ?? {}).map(([k, v]) => `, ${k} ${v.toPrecision(4)}`),
    ].join("");
    this.stream.write(
      `${this.plan!.label} epoch ${record.epoch}: loss ${record.loss.toFixed(4)}${extra} (${record.seconds.toFixed(1)} s)\n`,
    );
  }

  end(summary: TrainingSummary): void {
    this.newLine();
    if (summary.interrupted || summary.stoppedEarly)
      this.stream.write(`${this.plan?.label}: ${summaryText(summary)}\n`);
  }

  private beginEpoch(epoch: number): void {
    this.newLine();
    this.currentEpoch = epoch;
    this.epochStart = performance.now();
    this.stepInEpoch = 0;
    this.lastDecile = -1;
  }

  private newLine(): void {
    if (this.drawn) this.stream.write("\n");
    this.drawn = false;
  }
}
