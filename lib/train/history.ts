/**
 * What train() records per epoch, and the records as a danfojs DataFrame. danfojs-node is
 * optional for lowbit (it installs only with npm overrides): toDataFrame loads it when called.
 */
import { requireDanfojs } from "../core/danfojs";

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's steps. */
  loss: number;
  /** Accuracy on the evaluation split (validation, else test), if one was given. */
  accuracy?: number;
  /** Mean loss on the evaluation split. */
  evalLoss?: number;
  /** Wall time of the epoch's training steps, seconds. */
  seconds: number;
  /** Per quantized layer: mean |W| of the master weights, and dynamic fixed point's frac. */
  layers: Record<string, { meanAbsWeight: number; weightFrac?: number[] }>;
}

/** The records as a DataFrame, one row per epoch, layer statistics as "layer.stat" columns. */
export function toDataFrame(history: EpochRecord[]): unknown {
  const dfd = requireDanfojs("toDataFrame");
  const rows = history.map(({ layers, ...rest }) => {
    const row: Record<string, number | undefined> = { ...rest };
    for (const [name, stats] of Object.entries(layers)) {
      row[`${name}.meanAbsWeight`] = stats.meanAbsWeight;
      if (stats.weightFrac !== undefined) row[`${name}.weightFrac`] = stats.weightFrac[0];
    }
    return row;
  });
  return new dfd.DataFrame(rows);
}
