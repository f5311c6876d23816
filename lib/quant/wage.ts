/**
 * WAGE's operators (Wu et al., ICLR 2018), as defined in the paper:
 *   sigma(k) = 2^(1-k)                                       the step of k-bit values in (-1, 1)
 *   Q(x, k)  = clip(sigma(k) * round(x / sigma(k)), -1 + sigma(k), 1 - sigma(k))
 *   Shift(x) = 2^round(log2 x)                                nearest power of two (x > 0)
 * Q is the symmetric fixed-point format of k bits with k - 1 fractional bits, rounded to nearest
 * (ties to even, as TensorFlow's round). Example: Q([-1, 0.2, 0.6], 2) = [-0.5, 0, 0.5].
 */
import type * as tf from "../backend/tf";
import { fixedPoint, type FixedPointFormat } from "./formats";
import { quantize } from "./quantize";

export function sigma(k: number): number {
  return 2 ** (1 - k);
}

/** The values Q(x, k) takes: k-bit symmetric fixed point with k - 1 fractional bits. */
export function wageFormat(k: number): FixedPointFormat {
  return fixedPoint({ bits: k, frac: k - 1, symmetric: true });
}

export function wageQ<T extends tf.Tensor | Float32Array>(x: T, k: number): T {
  return quantize(x, wageFormat(k));
}

export function shift(x: number): number {
  if (!(x > 0 && Number.isFinite(x)))
    throw new RangeError(`lowbit: shift x must be a positive finite number; got ${x}`);
  return 2 ** Math.round(Math.log2(x));
}
