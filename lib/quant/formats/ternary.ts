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
import type { FormatKind } from "./format_kind";

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

/**
 * The ternary kind, for its element t in {-1, 0, +1} (the tensor's level a gives the value a * t).
 * Encoding, sign and magnitude: 0b00 = 0, 0b01 = +1, 0b11 = -1 (0b10, -0, is never produced).
 * formatInfo, in units of a: max 1, emax = emin = 0, minNormal = minSubnormal = 1, epsilon 1.
 * Rounding, of x in units of the tensor's mean |x|: t = sign(x) where |x| > threshold, else +0;
 * +-Inf give +-1; the rounding mode does not apply.
 */
export const ternaryKind: FormatKind<TernaryFormat> = {
  kind: "ternary",
  create: ternary,
  label: () => "ternary",
  bits: () => 2,
  info: () => ({
    bits: 2,
    codes: 4,
    signed: true,
    max: 1,
    emax: 0,
    emin: 0,
    minNormal: 1,
    minSubnormal: 1,
    epsilon: 1,
    hasInf: false,
    hasNaN: false,
    negativeZero: false,
  }),
  arithmetic: () => ({ kind: "ternary" }),
  round: (f, x) => (Number.isNaN(x) ? NaN : x > f.threshold ? 1 : x < -f.threshold ? -1 : 0),
  nearest: (f, x) => ternaryKind.round(f, x, "nearest", 0),
  codeOf: (_f, value) => (value > 0 ? 0b01 : value < 0 ? 0b11 : Object.is(value, -0) ? 0b10 : 0b00),
  valueOf: (_f, code) => [0, 1, -0, -1][code],
};
