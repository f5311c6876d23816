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
import { checkBoolean, checkInteger } from "../../core/checks";
import { exponentOf, type FormatKind, roundScaled } from "./format_kind";

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

export function floatingPoint({
  exp,
  man,
  subnormals = true,
  saturate = true,
}: FloatingPointOptions): FloatingPointFormat {
  checkInteger("floatingPoint exp", exp, 2, 11);
  checkInteger("floatingPoint man", man, 0, 52);
  checkBoolean("floatingPoint subnormals", subnormals);
  checkBoolean("floatingPoint saturate", saturate);
  return { kind: "float", exp, man, subnormals, saturate };
}

export const FP32 = floatingPoint({ exp: 8, man: 23 });
export const FP16 = floatingPoint({ exp: 5, man: 10 });
export const BF16 = floatingPoint({ exp: 8, man: 7 });
export const FP8_E4M3 = floatingPoint({ exp: 4, man: 3 });
export const FP8_E5M2 = floatingPoint({ exp: 5, man: 2 });

/** Exponent range and extreme values of a floating-point format. */
export function floatingPointRange(f: FloatingPointFormat): {
  bias: number;
  emin: number;
  emax: number;
  maxFinite: number;
  minNormal: number;
  minSubnormal: number;
} {
  const bias = 2 ** (f.exp - 1) - 1;
  const emin = 1 - bias,
    emax = bias;
  return {
    bias,
    emin,
    emax,
    maxFinite: (2 - 2 ** -f.man) * 2 ** emax,
    minNormal: 2 ** emin,
    minSubnormal: f.subnormals ? 2 ** (emin - f.man) : 2 ** emin,
  };
}

/**
 * The floating-point kind. Encoding, IEEE 754 style: sign | exponent field (exp bits, biased by
 * 2^(exp-1) - 1) | mantissa field (man bits); exponent field 0 holds zero and the subnormals,
 * the all-ones field Inf (mantissa 0) and NaN (else; the canonical NaN is the quiet one, top
 * mantissa bit set, sign 0: 0x7E00 in binary16). The code space does not depend on `saturate`
 * or `subnormals`: a saturating format never produces the Inf codes, one without subnormals never
 * the subnormal codes, and decode reads them as IEEE does all the same. With man = 0 the
 * all-ones exponent holds only Inf: no NaN code. formatInfo: emax = bias, emin = 1 - bias,
 * max = (2 - 2^-man) * 2^emax, epsilon = 2^-man, hasInf = !saturate.
 *
 * Rounding (lib/wasm/quantize.ts): the magnitude is rounded on the grid of its binade (quantum
 * 2^(e - man)), or of the subnormals (2^(emin - man); 2^emin without subnormals); "floor" rounds
 * a negative value's magnitude up. Past max: max when saturating or rounding toward zero, else
 * Inf. Stochastic rounding of normals drops k = 23 - man bits and rounds up iff
 * (hash >>> (32 - k)) + fraction * 2^k >= 2^k (for float32 inputs the fraction is d / 2^k, d the
 * dropped bits); elsewhere, and for man >= 23, up iff u < fraction as roundScaled says.
 */
export const floatingPointKind: FormatKind<FloatingPointFormat> = {
  kind: "float",
  create: floatingPoint,
  label: (f) => `float<e${f.exp},m${f.man}>`,
  bits: (f) => 1 + f.exp + f.man,
  info: (f) => {
    const r = floatingPointRange(f);
    return {
      bits: 1 + f.exp + f.man,
      codes: 2 ** (1 + f.exp + f.man),
      signed: true,
      max: r.maxFinite,
      emax: r.emax,
      emin: r.emin,
      minNormal: r.minNormal,
      minSubnormal: r.minSubnormal,
      epsilon: 2 ** -f.man,
      hasInf: !f.saturate,
      hasNaN: f.man > 0,
    };
  },
  arithmetic: (f) => ({ kind: "float", exp: f.exp, man: f.man }),
  round: (f, x, rounding, hash) => {
    if (Number.isNaN(x)) return NaN;
    const r = floatingPointRange(f);
    const negative = x < 0 || Object.is(x, -0);
    const a = Math.abs(x);
    // The magnitude's rounding: "floor" rounds a negative value's magnitude up ("away").
    const mode = rounding === "floor" ? (negative ? "away" : "zero") : rounding;
    let q: number;
    if (a === Infinity) {
      q = f.saturate ? r.maxFinite : Infinity;
    } else if (a >= r.minNormal) {
      const quantum = 2 ** (exponentOf(a) - f.man);
      const v = a / quantum; // exact: below 2^(man + 1)
      const k = 23 - f.man;
      let n: number;
      if (mode === "away") n = Math.ceil(v);
      else if (mode === "stochastic" && k > 0) {
        const whole = Math.floor(v);
        n = (hash >>> (32 - k)) + (v - whole) * 2 ** k >= 2 ** k ? whole + 1 : whole;
      } else n = roundScaled(v, mode, hash);
      q = n * quantum;
      if (q > r.maxFinite) q = mode === "zero" || f.saturate ? r.maxFinite : Infinity;
    } else {
      const quantum = f.subnormals ? 2 ** (r.emin - f.man) : r.minNormal;
      const v = a / quantum;
      q = (mode === "away" ? Math.ceil(v) : roundScaled(v, mode, hash)) * quantum;
    }
    return negative ? -q : q;
  },
  nearest: (f, x) => floatingPointKind.round(f, x, "nearest", 0),
  codeOf: (f, value) => {
    const r = floatingPointRange(f);
    const topExponent = 2 ** f.exp - 1;
    if (Number.isNaN(value)) return topExponent * 2 ** f.man + 2 ** (f.man - 1);
    const sign = value < 0 || Object.is(value, -0) ? 2 ** (f.exp + f.man) : 0;
    const a = Math.abs(value);
    if (a === Infinity) return sign + topExponent * 2 ** f.man;
    if (a < r.minNormal) return sign + a / 2 ** (r.emin - f.man);
    const e = exponentOf(a);
    return sign + (e + r.bias) * 2 ** f.man + (a / 2 ** e - 1) * 2 ** f.man;
  },
  valueOf: (f, code) => {
    const r = floatingPointRange(f);
    const magnitudeCodes = 2 ** (f.exp + f.man);
    const sign = code >= magnitudeCodes ? -1 : 1;
    const rest = code % magnitudeCodes;
    const field = Math.floor(rest / 2 ** f.man),
      mantissa = rest % 2 ** f.man;
    if (field === 2 ** f.exp - 1) return mantissa === 0 ? sign * Infinity : NaN;
    if (field === 0) return sign * mantissa * 2 ** (r.emin - f.man);
    return sign * (2 ** f.man + mantissa) * 2 ** (field - r.bias - f.man);
  },
};
