/**
 * Binary floating point with `exp` exponent bits and `man` explicit mantissa bits, in the
 * encodings of IEEE 754, OCP FP8/MX and IEEE P3109 (gfloat's parameters: bias, where the NaNs and
 * infinities are, whether -0 exists):
 *
 *   encoding  special codes (per sign)                          default bias     formats
 *   "ieee"    all-ones exponent: Inf (mantissa 0), NaN (else)  2^(exp-1) - 1    binary16, bfloat16, OCP E5M2
 *   "fn"      only S.1..1.1..1 is NaN; no Inf                  2^(exp-1) - 1    OCP E4M3 (E4M3FN)
 *   "fnuz"    only 1.0..0.0..0 (the -0 pattern) is NaN; no Inf, 2^(exp-1)        FP8 E4M3FNUZ, E5M2FNUZ,
 *             no -0                                                              P3109 finite domain
 *   "p3109"   1.0..0.0..0 is NaN, S.1..1.1..1 is +-Inf; no -0   2^(exp-1)        P3109 binary8pP (extended)
 *   "finite"  every code is a number (no Inf, no NaN)          2^(exp-1) - 1    OCP FP6 E2M3/E3M2, FP4 E2M1
 *
 * A value is (-1)^s * 2^(field - bias) * (1 + m / 2^man) for an exponent field >= 1, and
 * (-1)^s * 2^(1 - bias) * m / 2^man for field 0 (subnormals; without `subnormals`, values below
 * 2^(1 - bias) round to 0 or +-2^(1 - bias)). The largest finite value is that of the largest
 * code below the special ones: (2 - 2^-man) * 2^(2^exp - 2 - bias) for "ieee", E4M3FN's
 * 1.75 * 2^8 = 448, P3109 binary8p4's 1.75 * 2^7 = 224.
 *
 * Overflow (OCP FP8 spec's saturation modes; P3109's SatFinite / SatPropagate / SatNone):
 * with `saturate` (the default) a finite value past the largest rounds to it, and so does +-Inf
 * unless `propagateInfinity` keeps it (only for encodings with Inf: P3109 SatPropagate); without
 * `saturate` it gives +-Inf, or NaN in an encoding without Inf ("fn", "fnuz"; "finite" formats
 * must saturate). NaN stays NaN. Rounding as lib/quant/rounding.ts says (directed modes stop at
 * the largest finite value when they round toward zero).
 *
 * `{ exp: 5, man: 10, saturate: false }` is IEEE binary16, `{ exp: 8, man: 7 }` bfloat16,
 * `{ exp: 8, man: 23 }` float32 itself, `{ exp: 11, man: 52 }` float64 (wide formats describe
 * accumulators; quantize() holds values in float32 and takes exp <= 8, man <= 23). FP8_E4M3 is
 * the IEEE-style E4M3 (largest finite 240, all-ones exponent reserved), NOT the OCP E4M3FN of
 * current accelerators (448): that one is OCP_E4M3.
 * Sources: IEEE 754-2019; OCP 8-bit Floating Point Specification (OFP8) rev. 1.0, 2023; OCP
 * Microscaling Formats (MX) v1.0, 2023, section 5; IEEE P3109 interim report (binary8pP, bias
 * 2^(7-P)); gfloat (graphcore-research/gfloat) formats.py for fnuz.
 */
import { checkBoolean, checkInteger, checkOneOf } from "../../core/checks";
import { exponentOf, type FormatKind, roundScaled } from "./format_kind";

export const FLOAT_ENCODINGS = ["ieee", "fn", "fnuz", "p3109", "finite"] as const;
export type FloatEncoding = (typeof FLOAT_ENCODINGS)[number];

export interface FloatingPointFormat {
  readonly kind: "float";
  readonly exp: number;
  readonly man: number;
  readonly subnormals: boolean;
  readonly saturate: boolean;
  /** Omitted for "ieee" (values written before encodings existed keep their JSON). */
  readonly encoding?: FloatEncoding;
  /** Omitted when it is the encoding's default. */
  readonly bias?: number;
  /** Omitted when false. */
  readonly propagateInfinity?: boolean;
}

export interface FloatingPointOptions {
  /** Exponent bits: an integer in [1, 11] (11 is float64's; quantize() takes at most 8). */
  exp: number;
  /** Explicit mantissa bits: an integer in [0, 52] (52 is float64's; quantize() takes at most 23). */
  man: number;
  subnormals?: boolean;
  saturate?: boolean;
  /** Where the special values are (default "ieee"); see the table above. */
  encoding?: FloatEncoding;
  /** Exponent bias (default 2^(exp-1) - 1, or 2^(exp-1) for "fnuz" and "p3109"); an integer in [1 - 2^exp, 2^exp]. */
  bias?: number;
  /** With `saturate`: +-Inf inputs stay +-Inf (P3109 SatPropagate); needs an encoding with Inf. */
  propagateInfinity?: boolean;
}

function defaultBias(exp: number, encoding: FloatEncoding): number {
  return encoding === "fnuz" || encoding === "p3109" ? 2 ** (exp - 1) : 2 ** (exp - 1) - 1;
}

export function floatingPoint({
  exp,
  man,
  subnormals = true,
  saturate = true,
  encoding = "ieee",
  bias,
  propagateInfinity = false,
}: FloatingPointOptions): FloatingPointFormat {
  checkInteger("floatingPoint exp", exp, 1, 11);
  checkInteger("floatingPoint man", man, 0, 52);
  checkBoolean("floatingPoint subnormals", subnormals);
  checkBoolean("floatingPoint saturate", saturate);
  checkOneOf("floatingPoint encoding", encoding, FLOAT_ENCODINGS);
  checkBoolean("floatingPoint propagateInfinity", propagateInfinity);
  const standard = defaultBias(exp, encoding);
  const b = bias ?? standard;
  checkInteger("floatingPoint bias", b, 1 - 2 ** exp, 2 ** exp);
  if (encoding === "ieee" && exp < 2)
    throw new RangeError(
      'lowbit: floatingPoint exp must be >= 2 for encoding "ieee" (its top exponent is reserved); got 1',
    );
  if (encoding === "finite" && !saturate) {
    throw new RangeError(
      'lowbit: floatingPoint saturate must be true for encoding "finite" (no Inf or NaN code to overflow to)',
    );
  }
  if (propagateInfinity && !(encoding === "ieee" || encoding === "p3109")) {
    throw new RangeError(
      `lowbit: floatingPoint propagateInfinity needs an encoding with Inf ("ieee" or "p3109"); got "${encoding}"`,
    );
  }
  if (propagateInfinity && !saturate) {
    throw new RangeError(
      "lowbit: floatingPoint propagateInfinity applies to a saturating format (saturate: true); without saturation every overflow is Inf",
    );
  }
  return {
    kind: "float",
    exp,
    man,
    subnormals,
    saturate,
    ...(encoding === "ieee" ? {} : { encoding }),
    ...(b === standard ? {} : { bias: b }),
    ...(propagateInfinity ? { propagateInfinity } : {}),
  };
}

export const FP32 = floatingPoint({ exp: 8, man: 23 });
export const FP16 = floatingPoint({ exp: 5, man: 10 });
export const BF16 = floatingPoint({ exp: 8, man: 7 });
/** IEEE-style E4M3 (largest finite 240): not the OCP E4M3 (E4M3FN, 448) of accelerators, which is OCP_E4M3. */
export const FP8_E4M3 = floatingPoint({ exp: 4, man: 3 });
export const FP8_E5M2 = floatingPoint({ exp: 5, man: 2 });

/** OCP FP8 E4M3 (E4M3FN): bias 7, no Inf, NaN only at S.1111.111, largest 448, smallest 2^-9; saturating. */
export const OCP_E4M3 = floatingPoint({ exp: 4, man: 3, encoding: "fn" });
/** OCP FP8 E5M2: IEEE-like (bias 15, Inf and NaN at the all-ones exponent), largest 57344; saturating. */
export const OCP_E5M2 = floatingPoint({ exp: 5, man: 2 });
/** OCP MX FP6 E2M3: bias 1, no Inf/NaN, largest 7.5, smallest 2^-3. */
export const FP6_E2M3 = floatingPoint({ exp: 2, man: 3, encoding: "finite" });
/** OCP MX FP6 E3M2: bias 3, no Inf/NaN, largest 28, smallest 2^-4. */
export const FP6_E3M2 = floatingPoint({ exp: 3, man: 2, encoding: "finite" });
/** OCP MX FP4 E2M1: bias 1, no Inf/NaN, values 0, 0.5, 1, 1.5, 2, 3, 4, 6. */
export const FP4_E2M1 = floatingPoint({ exp: 2, man: 1, encoding: "finite" });
/** FP8 E4M3FNUZ (Graphcore/AMD): bias 8, NaN at 0x80, no -0, no Inf, largest 240. */
export const FP8_E4M3FNUZ = floatingPoint({ exp: 4, man: 3, encoding: "fnuz" });
/** FP8 E5M2FNUZ: bias 16, NaN at 0x80, no -0, no Inf, largest 57344. */
export const FP8_E5M2FNUZ = floatingPoint({ exp: 5, man: 2, encoding: "fnuz" });

export const P3109_SATURATIONS = ["finite", "propagate", "none"] as const;
export type P3109Saturation = (typeof P3109_SATURATIONS)[number];

/**
 * IEEE P3109 binary{bits}p{precision}, signed: exp = bits - precision, man = precision - 1, bias
 * 2^(bits - precision - 1), one NaN at 0x80 (no -0), and in the extended domain (default) +-Inf
 * at 0x7F / 0xFF; in the finite domain those are the largest values. `saturation`: P3109's
 * projection modes SatFinite ("finite": every overflow, +-Inf included, to the largest finite
 * value; the default, as lowbit's floats), SatPropagate ("propagate": finite overflow saturates,
 * +-Inf stays) and SatNone ("none": overflow gives +-Inf, or NaN in the finite domain).
 * Sources: IEEE P3109 interim report; gfloat's format_info_p3109 (bias, special codes).
 */
export function p3109({
  bits,
  precision,
  domain = "extended",
  saturation = "finite",
}: {
  bits: number;
  precision: number;
  domain?: "extended" | "finite";
  saturation?: P3109Saturation;
}): FloatingPointFormat {
  checkInteger("p3109 bits", bits, 3, 16);
  checkInteger("p3109 precision", precision, 1, bits - 1);
  checkOneOf("p3109 domain", domain, ["extended", "finite"] as const);
  checkOneOf("p3109 saturation", saturation, P3109_SATURATIONS);
  return floatingPoint({
    exp: bits - precision,
    man: precision - 1,
    encoding: domain === "extended" ? "p3109" : "fnuz",
    saturate: saturation !== "none",
    propagateInfinity: saturation === "propagate" && domain === "extended",
  });
}

/** The encoding of a float format (an omitted field is "ieee"). */
export function floatEncoding(f: FloatingPointFormat): FloatEncoding {
  return f.encoding ?? "ieee";
}

/** Magnitude codes at the top of the code space that are not finite (per sign). */
function topSpecialCodes(f: FloatingPointFormat): number {
  switch (floatEncoding(f)) {
    case "ieee":
      return 2 ** f.man;
    case "fn":
    case "p3109":
      return 1;
    default:
      return 0;
  }
}

/** The value of a magnitude code (exponent field and mantissa), ignoring special codes. */
function magnitudeValue(f: FloatingPointFormat, bias: number, magnitude: number): number {
  const field = Math.floor(magnitude / 2 ** f.man),
    mantissa = magnitude % 2 ** f.man;
  if (field === 0) return mantissa * 2 ** (1 - bias - f.man);
  return (2 ** f.man + mantissa) * 2 ** (field - bias - f.man);
}

/** Exponent range and extreme values of a floating-point format. */
export function floatingPointRange(f: FloatingPointFormat): {
  bias: number;
  emin: number;
  emax: number;
  maxFinite: number;
  minNormal: number;
  minSubnormal: number;
} {
  const bias = f.bias ?? defaultBias(f.exp, floatEncoding(f));
  const emin = 1 - bias;
  const maxFinite = magnitudeValue(f, bias, 2 ** (f.exp + f.man) - 1 - topSpecialCodes(f));
  return {
    bias,
    emin,
    emax: exponentOf(maxFinite),
    maxFinite,
    minNormal: 2 ** emin,
    minSubnormal: f.subnormals ? 2 ** (emin - f.man) : 2 ** emin,
  };
}

/**
 * The floating-point kind. Encoding: sign | exponent field (exp bits, biased) | mantissa field
 * (man bits), special codes as the encoding's table says; the canonical NaN is the quiet one of
 * "ieee" (top mantissa bit set, sign 0: 0x7E00 in binary16), S.1..1 of "fn" with sign 0, and
 * the -0 pattern of "fnuz"/"p3109". The code space does not depend on `saturate` or
 * `subnormals`: a saturating format never produces the Inf codes, one without subnormals never
 * the subnormal codes, and decode reads them all the same. "ieee" with man = 0 has no NaN code.
 * formatInfo: emin = 1 - bias, emax = floor(log2 max), epsilon = 2^-man, hasInf = whether
 * quantize can give +-Inf (an encoding with Inf that does not saturate, or propagates Inf),
 * negativeZero = encoding "ieee", "fn" or "finite".
 *
 * Rounding (lib/wasm/quantize.ts): the magnitude is rounded on the grid of its binade (quantum
 * 2^(e - man)), or of the subnormals (2^(emin - man); 2^emin without subnormals); ties to even
 * code (for man = 0 the parity of the exponent field). Stochastic rounding of normals drops
 * k = 23 - man bits and rounds up iff (hash >>> (32 - k)) + fraction * 2^k >= 2^k (for float32
 * inputs the fraction is d / 2^k, d the dropped bits); elsewhere, and for man >= 23, up iff
 * u < fraction as roundScaled says; with randomBits r, away iff stochasticAway(fraction).
 */
export const floatingPointKind: FormatKind<FloatingPointFormat> = {
  kind: "float",
  create: floatingPoint,
  omittedDefaults: ["encoding", "bias", "propagateInfinity"],
  label: (f) => {
    const e = floatEncoding(f);
    const b = f.bias === undefined ? "" : `,b${f.bias}`;
    return `float<e${f.exp},m${f.man}${b}>${e === "ieee" ? "" : e}`;
  },
  bits: (f) => 1 + f.exp + f.man,
  info: (f) => {
    const r = floatingPointRange(f);
    const e = floatEncoding(f);
    const hasInfCode = e === "ieee" || e === "p3109";
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
      hasInf: hasInfCode && (!f.saturate || f.propagateInfinity === true),
      hasNaN: e === "ieee" ? f.man > 0 : e !== "finite",
      negativeZero: e === "ieee" || e === "fn" || e === "finite",
    };
  },
  arithmetic: (f) => ({ kind: "float", exp: f.exp, man: f.man }),
  round: (f, x, rounding, hash, randomBits) => {
    if (Number.isNaN(x)) return NaN;
    const r = floatingPointRange(f);
    const e = floatEncoding(f);
    const hasInfCode = e === "ieee" || e === "p3109";
    const overflow = f.saturate ? r.maxFinite : hasInfCode ? Infinity : NaN;
    const negative = x < 0 || Object.is(x, -0);
    const a = Math.abs(x);
    // Directed roundings as a magnitude's: toward zero ("in"), or away from it ("out").
    const inward = rounding === "zero" || (negative ? rounding === "up" : rounding === "floor" || rounding === "down");
    const outward = negative ? rounding === "floor" || rounding === "down" : rounding === "up";
    const mode = inward ? "zero" : outward ? "up" : rounding;
    let q: number;
    if (a === Infinity) {
      q = f.saturate && !f.propagateInfinity ? r.maxFinite : hasInfCode ? Infinity : NaN;
    } else if (a >= r.minNormal) {
      const ea = exponentOf(a);
      const quantum = 2 ** (ea - f.man);
      const v = a / quantum; // exact: below 2^(man + 1)
      const k = 23 - f.man;
      let n: number;
      if (mode === "stochastic" && randomBits === undefined && k > 0) {
        const whole = Math.floor(v);
        n = (hash >>> (32 - k)) + (v - whole) * 2 ** k >= 2 ** k ? whole + 1 : whole;
      } else n = roundScaled(v, mode, hash, randomBits, f.man === 0 ? ea + r.bias - 1 : 0);
      q = n * quantum;
      if (q > r.maxFinite) q = mode === "zero" ? r.maxFinite : overflow;
    } else {
      const quantum = f.subnormals ? 2 ** (r.emin - f.man) : r.minNormal;
      q = roundScaled(a / quantum, mode, hash, randomBits) * quantum;
    }
    if (q === 0 && !(e === "ieee" || e === "fn" || e === "finite")) return 0; // no -0
    return negative ? -q : q;
  },
  nearest: (f, x) => floatingPointKind.round(f, x, "nearest", 0),
  codeOf: (f, value) => {
    const r = floatingPointRange(f);
    const e = floatEncoding(f);
    const signBit = 2 ** (f.exp + f.man);
    const allOnes = signBit - 1;
    if (Number.isNaN(value)) {
      if (e === "ieee") return (2 ** f.exp - 1) * 2 ** f.man + 2 ** (f.man - 1);
      return e === "fn" ? allOnes : signBit;
    }
    const negative = value < 0 || (Object.is(value, -0) && (e === "ieee" || e === "fn" || e === "finite"));
    const sign = negative ? signBit : 0;
    const a = Math.abs(value);
    if (a === Infinity) return sign + (e === "ieee" ? (2 ** f.exp - 1) * 2 ** f.man : allOnes);
    if (a < r.minNormal) return sign + a / 2 ** (r.emin - f.man);
    const ea = exponentOf(a);
    return sign + (ea + r.bias) * 2 ** f.man + (a / 2 ** ea - 1) * 2 ** f.man;
  },
  valueOf: (f, code) => {
    const r = floatingPointRange(f);
    const e = floatEncoding(f);
    const signBit = 2 ** (f.exp + f.man);
    const allOnes = signBit - 1;
    const sign = code >= signBit ? -1 : 1;
    const magnitude = code % signBit;
    switch (e) {
      case "ieee":
        if (Math.floor(magnitude / 2 ** f.man) === 2 ** f.exp - 1) {
          return magnitude % 2 ** f.man === 0 ? sign * Infinity : NaN;
        }
        break;
      case "fn":
        if (magnitude === allOnes) return NaN;
        break;
      case "p3109":
        if (magnitude === allOnes) return sign * Infinity;
        if (code === signBit) return NaN;
        break;
      case "fnuz":
        if (code === signBit) return NaN;
        break;
    }
    return sign * magnitudeValue(f, r.bias, magnitude);
  },
};
