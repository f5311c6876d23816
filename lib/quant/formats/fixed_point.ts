/**
 * Signed fixed point: value = q * 2^-frac with q a two's complement integer of `bits` bits,
 * q in [-2^(bits-1), 2^(bits-1) - 1] (or [-(2^(bits-1) - 1), 2^(bits-1) - 1] when `symmetric`,
 * the "narrow range" that WAGE's Q uses). A value beyond that range saturates to its end, or,
 * with `overflow: "wrap"`, wraps around as two's complement hardware does: q mod 2^bits into
 * the range (an accumulator register that overflows). Up to 64 bits describe accumulators;
 * quantize() holds values in float32 and takes at most 24 bits and saturation.
 */
import { checkBoolean, checkInteger, checkOneOf } from "../../core/checks";
import { type FormatKind, gridInfo, roundScaled, twosComplementCode, twosComplementValue } from "./format_kind";

export const FIXED_POINT_OVERFLOWS = ["saturate", "wrap"] as const;
export type FixedPointOverflow = (typeof FIXED_POINT_OVERFLOWS)[number];

export interface FixedPointFormat {
  readonly kind: "fixed";
  readonly bits: number;
  readonly frac: number;
  readonly symmetric: boolean;
  /**
   * Absent means "saturate": fixedPoint() writes the field only for "wrap", so the formats
   * written before wrap-around existed (checkpoints, sweep records) keep their exact JSON.
   */
  readonly overflow?: FixedPointOverflow;
}

export interface FixedPointOptions {
  /** Total bits including the sign: an integer in [1, 64] (quantize() takes at most 24, float32's significand). */
  bits: number;
  /** Fractional bits: the step is 2^-frac; an integer in [bits - 128, 126]. */
  frac: number;
  /** Drop the most negative code so that the range is symmetric (default false). */
  symmetric?: boolean;
  /** "saturate" (default) to the range's ends, or "wrap" around it (two's complement; not symmetric). */
  overflow?: FixedPointOverflow;
}

export function fixedPoint({
  bits,
  frac,
  symmetric = false,
  overflow = "saturate",
}: FixedPointOptions): FixedPointFormat {
  checkInteger("fixedPoint bits", bits, 1, 64);
  // Every value's magnitude, from the step 2^-frac to 2^(bits-1-frac), is in float32's normal range.
  checkInteger("fixedPoint frac", frac, bits - 128, 126);
  checkBoolean("fixedPoint symmetric", symmetric);
  checkOneOf("fixedPoint overflow", overflow, FIXED_POINT_OVERFLOWS);
  if (overflow === "wrap" && symmetric) {
    throw new RangeError(
      'lowbit: fixedPoint overflow "wrap" needs symmetric false (wrap-around is modulo 2^bits, over the full two\'s complement range)',
    );
  }
  return overflow === "wrap"
    ? { kind: "fixed", bits, frac, symmetric, overflow }
    : { kind: "fixed", bits, frac, symmetric };
}

/**
 * The grid of a fixed-point format: step, smallest and largest value, and the codes' range.
 * Above 53 bits qmin, qmax, min and max are float64 roundings of the exact ends (the nearest
 * float64 to 2^63 - 1 is 2^63); fixedPointCodeRange() gives them exactly.
 */
export function fixedPointRange(f: FixedPointFormat): {
  step: number;
  min: number;
  max: number;
  qmin: number;
  qmax: number;
} {
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
  omittedDefaults: ["overflow"],
  label: (f) => `fixed<${f.bits},${f.frac}>`,
  bits: (f) => f.bits,
  info: (f) => {
    const r = fixedPointRange(f);
    return gridInfo(f.bits, r.qmin, r.qmax, r.step);
  },
  arithmetic: (f) => ({ kind: "int", bits: f.bits }),
  round: (f, x, rounding, hash, randomBits) => {
    if (Number.isNaN(x)) return NaN;
    const r = fixedPointRange(f);
    const q = roundScaled(x * 2 ** f.frac, rounding, hash, randomBits);
    if (f.overflow !== "wrap") return Math.min(r.qmax, Math.max(r.qmin, q)) * r.step;
    // Two's complement wrap-around: q mod 2^bits into [qmin, qmax] (exact for |q| < 2^53); an
    // infinity has no residue, NaN as in the fixed-point accumulator (lib/accum/fixed_accumulator.ts).
    if (!Number.isFinite(q)) return NaN;
    const m = 2 ** f.bits;
    return (((((q - r.qmin) % m) + m) % m) + r.qmin) * r.step;
  },
  nearest: (f, x) => fixedPointKind.round(f, x, "nearest", 0),
  codeOf: (f, value) => twosComplementCode(value * 2 ** f.frac, f.bits),
  valueOf: (f, code) => twosComplementValue(code, f.bits) * 2 ** -f.frac,
};

/** The exact range of the codes q of a fixed-point format, as BigInts (for formats up to 64 bits). */
export function fixedPointCodeRange(f: FixedPointFormat): { qmin: bigint; qmax: bigint } {
  const qmax = (1n << BigInt(f.bits - 1)) - 1n;
  return { qmin: f.symmetric ? -qmax : -qmax - 1n, qmax };
}
