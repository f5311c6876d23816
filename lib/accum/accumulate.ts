/**
 * accumulate(values, { accumulator, rounding, chunk, seed, stream }): the sum of `values` as a
 * low-precision accumulator computes it. The accumulator starts at 0 and after every addition
 * holds round(s + v), the exact sum rounded once to the accumulator's format.
 *
 * A floating-point accumulator, floatingPoint({ exp, man }) or the short form { mantissaBits,
 * exponentBits? }: `man` = mantissaBits explicit mantissa bits, the IEEE-style range of `exp` =
 * exponentBits exponent bits with subnormals, and overflow of a finite sum saturates to the
 * largest finite value (the format's defaults subnormals: true, saturate: true; the other
 * settings are refused). The short form without exponentBits is the unbounded exponent, which
 * means float64's range. NaN terms give NaN; an infinite term gives an infinite sum,
 * infinities of both signs NaN (IEEE 754; an infinity is not saturated).
 *
 * A fixed-point accumulator, fixedPoint({ bits, frac, overflow }): the exact sum rounded to the
 * grid 2^-frac, then saturated or wrapped around (fixed_accumulator.ts, also for NaN and Inf).
 *
 * With `chunk` = c the values are summed in chunks of c consecutive terms (the last may be
 * shorter), each chunk from 0, and the chunk sums are then summed in order, every addition in
 * the same format.
 *
 * Stochastic rounding draws hash32(seed, stream, i) for the addition of value i and
 * hash32(seed, stream, n + j) for the addition of chunk sum j: the same seed gives the same bits.
 */
import { checkInteger, checkOneOf } from "../core/checks";
import { hashKey } from "../core/random";
import { checkFormat, type FixedPointFormat, type FloatingPointFormat } from "../quant/formats";
import { sumExactWasm } from "./exact_wasm";
import { fixedGrid, sumFixed } from "./fixed_accumulator";
import {
  ACCUMULATOR_ROUNDINGS,
  type AccumulatorRounding,
  exactFormat,
  lanes,
  nearestSplitter,
  streamKey,
  sumLanes,
} from "./rounding";

/** The number formats an accumulator can have. */
export type AccumulatorFormat = FloatingPointFormat | FixedPointFormat;

export interface AccumulatorOptions {
  /**
   * The accumulator's format: floatingPoint({ exp, man }) with man in [1, 23], or
   * fixedPoint({ bits, frac, overflow }). Give this or mantissaBits.
   */
  accumulator?: AccumulatorFormat;
  /** Short form of a floating-point accumulator: its explicit mantissa bits, an integer in [1, 23]. */
  mantissaBits?: number;
  /** With mantissaBits: exponent bits, an integer in [2, 11]; omitted: unbounded exponent. */
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

/** Validated accumulator options with defaults filled in: what every accumulator shares. */
interface AccumulatorSettings {
  rounding: AccumulatorRounding;
  chunk: number;
  seed: number;
  stream: number;
}

/** A floating-point accumulator: mantissa bits, and exponent bits (undefined: unbounded). */
export interface FloatAccumulator extends AccumulatorSettings {
  kind: "float";
  mantissaBits: number;
  exponentBits: number | undefined;
}

/** A fixed-point accumulator. */
export interface FixedAccumulator extends AccumulatorSettings {
  kind: "fixed";
  format: FixedPointFormat;
}

export type Accumulator = FloatAccumulator | FixedAccumulator;

/**
 * An accumulator format (also one written by hand or read back from JSON): a floatingPoint or
 * fixedPoint format, validated by the format registry's checkFormat.
 */
function checkedAccumulatorFormat(what: string, value: unknown): AccumulatorFormat {
  const kind = typeof value === "object" && value !== null ? (value as { kind?: unknown }).kind : undefined;
  if (kind !== "float" && kind !== "fixed") {
    throw new TypeError(
      `lowbit: ${what} accumulator must be a floatingPoint or fixedPoint format (e.g. floatingPoint({ exp: 8, man: 7 })); got ${JSON.stringify(value)}`,
    );
  }
  return checkFormat(`${what} accumulator`, value) as AccumulatorFormat;
}

/**
 * The float accumulator of a floatingPoint format, whose settings the emulator supports: the
 * mantissa of the short form, subnormals, saturation of finite overflow.
 */
function floatAccumulatorBits(what: string, f: FloatingPointFormat): { mantissaBits: number; exponentBits: number } {
  checkInteger(
    `${what} accumulator man (the emulator keeps 2 to 24 significant bits: lowPrecisionMatMul returns float32)`,
    f.man,
    1,
    23,
  );
  if (!f.subnormals)
    throw new RangeError(
      `lowbit: ${what} accumulator subnormals must be true (the emulator keeps subnormals; flush to zero is not emulated); got false`,
    );
  if (!f.saturate)
    throw new RangeError(
      `lowbit: ${what} accumulator saturate must be true (a finite sum beyond the largest finite value saturates; overflow to Inf is not emulated); got false`,
    );
  return { mantissaBits: f.man, exponentBits: f.exp };
}

/** Checks options for sums of `n` terms (chunk defaults to n: no chunking). */
export function checkAccumulator(what: string, options: AccumulatorOptions, n: number): Accumulator {
  if (typeof options !== "object" || options === null)
    throw new TypeError(`lowbit: ${what} options must be an object with accumulator (a format) or mantissaBits`);
  const { accumulator, mantissaBits, exponentBits, rounding = "nearest", chunk, seed = 0, stream = 0 } = options;
  checkOneOf(`${what} rounding`, rounding, ACCUMULATOR_ROUNDINGS);
  if (chunk !== undefined)
    checkInteger(`${what} chunk (the chunk length, at most the number of terms)`, chunk, 1, Math.max(n, 1));
  checkInteger(`${what} seed`, seed, 0, 2 ** 32 - 1);
  checkInteger(`${what} stream`, stream, 0, 2 ** 32 - 1);
  const settings = { rounding, chunk: chunk ?? Math.max(n, 1), seed, stream };
  if (accumulator === undefined) {
    if (mantissaBits === undefined)
      throw new TypeError(
        `lowbit: ${what} options must give accumulator (a floatingPoint or fixedPoint format) or mantissaBits`,
      );
    checkInteger(`${what} mantissaBits`, mantissaBits, 1, 23);
    if (exponentBits !== undefined) checkInteger(`${what} exponentBits`, exponentBits, 2, 11);
    return { kind: "float", mantissaBits, exponentBits, ...settings };
  }
  if (mantissaBits !== undefined || exponentBits !== undefined) {
    throw new TypeError(
      `lowbit: ${what} options take accumulator (a format) or mantissaBits and exponentBits (the short form), not both`,
    );
  }
  const f = checkedAccumulatorFormat(what, accumulator);
  if (f.kind === "fixed") return { kind: "fixed", format: f, ...settings };
  return { kind: "float", ...floatAccumulatorBits(what, f), ...settings };
}

/**
 * True when the fast round-to-nearest step applies: nearest rounding, unbounded exponent and
 * float32 terms (the running sum has p <= 24 significant bits, a term 24). fl(s + v) is then
 * exact unless the exponents of s and v lie 30 or more apart; nearestSum detects that case and
 * rounds the larger operand nudged toward the smaller one's side.
 */
export function fastPathApplies(acc: FloatAccumulator, termsAreFloat32: boolean): boolean {
  return acc.rounding === "nearest" && acc.exponentBits === undefined && termsAreFloat32;
}

export function accumulate(values: Float32Array | Float64Array, options: AccumulatorOptions): number {
  if (!(values instanceof Float32Array || values instanceof Float64Array)) {
    throw new TypeError("lowbit: accumulate values must be a Float32Array or a Float64Array");
  }
  const acc = checkAccumulator("accumulate", options, values.length);
  if (values.length === 0) return 0;
  if (acc.kind === "fixed") {
    const [a, b] = acc.rounding === "stochastic" ? hashKey(acc.seed, acc.stream) : [0, 0];
    return sumFixed(fixedGrid(acc.format, acc.rounding), values, values.length, acc.chunk, a, b);
  }
  if (fastPathApplies(acc, values instanceof Float32Array)) {
    const sum = sumNearest(values, acc.mantissaBits, acc.chunk);
    // The fast step turns an Inf into NaN; a sum of finite float32 values is always finite.
    return Number.isNaN(sum) ? nonFiniteSum(values) : sum;
  }
  const f = exactFormat(acc.mantissaBits, acc.exponentBits, acc.rounding);
  const [a, b] = streamKey(f, acc.seed, acc.stream);
  return sumExactWasm(values, f, acc.chunk, a, b);
}

/**
 * The sum of terms that are not all finite, by IEEE 754 rules: NaN if any term is NaN or
 * infinities of both signs occur, else the infinity that occurs (finite terms cannot change it).
 */
export function nonFiniteSum(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) sum += x[i];
  return sum;
}

/**
 * fl(s + v) made safe for the fast step: when it is inexact (exponents 30 or more apart) and
 * the larger operand is a midpoint of the p-bit grid, rounding fl(s + v) would see a tie that
 * the exact sum is not. The exact sum lies on the smaller operand's side of the larger one, far
 * closer than any other grid point or midpoint (2^-26 of it), so the larger operand moved
 * 2^-40 of itself to that side rounds the same as the exact sum. Exactness test: for
 * |s| << |v|, fl(fl(s + v) - v) = s + (rounding error) exactly, which differs from s; for
 * |v| << |s| an undetected inexact sum is harmless (s is on the grid, no midpoint nearby).
 */
export function nearestSum(s: number, v: number): number {
  const y = s + v;
  if (y - v === s) return y;
  const sBig = Math.abs(s) > Math.abs(v),
    big = sBig ? s : v,
    small = sBig ? v : s;
  return big + Math.sign(small) * Math.abs(big) * 2 ** -40;
}

/**
 * Round-to-nearest sum on the fast path: y = nearestSum(s, v), then Veltkamp's step
 * s = g - (g - y), g = y K (rounding.ts). Chunks are independent, so four run interleaved: four
 * dependency chains keep the floating-point units busy where one chain waits on each rounding.
 */
function sumNearest(x: Float32Array | Float64Array, m: number, c: number): number {
  const K = nearestSplitter(m);
  const n = x.length;
  const chunks = Math.ceil(n / c);
  let total = 0;
  let j = 0;
  for (; j + 4 <= chunks && (j + 4) * c <= n; j += 4) {
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    const b0 = j * c,
      b1 = b0 + c,
      b2 = b1 + c,
      b3 = b2 + c;
    for (let i = 0; i < c; i++) {
      let y = nearestSum(s0, x[b0 + i]),
        g = y * K;
      s0 = g - (g - y);
      y = nearestSum(s1, x[b1 + i]);
      g = y * K;
      s1 = g - (g - y);
      y = nearestSum(s2, x[b2 + i]);
      g = y * K;
      s2 = g - (g - y);
      y = nearestSum(s3, x[b3 + i]);
      g = y * K;
      s3 = g - (g - y);
    }
    let y = nearestSum(total, s0),
      g = y * K;
    total = g - (g - y);
    y = nearestSum(total, s1);
    g = y * K;
    total = g - (g - y);
    y = nearestSum(total, s2);
    g = y * K;
    total = g - (g - y);
    y = nearestSum(total, s3);
    g = y * K;
    total = g - (g - y);
  }
  for (; j < chunks; j++) {
    let s = 0;
    const end = Math.min(n, (j + 1) * c);
    for (let i = j * c; i < end; i++) {
      const y = nearestSum(s, x[i]),
        g = y * K;
      s = g - (g - y);
    }
    const y = nearestSum(total, s),
      g = y * K;
    total = g - (g - y);
  }
  return total;
}

/**
 * The exact path: every rounding, bounded exponents, float64 terms of any precision. The chunks
 * are independent, so they run as interleaved lanes (sumLanes); then the chunk sums are added
 * in order. accumulate() runs the same on wasm (sumExactWasm); this JavaScript version is the
 * reference the tests hold the kernel to, bit for bit.
 */
export function sumExactReference(x: Float32Array | Float64Array, acc: FloatAccumulator): number {
  const f = exactFormat(acc.mantissaBits, acc.exponentBits, acc.rounding);
  const [a, b] = streamKey(f, acc.seed, acc.stream);
  // The kernels read Float64Array only: one element type keeps V8's loads monomorphic.
  const terms = x instanceof Float64Array ? x : new Float64Array(x);
  const n = x.length,
    c = acc.chunk;
  const full = Math.floor(n / c),
    last = n - full * c,
    chunks = full + (last > 0 ? 1 : 0);
  const sums = new Float64Array(chunks);
  const L = lanes(chunks);
  for (let j = 0; j < chunks; j++) {
    L.base[j] = L.counter0[j] = j * c;
    L.keyA[j] = a;
    L.keyB[j] = b;
  }
  sumLanes(f, terms, L.base, 1, L.counter0, L.keyA, L.keyB, full, c, sums);
  if (last > 0)
    sumLanes(
      f,
      terms,
      L.base.subarray(full),
      1,
      L.counter0.subarray(full),
      L.keyA,
      L.keyB,
      1,
      last,
      sums.subarray(full),
    );
  if (chunks === 1) return sums[0];
  const total = new Float64Array(1);
  L.base[0] = 0;
  L.counter0[0] = n;
  sumLanes(f, sums, L.base, 1, L.counter0, L.keyA, L.keyB, 1, chunks, total);
  return total[0];
}
