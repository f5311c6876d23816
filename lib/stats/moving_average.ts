/**
 * The trailing moving average of a series, as training-loss plots draw it:
 *   m_i = (1 / (i - max(0, i - w + 1) + 1)) * sum_{j = max(0, i - w + 1)}^{i} y_j,
 * the mean of the last `window` values up to i (fewer at the start).
 */
import { checkInteger } from "../core/checks";

export function movingAverage(values: readonly number[], window: number): number[] {
  if (!Array.isArray(values)) throw new TypeError("lowbit: movingAverage values must be an array of numbers");
  checkInteger("movingAverage window", window, 1);
  return values.map((_, i) => {
    const from = Math.max(0, i - window + 1);
    let sum = 0;
    for (let j = from; j <= i; j++) sum += values[j];
    return sum / (i + 1 - from);
  });
}
