/**
 * Power-of-two (logarithmic) values, QNN's LogQuant and AP2: y = sign(x) * 2^e or 0, with a
 * sign bit and bits - 1 bits for the exponent code, one code meaning zero:
 * e in [maxExponent - 2^(bits-1) + 2, maxExponent]. Nearest rounds log2|x| to the nearest
 * integer; stochastic rounding is unbiased in the linear domain (see lib/wasm/power_of_two.ts).
 */
import { checkInteger } from "../../core/checks";
import { BASIC_ROUNDINGS } from "../rounding";
import { exponentOf, type FormatKind, unsupportedRounding } from "./format_kind";

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

/**
 * The power-of-two kind. Encoding: the top bit is the sign, the other bits - 1 bits a magnitude
 * code c: c = 0 is zero (+0 or -0 by the sign), c >= 1 is 2^(minExponent + c - 1). formatInfo:
 * max = 2^maxExponent, emax = maxExponent, emin = minExponent, minNormal = minSubnormal =
 * 2^minExponent, epsilon 1 (from 2^0 to 2^1). Rounding (lib/wasm/power_of_two.ts): between 2^e
 * and 2^(e+1), nearest goes up iff |x| > sqrt(2) * 2^e, stochastic iff
 * (hash >>> 9) + (|x| / 2^e - 1) * 2^23 >= 2^23; below 2^minExponent the choice is between 0 and
 * 2^minExponent (nearest: |x| > 2^(minExponent - 1/2); stochastic: u < |x| / 2^minExponent);
 * zero takes the lower, floor the lower magnitude for x > 0 and the higher for x < 0; beyond
 * 2^maxExponent (and +-Inf) saturates; the sign is kept, zero included.
 */
export const powerOfTwoKind: FormatKind<PowerOfTwoFormat> = {
  kind: "powerOfTwo",
  create: powerOfTwo,
  label: (f) => `pow2<${f.bits}>`,
  bits: (f) => f.bits,
  info: (f) => {
    const r = powerOfTwoRange(f);
    return {
      bits: f.bits,
      codes: 2 ** f.bits,
      signed: true,
      max: 2 ** r.maxExponent,
      emax: r.maxExponent,
      emin: r.minExponent,
      minNormal: 2 ** r.minExponent,
      minSubnormal: 2 ** r.minExponent,
      epsilon: 1,
      hasInf: false,
      hasNaN: false,
      negativeZero: true,
    };
  },
  arithmetic: (f) => ({ kind: "log", bits: f.bits }),
  round: (f, x, rounding, hash, randomBits) => {
    if (!(BASIC_ROUNDINGS as readonly string[]).includes(rounding) || randomBits !== undefined) {
      throw unsupportedRounding("powerOfTwo", randomBits === undefined ? rounding : "stochastic with randomBits");
    }
    if (Number.isNaN(x)) return NaN;
    const r = powerOfTwoRange(f);
    const negative = x < 0 || Object.is(x, -0);
    const a = Math.abs(x);
    const away = rounding === "floor" && negative;
    let m: number;
    if (a >= 2 ** (r.maxExponent + 1)) {
      m = 2 ** r.maxExponent;
    } else if (a >= 2 ** r.minExponent) {
      const e = exponentOf(a),
        ratio = a / 2 ** e; // in [1, 2), exact
      // Math.SQRT2 is the smallest double above sqrt(2), which is irrational: ratio > sqrt(2) iff ratio >= SQRT2.
      const up =
        rounding === "nearest"
          ? ratio >= Math.SQRT2
          : rounding === "stochastic"
            ? (hash >>> 9) + (ratio - 1) * 2 ** 23 >= 2 ** 23
            : away && ratio > 1;
      m = Math.min(2 ** r.maxExponent, 2 ** (up ? e + 1 : e));
    } else {
      const ratio = a / 2 ** r.minExponent; // in [0, 1)
      const up =
        rounding === "nearest"
          ? 2 * ratio >= Math.SQRT2
          : rounding === "stochastic"
            ? (hash >>> 8) * 2 ** -24 < ratio
            : away && ratio > 0;
      m = up ? 2 ** r.minExponent : 0;
    }
    return negative ? -m : m;
  },
  nearest: (f, x) => powerOfTwoKind.round(f, x, "nearest", 0),
  codeOf: (f, value) => {
    const sign = value < 0 || Object.is(value, -0) ? 2 ** (f.bits - 1) : 0;
    return value === 0 ? sign : sign + exponentOf(Math.abs(value)) - powerOfTwoRange(f).minExponent + 1;
  },
  valueOf: (f, code) => {
    const signBit = 2 ** (f.bits - 1);
    const c = code % signBit,
      m = c === 0 ? 0 : 2 ** (powerOfTwoRange(f).minExponent + c - 1);
    return code >= signBit ? -m : m;
  },
};
