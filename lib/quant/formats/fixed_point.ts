/**
 * Signed fixed point: value = q * 2^-frac with q a two's complement integer of `bits` bits,
 * q in [-2^(bits-1), 2^(bits-1) - 1] (or [-(2^(bits-1) - 1), 2^(bits-1) - 1] when `symmetric`,
 * the "narrow range" that WAGE's Q uses). Quantizing saturates to that range.
 */
import { checkBoolean, checkInteger } from "../../core/checks";
import { FormatKind, gridInfo, roundScaled, twosComplementCode, twosComplementValue } from "./format_kind";

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
  checkBoolean("fixedPoint symmetric", symmetric);
  return { kind: "fixed", bits, frac, symmetric };
}

/** The grid of a fixed-point format: step, smallest and largest value, and the codes' range. */
export function fixedPointRange(f: FixedPointFormat): { step: number; min: number; max: number; qmin: number; qmax: number } {
  const step = 2 ** -f.frac;
  const qmax = 2 ** (f.bits - 1) - 1;
  const qmin = f.symmetric ? -qmax : -(2 ** (f.bits - 1));
  return { step, min: qmin * step, max: qmax * step, qmin, qmax };
}

/**
 * The fixed-point kind. Encoding: the `bits`-bit two's complement pattern of q (a symmetric
 * format never produces the most negative pattern; decode reads it as -2^(bits-1) steps all the
 * same). formatInfo: max = qmax * 2^-frac, epsilon = minNormal = minSubnormal = the step 2^-frac,
 * emin = -frac, emax = bits - 1 - frac (2^(bits-1) steps, the most negative value; for a
 * symmetric format the exponent of qmax * step). Rounding (quantize, lib/wasm/quantize.ts):
 * q = round(x * 2^frac) clamped to [qmin, qmax], so +-Inf saturate.
 */
export const fixedPointKind: FormatKind<FixedPointFormat> = {
  kind: "fixed",
  create: fixedPoint,
  label: (f) => `fixed<${f.bits},${f.frac}>`,
  bits: (f) => f.bits,
  info: (f) => {
    const r = fixedPointRange(f);
    return gridInfo(f.bits, r.qmin, r.qmax, r.step);
  },
  arithmetic: (f) => ({ kind: "int", bits: f.bits }),
  round: (f, x, rounding, hash) => {
    if (Number.isNaN(x)) return NaN;
    const r = fixedPointRange(f);
    return Math.min(r.qmax, Math.max(r.qmin, roundScaled(x * 2 ** f.frac, rounding, hash))) * r.step;
  },
  nearest: (f, x) => fixedPointKind.round(f, x, "nearest", 0),
  codeOf: (f, value) => twosComplementCode(value * 2 ** f.frac, f.bits),
  valueOf: (f, code) => twosComplementValue(code, f.bits) * 2 ** -f.frac,
};
