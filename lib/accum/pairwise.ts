/**
 * pairwiseSum(values, { accumulator }): summation in tree order, every addition rounded to
 * nearest in the accumulator's format:
 *
 *   sum(x[0 .. n)) = RN(x_0)                                   for n = 1
 *                  = RN(sum(x[0 .. m)) + sum(x[m .. n))),  m = floor(n / 2)
 *
 * (the split MMA-Sim's reference model uses for its pairwise dot product; Higham, "Accuracy and
 * Stability of Numerical Algorithms", 2nd ed., section 4.2: the error bound grows with log2 n
 * instead of n). The empty sum is 0. Special values follow IEEE 754 (NaN in, NaN out; infinities
 * of both signs give NaN); a finite overflow saturates.
 */
import type { FloatingPointFormat } from "../quant/formats";
import type { ExactFormat } from "./rounding";
import { addRounded, checkedFloatAccumulator } from "./wide_accumulator";

export interface PairwiseSumOptions {
  /** The format of every partial sum: a floatingPoint format with man in [1, 52]. */
  accumulator: FloatingPointFormat;
}

function tree(f: ExactFormat, x: Float32Array | Float64Array, begin: number, end: number): number {
  const n = end - begin;
  if (n === 1) return addRounded(f, 0, x[begin]);
  const m = begin + Math.floor(n / 2);
  return addRounded(f, tree(f, x, begin, m), tree(f, x, m, end));
}

export function pairwiseSum(values: Float32Array | Float64Array, options: PairwiseSumOptions): number {
  if (!(values instanceof Float32Array || values instanceof Float64Array))
    throw new TypeError("lowbit: pairwiseSum values must be a Float32Array or a Float64Array");
  if (typeof options !== "object" || options === null)
    throw new TypeError("lowbit: pairwiseSum options must be an object { accumulator }");
  const f = checkedFloatAccumulator("pairwiseSum accumulator", options.accumulator);
  return values.length === 0 ? 0 : tree(f, values, 0, values.length);
}
