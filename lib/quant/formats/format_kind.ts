/**
 * What a format kind provides (one file per kind under lib/quant/formats, listed once in
 * registry.ts): its factory, label and width, formatInfo, its bit encoding, a float64 reference
 * of its rounding and the arithmetic class hardware models read. registry.ts turns these into
 * the public functions formatInfo, encode, decode, quantizeValue, checkFormat.
 *
 * Fields of FormatInfo, for every kind ("values" are those that quantize and encode produce):
 *   bits          bits of one code;
 *   codes         bit patterns, 2^bits: encode gives, decode takes, an integer in [0, codes);
 *   signed        whether negative values exist;
 *   max           the largest finite value (float64; rounded when it needs more than 53 bits);
 *   emax          floor(log2) of the largest finite magnitude (for two's complement grids that is
 *                 the most negative value, 2^(bits-1) steps);
 *   emin          floor(log2) of the smallest normal magnitude (floats: 1 - bias);
 *   minNormal     the smallest positive normal value; for kinds without subnormals (every
 *                 kind but float) the smallest positive value;
 *   minSubnormal  the smallest positive value (= minNormal for a float without subnormals);
 *   epsilon       the spacing of the values next to 1 (floats 2^-man, the step from 1 up; a
 *                 uniform grid's step; powerOfTwo 1, from 2^0 to 2^1; binary 2, from -1 to 1);
 *   hasInf        whether quantize can produce +-Inf;
 *   hasNaN        whether the encoding has a NaN code (quantize passes NaN through for every
 *                 kind, since it works in float32; encode(NaN) throws where there is no code);
 *   negativeZero  whether the encoding has a code for -0 (IEEE-style floats and powers of two;
 *                 not the fnuz and P3109 floats, whose -0 pattern is their NaN).
 * Kinds whose values carry a scale taken from the data (ternary, block floating point) describe
 * the element in units of that scale (kinds' own files say which).
 */
import { BASIC_ROUNDINGS, type Rounding, stochasticAway } from "../rounding";

export interface FormatInfo {
  readonly bits: number;
  readonly codes: number;
  readonly signed: boolean;
  readonly max: number;
  readonly emax: number;
  readonly emin: number;
  readonly minNormal: number;
  readonly minSubnormal: number;
  readonly epsilon: number;
  readonly hasInf: boolean;
  readonly hasNaN: boolean;
  readonly negativeZero: boolean;
}

/**
 * The arithmetic a format's operands need in hardware (lib/hw prices it): a two's complement
 * integer, a float with `exp` and `man` bits, +-1, -1/0/+1, or a power of two (sign + exponent
 * code, `bits` in all).
 */
export type FormatArithmetic =
  | { readonly kind: "int"; readonly bits: number }
  | { readonly kind: "float"; readonly exp: number; readonly man: number }
  | { readonly kind: "binary" }
  | { readonly kind: "ternary" }
  | { readonly kind: "log"; readonly bits: number };

export interface FormatKind<F extends { readonly kind: string }> {
  readonly kind: F["kind"];
  /** The factory: validates options (also a format value read back from JSON) and returns the format. */
  readonly create: (options: F) => F;
  /** A short name for summaries, e.g. "fixed<8,4>". */
  readonly label: (f: F) => string;
  /** Bits of one stored value. */
  readonly bits: (f: F) => number;
  readonly info: (f: F) => FormatInfo;
  readonly arithmetic: (f: F) => FormatArithmetic;
  /**
   * The float64 reference of quantize for one value x: what the kernel gives element i when
   * `hash` = elementHash(seed, stream, i) (used by stochastic rounding only; `randomBits`, when
   * given, is how many of its top bits stochastic rounding draws: lib/quant/rounding.ts).
   */
  readonly round: (f: F, x: number, rounding: Rounding, hash: number, randomBits?: number) => number;
  /**
   * x rounded to nearest, ties to even, with the format's overflow rule: what encode rounds by
   * (round(f, x, "nearest", 0) except for a stochastic binarizer, whose nearest value is the sign).
   */
  readonly nearest: (f: F, x: number) => number;
  /** The code of a value of the format (an output of `round`, NaN where the format has a NaN code). */
  readonly codeOf: (f: F, value: number) => number;
  /** The value of a code in [0, 2^bits). */
  readonly valueOf: (f: F, code: number) => number;
  /**
   * Fields the factory leaves out of the value when they hold their default (so that values
   * written before the field existed keep their JSON): given explicitly, they are not unknown.
   */
  readonly omittedDefaults?: readonly string[];
}

/**
 * floor(log2 v) of a positive finite v, exactly (Math.log2 rounds: log2(2^50 - 1) gives 50).
 */
export function exponentOf(v: number): number {
  let e = Math.floor(Math.log2(v));
  if (2 ** e > v) e--;
  else if (2 ** (e + 1) <= v) e++;
  return e;
}

/**
 * A scaled value v rounded to an integer as lowbit's kernels round (lib/quant/rounding.ts):
 * ties to even (the parity of f + parityOffset, for grids whose codes are offset from the
 * integers: a float without mantissa bits, whose code is its exponent field); stochastic up iff
 * u < v - floor(v) with u = (hash >>> 8) * 2^-24, compared as u + floor(v) < v, exact in float64
 * for |v| below 2^28; with `randomBits` r, away from zero iff stochasticAway(|v|'s fraction).
 * "floor"/"down", "up", "zero", "nearestAway" and "odd" as named. A zero result of a negative v
 * is -0.
 */
export function roundScaled(
  v: number,
  rounding: Rounding,
  hash: number,
  randomBits?: number,
  parityOffset = 0,
): number {
  const n = roundToInteger(v, rounding, hash, randomBits, parityOffset);
  // A zero keeps v's sign, as the kernels' float32 rounding does (nearest(-0.3) is -0).
  return n === 0 && (v < 0 || Object.is(v, -0)) ? -0 : n;
}

function roundToInteger(
  v: number,
  rounding: Rounding,
  hash: number,
  randomBits: number | undefined,
  parityOffset: number,
): number {
  const f = Math.floor(v);
  const odd = (n: number) => (n + parityOffset) % 2 !== 0;
  switch (rounding) {
    case "nearest": {
      const d = v - f;
      return d > 0.5 || (d === 0.5 && odd(f)) ? f + 1 : f;
    }
    case "nearestAway": {
      const a = Math.abs(v),
        w = Math.floor(a);
      return Math.sign(v) * (a - w >= 0.5 ? w + 1 : w);
    }
    case "zero":
      return Math.trunc(v);
    case "floor":
    case "down":
      return f;
    case "up":
      return Math.ceil(v);
    case "odd":
      return v === f || odd(f) ? f : f + 1;
    case "stochastic": {
      if (randomBits === undefined) return (hash >>> 8) * 2 ** -24 + f < v ? f + 1 : f;
      const a = Math.abs(v),
        w = Math.floor(a);
      return Math.sign(v) * (stochasticAway(a - w, hash, randomBits) ? w + 1 : w);
    }
  }
}

/** The error of a kind given a rounding its kernel does not run. */
export function unsupportedRounding(kind: string, rounding: string): RangeError {
  return new RangeError(
    `lowbit: rounding "${rounding}" is implemented for floating-point and fixed-point formats; ${kind} takes ${BASIC_ROUNDINGS.map((r) => `"${r}"`).join(", ")}`,
  );
}

/** The two's complement code of an integer q of `bits` bits. */
export function twosComplementCode(q: number, bits: number): number {
  return q < 0 ? q + 2 ** bits : Math.abs(q); // a code is never -0
}

/** The integer a two's complement code of `bits` bits stands for. */
export function twosComplementValue(code: number, bits: number): number {
  return code >= 2 ** (bits - 1) ? code - 2 ** bits : code;
}

/** FormatInfo of a uniform grid q * step, q an integer in [qmin, qmax] (qmin <= 0 < qmax or qmax = 0). */
export function gridInfo(bits: number, qmin: number, qmax: number, step: number): FormatInfo {
  return {
    bits,
    codes: 2 ** bits,
    signed: qmin < 0,
    max: qmax * step,
    emax: exponentOf(Math.max(qmax, -qmin) * step),
    emin: exponentOf(step),
    minNormal: step,
    minSubnormal: step,
    epsilon: step,
    hasInf: false,
    hasNaN: false,
    negativeZero: false,
  };
}
