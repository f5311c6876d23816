/**
 * Ternary weights (TWN, Li & Liu 2016): with Delta = threshold * mean|x| over the tensor
 * (twn_threshold.ts), t = sign(x) where |x| > Delta and 0 elsewhere, and y = a * t with
 * a = mean of |x| over the finite entries where |x| > Delta (a = 0 when there are none).
 * The statistics are computed in float64 over the whole tensor.
 *
 * Special values: the statistics use the finite values only; NaN stays NaN; +-Inf becomes +-a,
 * the level of its sign. So one NaN or Inf changes only its own element.
 */
import { twnThreshold } from "./twn_threshold";

export interface TernaryFormat {
  readonly kind: "ternary";
  readonly threshold: number;
}

export function ternary({ threshold = 0.7 }: { threshold?: number } = {}): TernaryFormat {
  if (!(threshold >= 0 && Number.isFinite(threshold))) {
    throw new RangeError(`lowbit: ternary threshold must be a finite number >= 0; got ${threshold}`);
  }
  return { kind: "ternary", threshold };
}

/** TWN of a float32 array: returns the ternary values and (Delta, a). */
export function ternarize(x: Float32Array, threshold: number): { y: Float32Array; delta: number; scale: number } {
  const delta = twnThreshold(x, threshold);
  let kept = 0, keptSum = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a > delta && a !== Infinity) {
      kept++;
      keptSum += a;
    }
  }
  const scale = kept > 0 ? Math.fround(keptSum / kept) : 0;
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    y[i] = Number.isNaN(v) ? NaN : v > delta ? scale : v < -delta ? -scale : 0;
  }
  return { y, delta, scale };
}
