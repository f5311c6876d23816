/**
 * fmaDot(a, b, { accumulator }): the dot product as a chain of fused multiply-adds,
 * s_0 = 0, s_(k+1) = RN(a_k b_k + s_k), each exact product-plus-sum rounded once to the
 * accumulator's format (IEEE 754-2008 fusedMultiplyAdd, section 5.4.1), k in order. The product
 * of two float32 values is exact in float64 (48 significant bits), and the sum is rounded
 * exactly (wide_accumulator.ts), so this is the definition bit for bit. Special values follow
 * IEEE 754: a NaN operand, Inf * 0 or Inf - Inf give NaN, an infinite product an infinite sum.
 * A finite overflow saturates, as every lowbit accumulator does.
 */
import type { FloatingPointFormat } from "../quant/formats";
import { checkDotOperands } from "./dot_operands";
import type { ExactFormat } from "./rounding";
import { addRounded, checkedFloatAccumulator } from "./wide_accumulator";

export interface FmaDotOptions {
  /** The accumulator: a floatingPoint format with man in [1, 52] (FP32 for a CPU's float32 FMA). */
  accumulator: FloatingPointFormat;
}

/** The FMA chain over a[ia ..], b[ib ..], `length` terms, from s. */
export function fmaChain(
  f: ExactFormat,
  a: ArrayLike<number>,
  ia: number,
  b: ArrayLike<number>,
  ib: number,
  length: number,
  s: number,
): number {
  for (let k = 0; k < length; k++) s = addRounded(f, s, a[ia + k] * b[ib + k]);
  return s;
}

export function fmaDot(a: Float32Array, b: Float32Array, options: FmaDotOptions): number {
  checkDotOperands("fmaDot", a, b);
  if (typeof options !== "object" || options === null)
    throw new TypeError("lowbit: fmaDot options must be an object { accumulator }");
  const f = checkedFloatAccumulator("fmaDot accumulator", options.accumulator);
  return fmaChain(f, a, 0, b, 0, a.length, 0);
}
