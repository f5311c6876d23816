/**
 * IEEE-754-style binary floating point with `exp` exponent bits and `man` explicit mantissa
 * bits: bias 2^(exp-1) - 1, the all-ones exponent reserved for Inf/NaN, so the largest finite
 * value is (2 - 2^-man) * 2^bias and the smallest normal 2^(1 - bias). With subnormals, values
 * below that are multiples of 2^(1 - bias - man); without, of 2^(1 - bias) (0 or +-2^emin).
 * Overflow saturates to the largest finite value, or gives Inf when `saturate` is false; NaN
 * stays NaN. `{ exp: 5, man: 10, saturate: false }` is IEEE binary16, `{ exp: 8, man: 7 }` bfloat16,
 * `{ exp: 8, man: 23 }` float32 itself, `{ exp: 11, man: 52 }` float64 (wide formats describe
 * accumulators; quantize() holds values in float32 and takes exp <= 8, man <= 23). The FP8 presets are the IEEE-style E4M3 (largest finite
 * 240) and E5M2 (57344), not the OCP "FN" variant of E4M3 that reuses the top exponent (448).
 */
import { checkInteger } from "../../core/checks";

export interface FloatingPointFormat {
  readonly kind: "float";
  readonly exp: number;
  readonly man: number;
  readonly subnormals: boolean;
  readonly saturate: boolean;
}

export interface FloatingPointOptions {
  /** Exponent bits: an integer in [2, 11] (11 is float64's; quantize() takes at most 8). */
  exp: number;
  /** Explicit mantissa bits: an integer in [0, 52] (52 is float64's; quantize() takes at most 23). */
  man: number;
  subnormals?: boolean;
  saturate?: boolean;
}

export function floatingPoint({ exp, man, subnormals = true, saturate = true }: FloatingPointOptions): FloatingPointFormat {
  checkInteger("floatingPoint exp", exp, 2, 11);
  checkInteger("floatingPoint man", man, 0, 52);
  return { kind: "float", exp, man, subnormals, saturate };
}

export const FP32 = floatingPoint({ exp: 8, man: 23 });
export const FP16 = floatingPoint({ exp: 5, man: 10 });
export const BF16 = floatingPoint({ exp: 8, man: 7 });
export const FP8_E4M3 = floatingPoint({ exp: 4, man: 3 });
export const FP8_E5M2 = floatingPoint({ exp: 5, man: 2 });

/** Exponent range and extreme values of a floating-point format. */
export function floatingPointRange(f: FloatingPointFormat): {
  bias: number; emin: number; emax: number; maxFinite: number; minNormal: number; minSubnormal: number;
} {
  const bias = 2 ** (f.exp - 1) - 1;
  const emin = 1 - bias, emax = bias;
  return {
    bias, emin, emax,
    maxFinite: (2 - 2 ** -f.man) * 2 ** emax,
    minNormal: 2 ** emin,
    minSubnormal: f.subnormals ? 2 ** (emin - f.man) : 2 ** emin,
  };
}
