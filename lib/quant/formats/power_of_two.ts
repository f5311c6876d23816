/**
 * Power-of-two (logarithmic) values, QNN's LogQuant and AP2: y = sign(x) * 2^e or 0, with a
 * sign bit and bits - 1 bits for the exponent code, one code meaning zero:
 * e in [maxExponent - 2^(bits-1) + 2, maxExponent]. Nearest rounds log2|x| to the nearest
 * integer; stochastic rounding is unbiased in the linear domain (see lib/wasm/power_of_two.ts).
 */
import { checkInteger } from "../../core/checks";

export interface PowerOfTwoFormat {
  readonly kind: "powerOfTwo";
  readonly bits: number;
  readonly maxExponent: number;
}

export interface PowerOfTwoOptions {
  /** Total bits: an integer in [2, 8]. */
  bits: number;
  /** Largest exponent (default 0: values up to 1); the smallest must stay >= -126. */
  maxExponent?: number;
}

export function powerOfTwo({ bits, maxExponent = 0 }: PowerOfTwoOptions): PowerOfTwoFormat {
  checkInteger("powerOfTwo bits", bits, 2, 8);
  checkInteger("powerOfTwo maxExponent", maxExponent, -126 + 2 ** (bits - 1) - 2, 127);
  return { kind: "powerOfTwo", bits, maxExponent };
}

export function powerOfTwoRange(f: PowerOfTwoFormat): { minExponent: number; maxExponent: number } {
  return { minExponent: f.maxExponent - 2 ** (f.bits - 1) + 2, maxExponent: f.maxExponent };
}
