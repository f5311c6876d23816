/**
 * promotedSum(values, { accumulator, promoteEvery, promoteTo }): two-level accumulation. Runs of
 * N = promoteEvery consecutive terms are summed in order in the narrow accumulator, each run
 * from 0 (every addition rounded to nearest), and each run's sum is added to a wide accumulator
 * (from 0, rounded to nearest in promoteTo):
 *
 *   r_j = RN_acc(... RN_acc(RN_acc(x_(jN)) + x_(jN+1)) ... + x_(jN+N-1)),   S = RN_wide(... RN_wide(r_0) + r_1 ...)
 *
 * This is DeepSeek-V3's fix for FP8 GEMMs (arXiv 2412.19437, section 3.3.2: partial sums of
 * N_C = 128 elements copied to float32 registers on CUDA cores), and what accumulate()'s chunking
 * becomes when the outer sum is wider. The last run may be shorter. Special values: IEEE 754.
 */
import { checkInteger } from "../core/checks";
import { FP32, type FloatingPointFormat } from "../quant/formats";
import { addRounded, checkedFloatAccumulator } from "./wide_accumulator";

export interface PromotedSumOptions {
  /** The narrow accumulator of each run: a floatingPoint format with man in [1, 52]. */
  accumulator: FloatingPointFormat;
  /** Run length N: an integer in [1, 2^31]. */
  promoteEvery: number;
  /** The wide accumulator: a floatingPoint format with man in [1, 52]; default FP32. */
  promoteTo?: FloatingPointFormat;
}

export function promotedSum(values: Float32Array | Float64Array, options: PromotedSumOptions): number {
  if (!(values instanceof Float32Array || values instanceof Float64Array))
    throw new TypeError("lowbit: promotedSum values must be a Float32Array or a Float64Array");
  if (typeof options !== "object" || options === null)
    throw new TypeError("lowbit: promotedSum options must be an object { accumulator, promoteEvery, promoteTo? }");
  const narrow = checkedFloatAccumulator("promotedSum accumulator", options.accumulator);
  const wide = checkedFloatAccumulator("promotedSum promoteTo", options.promoteTo ?? FP32);
  checkInteger("promotedSum promoteEvery", options.promoteEvery, 1, 2 ** 31);
  const N = options.promoteEvery;
  let total = 0;
  for (let begin = 0; begin < values.length; begin += N) {
    const end = Math.min(values.length, begin + N);
    let r = 0;
    for (let i = begin; i < end; i++) r = addRounded(narrow, r, values[i]);
    total = addRounded(wide, total, r);
  }
  return total;
}
