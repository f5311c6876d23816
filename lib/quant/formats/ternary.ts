/**
 * Ternary weights (TWN, Li et al. 2016, as SQ uses them): with Delta = threshold * mean|x| over
 * the tensor, t = sign(x) where |x| > Delta and 0 elsewhere, and y = a * t with
 * a = mean of |x| over the entries where |x| > Delta (a = 0 when there are none).
 * The statistics are computed in float64 over the whole tensor.
 */
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
  let sumAbs = 0;
  for (let i = 0; i < x.length; i++) sumAbs += Math.abs(x[i]);
  const delta = Math.fround(threshold * (sumAbs / Math.max(1, x.length)));
  let kept = 0, keptSum = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a > delta) {
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
