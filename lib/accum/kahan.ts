/**
 * kahanSum(values, { accumulator }): compensated summation (Kahan, "Further remarks on reducing
 * truncation errors", CACM 8(1), 1965) with every operation rounded to nearest in the
 * accumulator's format:
 *
 *   s = 0, c = 0;  for each x:  y = RN(x - c);  t = RN(s + y);  c = RN(RN(t - s) - y);  s = t
 *
 * The error of the sum is then about 2u |sum of |x||, independent of n to first order, where
 * plain recursive summation has n u (Higham, "Accuracy and Stability of Numerical Algorithms",
 * 2nd ed., section 4.3). Each operation is one exact rounding (wide_accumulator.ts), so the
 * result is the algorithm bit for bit in that format. Special values: IEEE arithmetic as written,
 * so an infinite term makes t - s = Inf - Inf and the result NaN, as compensated code does.
 */
import type { FloatingPointFormat } from "../quant/formats";
import { addRounded, checkedFloatAccumulator } from "./wide_accumulator";

export interface KahanSumOptions {
  /** The format of s, c and every intermediate: a floatingPoint format with man in [1, 52]. */
  accumulator: FloatingPointFormat;
}

export function kahanSum(values: Float32Array | Float64Array, options: KahanSumOptions): number {
  if (!(values instanceof Float32Array || values instanceof Float64Array))
    throw new TypeError("lowbit: kahanSum values must be a Float32Array or a Float64Array");
  if (typeof options !== "object" || options === null)
    throw new TypeError("lowbit: kahanSum options must be an object { accumulator }");
  const f = checkedFloatAccumulator("kahanSum accumulator", options.accumulator);
  let s = 0,
    c = 0;
  for (let i = 0; i < values.length; i++) {
    const y = addRounded(f, values[i], -c);
    const t = addRounded(f, s, y);
    c = addRounded(f, addRounded(f, t, -s), -y);
    s = t;
  }
  return s;
}
