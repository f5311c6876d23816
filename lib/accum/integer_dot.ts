/**
 * integerDot(a, b, { bits, overflow }): the dot product of integer operands (e.g. int8 codes) in a
 * bits-bit two's complement accumulator register, s_(k+1) = O(s_k + a_k b_k) with O either
 * saturation to [-2^(bits-1), 2^(bits-1) - 1] or wrap-around modulo 2^bits (what an integer
 * MAC unit without overflow detection does; the sum mod 2^bits is then exact whenever the true
 * sum fits, whatever the partial sums did). The products are exact (operands below 2^24 in
 * magnitude), and the register is fixed_accumulator.ts's fixedPoint({ bits, frac: 0, overflow })
 * code, so every step is exact.
 */
import { checkInteger, checkOneOf } from "../core/checks";
import { FIXED_POINT_OVERFLOWS, type FixedPointOverflow, fixedPoint } from "../quant/formats";
import { checkDotOperands } from "./dot_operands";
import { fixedGrid, sumFixed } from "./fixed_accumulator";

export interface IntegerDotOptions {
  /** Accumulator width: an integer in [2, 64]. */
  bits: number;
  /** "saturate" (default) or "wrap". */
  overflow?: FixedPointOverflow;
}

export function integerDot(a: Float32Array, b: Float32Array, options: IntegerDotOptions): number {
  checkDotOperands("integerDot", a, b);
  if (typeof options !== "object" || options === null)
    throw new TypeError("lowbit: integerDot options must be an object { bits, overflow? }");
  const { bits, overflow = "saturate" } = options;
  checkInteger("integerDot bits", bits, 2, 64);
  checkOneOf("integerDot overflow", overflow, FIXED_POINT_OVERFLOWS);
  const products = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    for (const [name, x] of [
      ["a", a[i]],
      ["b", b[i]],
    ] as const) {
      if (!(Number.isInteger(x) && Math.abs(x) < 2 ** 24))
        throw new RangeError(
          `lowbit: integerDot ${name}[${i}] must be an integer in (-2^24, 2^24) (an integer operand code); got ${x}`,
        );
    }
    products[i] = a[i] * b[i];
  }
  const grid = fixedGrid(fixedPoint({ bits, frac: 0, overflow }), "nearest");
  return sumFixed(grid, products, products.length, Math.max(products.length, 1), 0, 0);
}
