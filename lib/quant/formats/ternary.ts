/**
 * Ternary weights (TWN, Li & Liu 2016): with Delta = threshold * mean|x| over the tensor
 * (twn_threshold.ts), t = sign(x) where |x| > Delta and 0 elsewhere, and y = a * t with
 * a = mean of |x| over the finite entries where |x| > Delta (a = 0 when there are none).
 * The statistics are computed in float64 over the whole tensor.
 *
 * Special values: the statistics use the finite values only; NaN stays NaN; +-Inf becomes +-a,
 * the level of its sign. So one NaN or Inf changes only its own element.
 *
 * quantize() computes it as the scaled format { element: ternary, scale: meanAbsKept } per
 * tensor (lib/quant/scaled); inside a scaled format the element is the pattern +-1 / 0.
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
