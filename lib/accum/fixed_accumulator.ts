/**
 * A fixed-point accumulator: a register holding a code q, the value q 2^-frac, of a
 * fixedPoint({ bits, frac, symmetric, overflow }) format. Each addition of a term x computes the
 * exact sum q 2^-frac + x, rounds it to the grid 2^-frac (nearest with ties to even, toward zero,
 * or stochastically: up with probability equal to the distance from the lower grid point in
 * steps, at a resolution of 2^-32 of a step, the float accumulators' rule), and then either
 * saturates the code to the format's range or wraps it into the bits-bit two's complement range
 * (q mod 2^bits, as an integer register does). Chunk sums are codes on the same grid, so adding
 * them needs no rounding, only the overflow rule.
 *
 * Special values: a NaN term makes the sum NaN. An infinite term is the limit of ever larger
 * finite terms: with saturation it sets the register to the range's end of its sign (later
 * terms continue from there, so +Inf then -Inf ends at the negative end); with wrap-around
 * that limit does not exist and the sum is NaN.
 *
 * Two exact implementations. Up to 51 bits the code is a float64 integer: the term scaled to
 * grid units, y = x 2^frac, is exact while 2^-1000 <= |y| < 2^52, and so are its integer part,
 * its fraction f and the sum q + trunc(y) (below 2^53); the rounding decisions compare f with
 * exact constants. Wider codes, and the terms outside that window (tiny, huge, Inf, NaN), take
 * the BigInt step: the term split exactly into M 2^E and the sum done in integers, about ten
 * times slower. The sum is returned as a float64: Number(q) 2^-frac, exact up to 53 bits, else
 * rounded to nearest.
 */
import type { FixedPointFormat } from "../quant/formats";
import { fixedPointCodeRange } from "../quant/formats/fixed_point";
import { keyedHash32 } from "../core/random";
import type { AccumulatorRounding } from "./rounding";

/** A fixed-point accumulator format and rounding, prepared for stepping. */
export interface FixedGrid {
  readonly frac: number;
  readonly bits: number;
  readonly qmin: bigint;
  readonly qmax: bigint;
  readonly wrap: boolean;
  readonly rounding: AccumulatorRounding;
  /** 2^-frac: the value of code 1; 2^frac scales a term to grid units. */
  readonly step: number;
  readonly scale: number;
  /** qmin and qmax as float64s (exact for the codes of the float64 step, at most 51 bits). */
  readonly qminNumber: number;
  readonly qmaxNumber: number;
}

export function fixedGrid(f: FixedPointFormat, rounding: AccumulatorRounding): FixedGrid {
  const { qmin, qmax } = fixedPointCodeRange(f);
  return {
    frac: f.frac,
    bits: f.bits,
    qmin,
    qmax,
    wrap: f.overflow === "wrap",
    rounding,
    step: 2 ** -f.frac,
    scale: 2 ** f.frac,
    qminNumber: Number(qmin),
    qmaxNumber: Number(qmax),
  };
}

const f64 = new Float64Array(1),
  u32 = new Uint32Array(f64.buffer);

/** The code q clamped to the range, or wrapped into it. */
function overflow(g: FixedGrid, q: bigint): bigint {
  if (g.wrap) return BigInt.asIntN(g.bits, q);
  return q > g.qmax ? g.qmax : q < g.qmin ? g.qmin : q;
}

/**
 * The code after adding x (finite or not) to code q; undefined stands for NaN. The draw of
 * stochastic rounding is keyedHash32(keyA, keyB, counter), taken only when the sum is off the grid.
 */
function addTerm(g: FixedGrid, q: bigint, x: number, keyA: number, keyB: number, counter: number): bigint | undefined {
  if (Number.isNaN(x)) return undefined;
  if (x === Infinity || x === -Infinity) return g.wrap ? undefined : x > 0 ? g.qmax : g.qmin;
  if (x === 0) return q;
  // x = M 2^E exactly: M the 53-bit significand (an exact float64 integer), E its exponent.
  f64[0] = x;
  const high = u32[1],
    field = (high >>> 20) & 0x7ff;
  const significand = (high & 0xfffff) * 2 ** 32 + u32[0] + (field === 0 ? 0 : 2 ** 52);
  const M = BigInt(x < 0 ? -significand : significand);
  // In units of the grid: x = M 2^k, k = E + frac.
  const k = (field === 0 ? 1 : field) - 1075 + g.frac;
  if (k >= 0) return overflow(g, q + (M << BigInt(k)));
  // N 2^-shift is the exact sum in units; down = floor(N / 2^shift) (>> floors BigInts).
  const shift = BigInt(-k),
    N = (q << shift) + M,
    down = N >> shift,
    rest = N - (down << shift);
  if (rest === 0n) return overflow(g, down);
  let up: boolean;
  switch (g.rounding) {
    case "nearest": {
      const half = 1n << (shift - 1n);
      up = rest > half || (rest === half && (down & 1n) === 1n);
      break;
    }
    case "zero":
      up = N < 0n;
      break;
    case "stochastic":
      // Up iff u < rest / 2^shift with u = hash / 2^32.
      up = BigInt(keyedHash32(keyA, keyB, counter)) << shift < rest << 32n;
      break;
  }
  return overflow(g, up ? down + 1n : down);
}

/** Codes of at most this many bits run on float64 integers (see the file comment). */
const NUMBER_BITS = 51;
const NUMBER_WINDOW_LO = 2 ** -1000,
  NUMBER_WINDOW_HI = 2 ** 52,
  TWO_POW_MINUS_32 = 2 ** -32;

/** The code q (a float64 integer) clamped to the range, or wrapped into it modulo 2^bits. */
function overflowNumber(g: FixedGrid, q: number): number {
  const qmin = g.qminNumber,
    qmax = g.qmaxNumber;
  if (g.wrap) {
    const span = 2 ** g.bits,
      r = (q - qmin) % span;
    return (r < 0 ? r + span : r) + qmin;
  }
  return Math.min(qmax, Math.max(qmin, q)); // NaN stays NaN
}

/** addTerm on a code of at most NUMBER_BITS bits held as a float64 integer; NaN stands for NaN. */
function addTermNumber(g: FixedGrid, q: number, x: number, keyA: number, keyB: number, counter: number): number {
  const y = x * g.scale,
    ay = Math.abs(y);
  if (!(ay >= NUMBER_WINDOW_LO && ay < NUMBER_WINDOW_HI)) {
    if (x === 0) return q;
    const r = addTerm(g, BigInt(q), x, keyA, keyB, counter);
    return r === undefined ? NaN : Number(r);
  }
  const whole = Math.trunc(y),
    f = y - whole,
    s = q + whole;
  if (f === 0) return overflowNumber(g, s);
  // The exact sum lies strictly between down and down + 1, at the fraction f (f > 0) or 1 + f
  // (f < 0: not formed, 1 + f could round; every test below is an exact comparison with f).
  const down = f > 0 ? s : s - 1;
  let up: boolean;
  switch (g.rounding) {
    case "nearest": {
      // The fraction minus one half: rounded, but its sign and whether it is zero are exact.
      const half = f > 0 ? f - 0.5 : f + 0.5;
      up = half > 0 || (half === 0 && down % 2 !== 0);
      break;
    }
    case "zero":
      up = down < 0;
      break;
    case "stochastic": {
      const u = keyedHash32(keyA, keyB, counter) * TWO_POW_MINUS_32;
      up = f > 0 ? u < f : u - 1 < f;
      break;
    }
  }
  return overflowNumber(g, up ? down + 1 : down);
}

/** The value of a code (undefined: NaN) as a float64. */
function fixedValue(g: FixedGrid, q: bigint | undefined): number {
  return q === undefined ? NaN : Number(q) * g.step;
}

/**
 * The sum of terms[0 .. n - 1] in chunks of c terms (the last may be shorter), each from 0 with
 * draws at counters j c + i, then the chunk sums in order (no draws: they are on the grid).
 */
export function sumFixed(
  g: FixedGrid,
  terms: ArrayLike<number>,
  n: number,
  c: number,
  keyA: number,
  keyB: number,
): number {
  if (g.bits <= NUMBER_BITS) {
    let total = 0;
    for (let begin = 0; begin < n && !Number.isNaN(total); begin += c) {
      const end = Math.min(n, begin + c);
      let s = 0;
      for (let i = begin; i < end && !Number.isNaN(s); i++) s = addTermNumber(g, s, terms[i], keyA, keyB, i);
      total = overflowNumber(g, total + s);
    }
    return total * g.step;
  }
  let total: bigint | undefined = 0n;
  for (let begin = 0; begin < n && total !== undefined; begin += c) {
    const end = Math.min(n, begin + c);
    let s: bigint | undefined = 0n;
    for (let i = begin; i < end && s !== undefined; i++) s = addTerm(g, s, terms[i], keyA, keyB, i);
    total = s === undefined ? undefined : overflow(g, total + s);
  }
  return fixedValue(g, total);
}
