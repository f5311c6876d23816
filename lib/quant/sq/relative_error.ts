/**
 * SQ's quantization error, relative so that filters of different sizes compare:
 *   filter-wise   e_i = ||W_i - Q_i||_1 / ||W_i||_1   (the authors' code; 0 when W_i = 0)
 *   element-wise  e_j = |w_j - q_j| / |w_j|           (0 when w_j = 0)
 * Channel layout as in per_channel.ts (element j in channel j mod C). Float64 sums.
 */
import { checkChannels } from "./per_channel";

export type SqGranularity = "filter" | "element";
export const SQ_GRANULARITIES: readonly SqGranularity[] = ["filter", "element"];

export function relativeErrors(
  w: Float32Array,
  q: Float32Array,
  channels: number,
  granularity: SqGranularity = "filter",
): Float64Array {
  checkChannels("relativeErrors", w, channels);
  if (q.length !== w.length)
    throw new RangeError(`lowbit: relativeErrors q must have the length of w (${w.length}); got ${q.length}`);
  if (granularity === "element") {
    return Float64Array.from(w, (v, j) => (v === 0 ? 0 : Math.abs(v - q[j]) / Math.abs(v)));
  }
  const diff = new Float64Array(channels),
    norm = new Float64Array(channels);
  for (let j = 0; j < w.length; j++) {
    diff[j % channels] += Math.abs(w[j] - q[j]);
    norm[j % channels] += Math.abs(w[j]);
  }
  return diff.map((d, i) => (norm[i] === 0 ? 0 : d / norm[i]));
}
