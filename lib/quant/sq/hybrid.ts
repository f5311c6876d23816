/**
 * SQ's hybrid weight: the selected part stays real, the rest is quantized,
 *   H[j] = W[j] if j's filter (filter-wise) or j itself (element-wise) was selected, else Q[j].
 * Training computes with H forward and backward; the gradient dL/dH reaches the real weights W
 * unchanged (dL/dW := dL/dH): exact for the real part, the straight-through estimator for the
 * quantized part, as the authors' Caffe layers do (their weight gradient is the plain one).
 */
import { checkChannels } from "./per_channel";
import type { SqGranularity } from "./relative_error";

export function hybridWeight(
  w: Float32Array,
  q: Float32Array,
  channels: number,
  keptReal: ArrayLike<number>,
  granularity: SqGranularity = "filter",
): Float32Array {
  checkChannels("hybridWeight", w, channels);
  if (q.length !== w.length)
    throw new RangeError(`lowbit: hybridWeight q must have the length of w (${w.length}); got ${q.length}`);
  const units = granularity === "filter" ? channels : w.length;
  const real = new Uint8Array(units);
  for (let k = 0; k < keptReal.length; k++) {
    const i = keptReal[k];
    if (!(Number.isInteger(i) && i >= 0 && i < units))
      throw new RangeError(`lowbit: hybridWeight keptReal indices must be integers in [0, ${units - 1}]; got ${i}`);
    real[i] = 1;
  }
  const h = q.slice();
  for (let j = 0; j < w.length; j++) {
    if (real[granularity === "filter" ? j % channels : j] === 1) h[j] = w[j];
  }
  return h;
}
