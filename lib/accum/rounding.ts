/**
 * Rounding of a float64 value to a floating-point accumulator with `mantissaBits` explicit
 * mantissa bits (p = mantissaBits + 1 significant bits), done in float64 arithmetic.
 *
 * Fast path (round to nearest, ties to even, unbounded exponent): with S = 2^(52 - m) and
 * K = S + 1, RN_p(x) = fl(x * K) - x * S. fl(x * K) = fl(x * 2^(52-m) + x) lies on the float64
 * grid whose step is the p-bit step of x, and x * 2^(52-m) is x scaled (exact), so the
 * difference (exact by Sterbenz) is x rounded to that grid: the 1.5 * 2^k magic-number trick
 * with the magic number taken from x itself. Ties round to even because a tie x has at most
 * p + 1 significant bits, so x * 2^(52-m) has zeros in the last bits of fl(x * K)'s grid and
 * the parity float64 breaks the tie by is that of the p-bit result. Three flops, no branch,
 * no exponent extraction; valid for 2^-900 < |x| < 2^900 (no overflow of x * K, no float64
 * subnormals), far beyond any sum of float32 values.
 *
 * Exact path (every rounding, optional bounded exponent): the sum s + v of the accumulator and
 * the next value arrives as t = fl(s + v) plus the exact error err (TwoSum), and the result is
 * the rounding of the real number t + err, decided with exact float64 comparisons.
 */
import { hash32 } from "../core/random";

export const ACCUMULATOR_ROUNDINGS = ["nearest", "zero", "stochastic"] as const;
/**
 * nearest: ties to even; zero: truncation toward zero; stochastic: up with probability equal
 * to the distance from the lower neighbour in steps (unbiased), seeded and counter-based.
 */
export type AccumulatorRounding = (typeof ACCUMULATOR_ROUNDINGS)[number];

/** The constants of the fast round-to-nearest-even step for m explicit mantissa bits. */
export function nearestConstants(mantissaBits: number): { K: number; S: number } {
  const S = 2 ** (52 - mantissaBits);
  return { K: S + 1, S };
}

const f64 = new Float64Array(1), u32 = new Uint32Array(f64.buffer);

/** floor(log2 |x|) of a finite non-zero float64 normal, read from its exponent field. */
function exponentOf(x: number): number {
  f64[0] = x;
  return ((u32[1] >>> 20) & 0x7ff) - 1023;
}

/** True when |x| is a power of two (zero fraction field). */
function isPowerOfTwo(x: number): boolean {
  f64[0] = x;
  return u32[0] === 0 && (u32[1] & 0xfffff) === 0;
}

/**
 * The rounding context of one accumulation: precision, exponent range and, for stochastic
 * rounding, the key of its counter-based random stream.
 */
export interface ExactRounder {
  readonly mantissaBits: number;
  /** Smallest normal exponent, -Infinity when the exponent is unbounded. */
  readonly emin: number;
  /** Largest finite value, Infinity when unbounded. Overflow saturates to it. */
  readonly maxFinite: number;
  readonly mode: AccumulatorRounding;
  readonly seed: number;
  readonly stream: number;
}

export function exactRounder(
  mantissaBits: number, exponentBits: number | undefined, mode: AccumulatorRounding, seed: number, stream: number,
): ExactRounder {
  if (exponentBits === undefined) return { mantissaBits, emin: -Infinity, maxFinite: Infinity, mode, seed, stream };
  const bias = 2 ** (exponentBits - 1) - 1;
  return { mantissaBits, emin: 1 - bias, maxFinite: (2 - 2 ** -mantissaBits) * 2 ** bias, mode, seed, stream };
}

/** Grid step of values whose binade is e (subnormal quantum below emin). */
function stepAt(e: number, r: ExactRounder): number {
  return 2 ** (Math.max(e, r.emin) - r.mantissaBits);
}

/**
 * The rounding of the real number t + err, where t = fl(t + err) (so |err| <= ulp53(t) / 2),
 * to the accumulator's grid. `counter` addresses the random draw of stochastic rounding.
 */
export function roundExact(t: number, err: number, r: ExactRounder, counter: number): number {
  if (t === 0) return t; // t = fl(s + v) = 0 only when s + v = 0 exactly.
  const e = exponentOf(t);
  const step = stepAt(e, r);
  const g = Math.floor(t / step) * step;
  let down: number, up: number;
  if (g !== t) {
    down = g;
    up = g + step;
  } else if (err === 0) {
    return saturate(t, r);
  } else {
    // t is on the grid and the real value lies just beside it: the neighbour on that side is
    // one step away, half a step when crossing down into the binade below a power of two.
    const inward = isPowerOfTwo(t) ? stepAt(e - 1, r) : step;
    if (err > 0) {
      down = t;
      up = t + (t > 0 ? step : inward);
    } else {
      up = t;
      down = t - (t > 0 ? inward : step);
    }
  }
  let result: number;
  switch (r.mode) {
    case "nearest": {
      const half = (up - down) / 2;
      // sign of (t - down - half) + err, exact: t - down and its difference with half are exact.
      const side = (t - down - half) + err;
      if (side < 0) result = down;
      else if (side > 0) result = up;
      else result = Math.abs(down / (up - down)) % 2 === 0 ? down : up;
      break;
    }
    case "zero":
      result = t > 0 ? down : up;
      break;
    case "stochastic": {
      // Up iff u < (x - down) / (up - down), u = hash / 2^32; compared as
      // u * (up - down) - (t - down) < err, every operation exact.
      const u = hash32(r.seed, r.stream, counter >>> 0) * 2.3283064365386963e-10;
      result = u * (up - down) - (t - down) < err ? up : down;
      break;
    }
  }
  return saturate(result, r);
}

function saturate(x: number, r: ExactRounder): number {
  return x > r.maxFinite ? r.maxFinite : x < -r.maxFinite ? -r.maxFinite : x;
}

/** One accumulator step s <- round(s + v) on the exact path. */
export function addExact(s: number, v: number, r: ExactRounder, counter: number): number {
  const t = s + v;
  const bv = t - s;
  const err = (s - (t - bv)) + (v - bv);
  return roundExact(t, err, r, counter);
}
