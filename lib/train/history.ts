/**
 * What train() records per step and per epoch, and the epoch records as a danfojs DataFrame.
 * danfojs-node is optional for lowbit (it installs only with npm overrides): toDataFrame loads
 * it when called.
 */
import { requireDanfojs } from "../core/optional_package";

export interface StepRecord {
  /** Steps done in the run, this one included (1-based; a resumed run counts on). */
  step: number;
  /** The epoch the step belongs to (1-based). */
  epoch: number;
  /** The step's training loss. */
  loss: number;
  /** The learning rate of the step, when a schedule set it. */
  learningRate?: number;
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's steps. */
  loss: number;
  /** Steps in the epoch. */
  steps?: number;
  /** Accuracy on the evaluation split (validation, else test), if one was given. */
  accuracy?: number;
  /** Mean loss on the evaluation split. */
  evalLoss?: number;
  /** What train()'s `evaluate` option returned after the epoch (e.g. BLEU, perplexity). */
  metrics?: Record<string, number>;
  /** Wall time of the epoch's training steps, seconds. */
  seconds: number;
  /** Per quantized layer: mean |W| of the master weights, and dynamic fixed point's frac. */
  layers: Record<string, { meanAbsWeight: number; weightFrac?: number[] }>;
}

/** An epoch record's own fields: toDataFrame writes evaluate()'s metrics into the same row. */
const RECORD_FIELDS: readonly string[] = [
  "epoch",
  "loss",
  "steps",
  "accuracy",
  "evalLoss",
  "metrics",
  "seconds",
  "layers",
] satisfies (keyof EpochRecord)[];

/**
 * Throws unless `metrics` (what train()'s evaluate returned) is an object whose names are not
 * an epoch record's own fields: { loss } would overwrite the training loss in toDataFrame's row.
 */
export function checkMetrics(what: string, metrics: unknown): asserts metrics is Record<string, number> {
  if (typeof metrics !== "object" || metrics === null || Array.isArray(metrics))
    throw new TypeError(`lowbit: ${what} must return an object of metrics ({ name: number }); got ${String(metrics)}`);
  for (const name of Object.keys(metrics))
    if (RECORD_FIELDS.includes(name))
      throw new RangeError(
        `lowbit: ${what} returned a metric named "${name}", a field of the epoch record ` +
          `(${RECORD_FIELDS.join(", ")}); give it another name`,
      );
}

/** The records as a DataFrame, one row per epoch, layer statistics as "layer.stat" columns. */
export function toDataFrame(history: EpochRecord[]): unknown {
  const dfd = requireDanfojs("toDataFrame");
  const rows = history.map(({ layers, metrics, ...rest }) => {
    const row: Record<string, number | undefined> = { ...rest, ...metrics };
    for (const [name, stats] of Object.entries(layers)) {
      row[`${name}.meanAbsWeight`] = stats.meanAbsWeight;
      if (stats.weightFrac !== undefined) row[`${name}.weightFrac`] = stats.weightFrac[0];
    }
    return row;
  });
  return new dfd.DataFrame(rows);
}
