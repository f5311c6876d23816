/**
 * accumulate(values, { mantissaBits, exponentBits, rounding, chunk, seed, stream }): the sum of
 * `values` as a low-precision floating-point accumulator computes it. The accumulator starts at
 * 0 and after every addition holds round(s + v), the exact sum rounded once to `mantissaBits`
 * explicit mantissa bits (unbounded exponent unless `exponentBits` is given: then IEEE-style
 * range with subnormals, and overflow saturates to the largest finite value). With `chunk` = c
 * the values are summed in chunks of c consecutive terms (the last may be shorter), each chunk
 * from 0, and the chunk sums are then summed in order, every addition in the same format.
 *
 * Stochastic rounding draws hash32(seed, stream, i) for the addition of value i and
 * hash32(seed, stream, n + j) for the addition of chunk sum j: the same seed gives the same bits.
 */
import { checkInteger, checkOneOf } from "../core/checks";
import { ACCUMULATOR_ROUNDINGS, AccumulatorRounding, addExact, exactRounder, ExactRounder, nearestConstants } from "./rounding";

export interface AccumulatorOptions {
  /** Explicit mantissa bits of the accumulator: an integer in [1, 23]. */
  mantissaBits: number;
  /** Exponent bits, an integer in [2, 11]; omitted: unbounded exponent. */
  exponentBits?: number;
  /** "nearest" (ties to even, default), "zero" (truncation) or "stochastic". */
  rounding?: AccumulatorRounding;
  /** Chunk length c, an integer in [1, n]: sums of c terms, then the sum of the chunk sums. */
  chunk?: number;
  /** Seed of stochastic rounding, an integer in [0, 2^32); default 0. */
  seed?: number;
  /** Stream of that seed, an integer in [0, 2^32); default 0. */
  stream?: number;
}

/** Validated accumulator options with defaults filled in. */
export interface Accumulator {
  mantissaBits: number;
  exponentBits: number | undefined;
  rounding: AccumulatorRounding;
  chunk: number;
  seed: number;
  stream: number;
}

/** Checks options for sums of `n` terms (chunk defaults to n: no chunking). */
export function checkAccumulator(what: string, options: AccumulatorOptions, n: number): Accumulator {
  if (typeof options !== "object" || options === null) throw new TypeError(`lowbit: ${what} options must be an object with mantissaBits`);
  const { mantissaBits, exponentBits, rounding = "nearest", chunk, seed = 0, stream = 0 } = options;
  checkInteger(`${what} mantissaBits`, mantissaBits, 1, 23);
  if (exponentBits !== undefined) checkInteger(`${what} exponentBits`, exponentBits, 2, 11);
  checkOneOf(`${what} rounding`, rounding, ACCUMULATOR_ROUNDINGS);
  if (chunk !== undefined) checkInteger(`${what} chunk (the chunk length, at most the number of terms)`, chunk, 1, Math.max(n, 1));
  checkInteger(`${what} seed`, seed, 0, 2 ** 32 - 1);
  checkInteger(`${what} stream`, stream, 0, 2 ** 32 - 1);
  return { mantissaBits, exponentBits, rounding, chunk: chunk ?? Math.max(n, 1), seed, stream };
}

/**
 * True when the fast round-to-nearest step is exact for these inputs: with terms of at most 24
 * significant bits (float32) and p <= 24, fl(s + v) is inexact only when |v| < 2^-29 |s|, far
 * below half a step of s, where rounding t or s + v both give s.
 */
export function fastPathApplies(acc: Accumulator, termsAreFloat32: boolean): boolean {
  return acc.rounding === "nearest" && acc.exponentBits === undefined && termsAreFloat32;
}

export function accumulate(values: Float32Array | Float64Array, options: AccumulatorOptions): number {
  if (!(values instanceof Float32Array || values instanceof Float64Array)) {
    throw new TypeError("lowbit: accumulate values must be a Float32Array or a Float64Array");
  }
  const acc = checkAccumulator("accumulate", options, values.length);
  if (values.length === 0) return 0;
  if (fastPathApplies(acc, values instanceof Float32Array)) return sumNearest(values, acc.mantissaBits, acc.chunk);
  return sumExact(values, acc, exactRounder(acc.mantissaBits, acc.exponentBits, acc.rounding, acc.seed, acc.stream));
}

/**
 * Round-to-nearest sum on the fast path. Chunks are independent, so four run interleaved: four
 * dependency chains keep the floating-point units busy where one chain waits on each rounding.
 */
function sumNearest(x: Float32Array | Float64Array, m: number, c: number): number {
  const { K, S } = nearestConstants(m);
  const n = x.length;
  const chunks = Math.ceil(n / c);
  let total = 0;
  let j = 0;
  for (; j + 4 <= chunks && (j + 4) * c <= n; j += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    const b0 = j * c, b1 = b0 + c, b2 = b1 + c, b3 = b2 + c;
    for (let i = 0; i < c; i++) {
      let y = s0 + x[b0 + i], k = y * K; s0 = k - y * S;
      y = s1 + x[b1 + i]; k = y * K; s1 = k - y * S;
      y = s2 + x[b2 + i]; k = y * K; s2 = k - y * S;
      y = s3 + x[b3 + i]; k = y * K; s3 = k - y * S;
    }
    let y = total + s0, k = y * K; total = k - y * S;
    y = total + s1; k = y * K; total = k - y * S;
    y = total + s2; k = y * K; total = k - y * S;
    y = total + s3; k = y * K; total = k - y * S;
  }
  for (; j < chunks; j++) {
    let s = 0;
    const end = Math.min(n, (j + 1) * c);
    for (let i = j * c; i < end; i++) {
      const y = s + x[i], k = y * K;
      s = k - y * S;
    }
    const y = total + s, k = y * K;
    total = k - y * S;
  }
  return total;
}

/** The exact path: every rounding, bounded exponents, float64 terms of any precision. */
function sumExact(x: Float32Array | Float64Array, acc: Accumulator, r: ExactRounder): number {
  const n = x.length, c = acc.chunk;
  let total = 0;
  for (let j = 0, begin = 0; begin < n; j++, begin += c) {
    let s = 0;
    const end = Math.min(n, begin + c);
    for (let i = begin; i < end; i++) s = addExact(s, x[i], r, i);
    total = c >= n ? s : addExact(total, s, r, n + j);
  }
  return total;
}
