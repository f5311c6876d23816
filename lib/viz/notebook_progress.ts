/**
 * train()'s progress in a notebook: one output entry overwritten in place (Jupyter's
 * update_display_data, through tslab's newDisplay()) at most every 200 ms: the run's label,
 * the epoch, a <progress> bar of its steps, the last loss, and a line per finished epoch. When
 * the run ends the entry shows its summary, so after Kernel > Interrupt the cell says where
 * training stopped. Importing this module registers it with lib/train, which uses it only in a
 * notebook (registerNotebookProgress).
 */
import { type NotebookDisplay, updatableDisplay } from "../nb/display";
import type { EpochRecord, StepRecord } from "../train/history";
import {
  registerNotebookProgress,
  summaryText,
  type TrainingPlan,
  type TrainingProgress,
  type TrainingSummary,
} from "../train/training_progress";

const INTERVAL_MS = 200;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export class NotebookProgress implements TrainingProgress {
  private plan: TrainingPlan | undefined;
  private last: StepRecord | undefined;
  private stepInEpoch = 0;
  private epochStart = performance.now();
  private lastDrawn = Number.NEGATIVE_INFINITY;
  private readonly epochs: string[] = [];
  private ending = "";

  constructor(private readonly display: NotebookDisplay) {}

  start(plan: TrainingPlan): void {
    this.plan = plan;
    this.draw();
  }

  step(record: StepRecord): void {
    if (record.epoch !== this.last?.epoch) {
      this.stepInEpoch = 0;
      this.epochStart = performance.now();
    }
    this.stepInEpoch++;
    this.last = record;
    const now = performance.now();
    if (now - this.lastDrawn < INTERVAL_MS) return;
    this.lastDrawn = now;
    this.draw();
  }

  epoch(record: EpochRecord): void {
    const extra = [
      record.accuracy === undefined ? "" : `, accuracy ${(100 * record.accuracy).toFixed(2)}%`,
      ...Object.entries(record.metrics ?? {}).map(([k, v]) => `, ${k} ${v.toPrecision(4)}`),
    ].join("");
    this.epochs.push(`epoch ${record.epoch}: loss ${record.loss.toFixed(4)}${extra} (${record.seconds.toFixed(1)} s)`);
    this.draw();
  }

  end(summary: TrainingSummary): void {
    this.ending = summaryText(summary);
    this.draw();
    // Also as text in the cell's stream, where nbconvert's logs and text front ends show it.
    if (summary.interrupted) console.log(`${this.plan!.label}: ${this.ending}`);
  }

  private draw(): void {
    const plan = this.plan!;
    const total = plan.stepsPerEpoch;
    const epoch = this.last?.epoch ?? plan.firstEpoch + 1;
    const seconds = (performance.now() - this.epochStart) / 1000;
    const bar =
      total === undefined
        ? ""
        : `<progress value="${this.stepInEpoch}" max="${total}" style="width:20em;vertical-align:middle"></progress> `;
    const status =
      `${this.stepInEpoch}${total === undefined ? "" : `/${total}`} steps ${seconds.toFixed(0)}s` +
      (this.last === undefined ? "" : ` loss ${this.last.loss.toFixed(4)}`);
    const lines = [
      `${escapeHtml(plan.label)} epoch ${epoch}/${plan.epochs} ${bar}${escapeHtml(status)}`,
      ...this.epochs.map(escapeHtml),
      ...(this.ending === "" ? [] : [`<b>${escapeHtml(this.ending)}</b>`]),
    ];
    this.display.html(`<div style="font-family:monospace">${lines.join("<br>")}</div>`);
  }
}

registerNotebookProgress(() => {
  const display = updatableDisplay();
  return display === undefined ? undefined : new NotebookProgress(display);
});
