/**
 * How train() reports its progress: an interface with one method per event, which a terminal
 * renderer (terminal_progress.ts) and a notebook renderer (lib/viz/notebook_progress.ts) each
 * implement. lib/train depends on neither the notebook nor its display: the notebook renderer
 * registers itself (registerNotebookProgress) when lowbit's presentation modules load, and
 * train() uses it only while code runs in a notebook.
 */
import type { EpochRecord, StepRecord } from "./history";

export interface TrainingPlan {
  /** A name for the run (e.g. "seq2seq FP32"); default "train". */
  label: string;
  /** Epochs of the run, and the first one this call trains (0-based; > 0 after a resume). */
  epochs: number;
  firstEpoch: number;
  /** Steps per epoch, when the batch source's length is known. */
  stepsPerEpoch: number | undefined;
}

export interface TrainingSummary {
  /** Steps done in the run (a resumed run counts its earlier steps). */
  steps: number;
  /** Complete epochs done. */
  epochs: number;
  stoppedEarly: boolean;
  /** Stopped by an interrupt (SIGINT: Ctrl-C, Kernel > Interrupt) or by the AbortSignal. */
  interrupted: boolean;
}

export interface TrainingProgress {
  start(plan: TrainingPlan): void;
  step(record: StepRecord): void;
  epoch(record: EpochRecord): void;
  /** Called once, also after an interrupt or an error (then with what was done until then). */
  end(summary: TrainingSummary): void;
}

/** The text a renderer shows when a run ends: "stopped early", "interrupted after step 17". */
export function summaryText(summary: TrainingSummary): string {
  const done = `${summary.epochs} epoch${summary.epochs === 1 ? "" : "s"}, ${summary.steps} step${summary.steps === 1 ? "" : "s"}`;
  if (summary.interrupted) return `interrupted after step ${summary.steps}: the model holds that step (${done})`;
  if (summary.stoppedEarly) return `stopped early (${done})`;
  return `done (${done})`;
}

let notebookProgress: (() => TrainingProgress | undefined) | undefined;

/**
 * Registers the renderer train() uses inside a notebook: `make` returns one, or undefined when
 * the code does not run in a notebook.
 */
export function registerNotebookProgress(make: () => TrainingProgress | undefined): void {
  notebookProgress = make;
}

/** The notebook renderer when one is registered and the code runs in a notebook; else undefined. */
export function notebookTrainingProgress(): TrainingProgress | undefined {
  return notebookProgress?.();
}
