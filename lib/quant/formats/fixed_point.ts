/**
 * Signed fixed point: value = q * 2^-frac with q a two's complement integer of `bits` bits,
 * q in [-2^(bits-1), 2^(bits-1) - 1] (or [-(2^(bits-1) - 1), 2^(bits-1) - 1] when `symmetric`,
 * the "narrow range" that WAGE's Q uses). Quantizing saturates to that range.
 */
import { checkInteger } from "../../core/checks";

export interface FixedPointFormat {
  readonly kind: "fixed";
  readonly bits: number;
  readonly frac: number;
  readonly symmetric: boolean;
}

export interface FixedPointOptions {
  /** Total bits including the sign: an integer in [1, 24] (float32 holds 24 significant bits). */
  bits: number;
  /** Fractional bits: the step is 2^-frac; an integer in [bits - 128, 126]. */
  frac: number;
  /** Drop the most negative code so that the range is symmetric (default false). */
  symmetric?: boolean;
}

export function fixedPoint({ bits, frac, symmetric = false }: FixedPointOptions): FixedPointFormat {
  checkInteger("fixedPoint bits", bits, 1, 24);
  // Every representable value q * 2^-frac must be a finite, normal float32.
  checkInteger("fixedPoint frac", frac, bits - 128, 126);
  return { kind: "fixed", bits, frac, symmetric };
}

/** The grid of a fixed-point format: step, smallest and largest value, and the codes' range. */
export function fixedPointRange(f: FixedPointFormat): { step: number; min: number; max: number; qmin: number; qmax: number } {
  const step = 2 ** -f.frac;
  const qmax = 2 ** (f.bits - 1) - 1;
  const qmin = f.symmetric ? -qmax : -(2 ** (f.bits - 1));
  return { step, min: qmin * step, max: qmax * step, qmin, qmax };
}
