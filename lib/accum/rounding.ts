/**
 * Rounding of a float64 value to a floating-point accumulator with `mantissaBits` = m explicit
 * mantissa bits (p = m + 1 significant bits), done in float64 arithmetic.
 *
 * Fast path (round to nearest, ties to even, unbounded exponent): Veltkamp's splitting (Dekker,
 * "A floating-point technique for extending the available precision", 1971). With
 * K = 2^(52 - m) + 1 and g = fl(y K), the high part g - fl(g - y) is y rounded to nearest on p
 * bits (Boldo, "Pitfalls of a full floating-point proof", IJCAR 2006, proves this for every y
 * without overflow). Ties go to even: a tie y makes y K a tie of g's grid too, which float64
 * breaks to even, and fl(g - y) then rounds y on that grid with the same parity. Three flops,
 * no branch, no exponent extraction; valid for 2^-900 < |y| < 2^900 (no overflow of y K, no
 * float64 subnormals), far beyond any sum of float32 values.
 * The shorter fl(y K) - y 2^(52 - m) is wrong when y lies within a relative 2^(m - 52) below a
 * power of two: y K then rounds on the next binade's grid, twice as coarse as y's, and the
 * difference lands one step of y's binade below the power of two (1 - 1e-9 at m = 23 gave
 * 1 - 2^-24). fl(g - y) rounds on g's own grid, which is what makes Veltkamp's form exact there.
 *
 * Exact path (every rounding, optional bounded exponent, terms of any float64 precision): the
 * sum s + v arrives as t = fl(s + v) plus its exact error err (TwoSum), and the step rounds the
 * real number x = t + err. With the grid step q of x's binade (the subnormal quantum below
 * emin) and the magic number C = 1.5 * 2^52 q, g = fl(t + C) - C is t rounded to nearest on
 * that grid and a = t - g is exact, |a| <= q / 2; the result is g + k q with k in {-1, 0, 1}
 * chosen by the signs of sums (a - c) + err, which are exact (a - c is exact or else far larger
 * than err, and rounding keeps the sign of a sum):
 *
 *   nearest     k = [a + err > q / 2] - [a + err < -q / 2]   (a tie is t itself, g is even)
 *   zero        k = -[a + err < 0] for x > 0, [a + err > 0] for x < 0
 *   stochastic  up iff u < (x - down) / q, u = hash / 2^32: the result is the ceiling of
 *               x - u q on the grid, k = [a + err > u q] + [a + err > u q - q] - 1
 *
 * That is generalStep, which also handles t a power of two with x just below it (x's step is
 * then half), the scaled top binades, zero, Inf and NaN. The kernels (sumLanes) take a shorter,
 * branch-free step in the common case of an exact sum t = x (see the comment above sumOne).
 * accumulate() and lowPrecisionMatMul() run sumLanes as the wasm kernel of lib/wasm/accumulate.ts
 * (exact_wasm.ts), the same operations in the same order; this JavaScript is its reference.
 *
 * Special values (IEEE 754 semantics with a saturating overflow): NaN in any term gives NaN;
 * an infinite term gives an infinite sum of its sign (it is not saturated away), and infinities
 * of both signs give NaN. A finite sum beyond the largest finite value of a bounded exponent
 * saturates to it; the unbounded accumulator has float64's exponent range (emin = -1022) and a
 * finite sum beyond float64's range becomes +-Inf.
 */
import { hashKey, keyedHash32 } from "../core/random";

export const ACCUMULATOR_ROUNDINGS = ["nearest", "zero", "stochastic"] as const;
/**
 * nearest: ties to even; zero: truncation toward zero; stochastic: up with probability equal
 * to the distance from the lower neighbour in steps (unbiased), at a resolution of 2^-32 of a
 * step, seeded and counter-based.
 */
export type AccumulatorRounding = (typeof ACCUMULATOR_ROUNDINGS)[number];

/** Veltkamp's splitter K = 2^(52 - m) + 1 of the fast round-to-nearest-even step g - (g - y), g = y K. */
export function nearestSplitter(mantissaBits: number): number {
  return 2 ** (52 - mantissaBits) + 1;
}

const f64 = new Float64Array(1),
  u32 = new Uint32Array(f64.buffer);
/** 2^k at POW2[k + POW2_BIAS] for every float64 power of two: V8's 2 ** k is a slow library call. */
const POW2_BIAS = 1074;
const POW2 = Float64Array.from({ length: POW2_BIAS + 1024 }, (_, i) => 2 ** (i - POW2_BIAS));
const TWO_POW_52 = 2 ** 52,
  TWO_POW_MINUS_32 = 2 ** -32;
/** Binades from here up are rounded scaled down by 2^-64, so that C = 1.5 * 2^52 q stays finite. */
const SCALED_BINADE = 960;
const UNBOUNDED_EMIN = -1022;
const NEAREST = 0,
  ZERO = 1,
  STOCHASTIC = 2;

/**
 * The grid of every float64 binade for one accumulator format, indexed by the exponent field of
 * t: q, 1 / q and C, and the bounds (lo, hi) of the values |t| whose exact sum the fast step
 * rounds with them, [lo, hi). Below emin the grid is the subnormal quantum q = 2^(emin - m) up
 * to 2^(emin + 1), and the fast step stops at q: below, t has bits under q 2^-52 and t - g - u q
 * could round. Binades that need the general step (float64 zero and subnormals, Inf/NaN,
 * binades at or above `top`, sums below q) get q = 0 and the empty bounds (Infinity, 0).
 */
interface BinadeTable {
  lo: Float64Array;
  hi: Float64Array;
  q: Float64Array;
  inverse: Float64Array;
  C: Float64Array;
}

/**
 * Largest m for which t / q - u is exact for every t of the table: t / q < 2^(m + 1) has bits
 * down to 2^(m - 52) at most (below emin, t / q < 2^(j + 1) with j < m down to 2^(j - 52)), u
 * from 2^-1 down to 2^-32: 53 bits in all while m <= 20.
 */
export const DIRECT_MAX_MANTISSA = 20;

const binadeTables = new Map<string, BinadeTable>();

function binadeTable(mantissaBits: number, emin: number, top: number): BinadeTable {
  const key = `${mantissaBits} ${emin} ${top}`;
  let table = binadeTables.get(key);
  if (table === undefined) {
    const array = () => new Float64Array(2048);
    table = { lo: array().fill(Infinity), hi: array(), q: array(), inverse: array(), C: array() };
    for (let field = 1; field < 2047; field++) {
      const binade = field - 1023,
        e = Math.max(binade, emin);
      if (e >= top || binade < emin - mantissaBits) continue;
      table.lo[field] = binade < emin ? 2 ** (emin - mantissaBits) : 2 ** binade;
      table.hi[field] = 2 ** (e + 1);
      table.q[field] = 2 ** (e - mantissaBits);
      table.inverse[field] = 2 ** (mantissaBits - e);
      table.C[field] = 1.5 * TWO_POW_52 * table.q[field];
    }
    binadeTables.set(key, table);
  }
  return table;
}

/** An accumulator format on the exact path: rounding mode, precision, range, binade table. */
export interface ExactFormat {
  /** NEAREST, ZERO or STOCHASTIC. */
  readonly mode: number;
  readonly mantissaBits: number;
  /** Smallest normal exponent (float64's when unbounded). */
  readonly emin: number;
  /** Largest finite value; Infinity when unbounded. */
  readonly maxFinite: number;
  readonly table: BinadeTable;
}

export function exactFormat(
  mantissaBits: number,
  exponentBits: number | undefined,
  rounding: AccumulatorRounding,
): ExactFormat {
  const mode = rounding === "nearest" ? NEAREST : rounding === "zero" ? ZERO : STOCHASTIC;
  const bias = exponentBits === undefined ? Infinity : 2 ** (exponentBits - 1) - 1;
  const emin = exponentBits === undefined ? UNBOUNDED_EMIN : 1 - bias;
  const maxFinite = exponentBits === undefined ? Infinity : (2 - 2 ** -mantissaBits) * 2 ** bias;
  // Binades from bias up may overflow, and from SCALED_BINADE up are scaled: the general step.
  return { mode, mantissaBits, emin, maxFinite, table: binadeTable(mantissaBits, emin, Math.min(bias, SCALED_BINADE)) };
}

/** The key words [a, b] of a stochastic stream (hashKey), zeros for the other roundings. */
export function streamKey(f: ExactFormat, seed: number, stream: number): [number, number] {
  return f.mode === STOCHASTIC ? hashKey(seed, stream) : [0, 0];
}

/**
 * One step round(s + v), t = fl(s + v), in every case, including those the binade table leaves
 * out; (keyA, keyB, counter) address the random draw of stochastic rounding.
 */
export function generalStep(
  f: ExactFormat,
  s: number,
  v: number,
  t: number,
  keyA: number,
  keyB: number,
  counter: number,
): number {
  if (Number.isNaN(t)) return t;
  if (t === Infinity || t === -Infinity) {
    if (s === t || v === t) return t; // an infinite term stays infinite
    return f.maxFinite === Infinity ? t : Math.sign(t) * f.maxFinite; // finite overflow
  }
  if (t === 0) return t; // fl(s + v) = 0 only when s + v = 0 exactly
  const bv = t - s;
  const err = s - (t - bv) + (v - bv);
  f64[0] = t;
  const high = u32[1],
    field = (high >>> 20) & 0x7ff;
  let binade = field === 0 ? UNBOUNDED_EMIN - 1 : field - 1023;
  // t a power of two and x just inside it: x lies in the binade below, whose step is half.
  const inward = field !== 0 && u32[0] === 0 && (high & 0xfffff) === 0 && err !== 0 && err < 0 !== t < 0;
  if (inward) binade -= 1;
  const e = Math.max(binade, f.emin);
  let q = POW2[e - f.mantissaBits + POW2_BIAS],
    ts = t,
    es = err,
    scale = 1;
  if (e >= SCALED_BINADE) {
    // Scaled by 2^-64 (exact); an err too small to scale exactly only matters by its sign.
    scale = 2 ** 64;
    ts = t * 2 ** -64;
    q *= 2 ** -64;
    es = Math.abs(err) >= 2 ** -900 ? err * 2 ** -64 : Math.sign(err) * Number.MIN_VALUE;
  }
  const C = 1.5 * TWO_POW_52 * q;
  const g = ts + C - C;
  const a = ts - g;
  let k: number;
  if (f.mode === STOCHASTIC) {
    const uq = keyedHash32(keyA, keyB, counter) * (q * TWO_POW_MINUS_32);
    k = a - uq + es > 0 ? 1 : a - (uq - q) + es > 0 ? 0 : -1;
  } else if (f.mode === ZERO) {
    const w = a + es;
    k = t > 0 ? (w < 0 ? -1 : 0) : w > 0 ? 1 : 0;
  } else {
    k = a - q / 2 + es > 0 ? 1 : a + q / 2 + es < 0 ? -1 : 0;
  }
  const r = (g + k * q) * scale;
  const max = f.maxFinite;
  return Math.min(Math.max(r, -max), max);
}

/**
 * Sums on the exact path: lane l (0 <= l < lanes) adds terms[base[l] + i stride] for
 * i = 0 .. length - 1 to sums[l], drawing counter counter0[l] + i of the stream keyed
 * (keyA[l], keyB[l]). Lanes run one by one (sumOne): this is the reference of the wasm kernel
 * (lib/wasm/accumulate.ts), which interleaves them for speed.
 */
export function sumLanes(
  f: ExactFormat,
  terms: Float64Array,
  base: Int32Array,
  stride: number,
  counter0: Float64Array,
  keyA: Int32Array,
  keyB: Int32Array,
  lanes: number,
  length: number,
  sums: Float64Array,
): void {
  for (let l = 0; l < lanes; l++)
    sums[l] = sumOne(f, terms, base[l], stride, counter0[l], keyA[l], keyB[l], length, sums[l]);
}

/*
 * The fast step, for t = fl(s + v) exact (fl(t - s) = v and fl(t - v) = s: one of the two is
 * Fast2Sum's exact remainder) and t's binade in the table (q > 0), reads q, 1 / q and C of that
 * binade (exponent field through a float64/uint32 view) and rounds t:
 *   nearest     g = fl(t + C) - C
 *   zero        trunc(t / q) q
 *   stochastic  ceil(t / q - u) q while m <= 20 (`direct`: t / q - u is exact, DIRECT_MAX_MANTISSA),
 *               else g + ceil((t - g) / q - u) q    ((t - g) / q - u is exact, in (-1.5, 1/2])
 * An exact t needs no care at a power of two (it is on both grids). Every other case (an inexact
 * sum, zero, Inf, NaN, the top binades, sums below the subnormal quantum) goes to generalStep.
 * The division by q is a multiplication by the exact 1 / q; ceil and trunc compile to one
 * rounding instruction, so the step has no data-dependent branch to mispredict.
 */

/**
 * One lane of sumLanes: its sum. A single chain waits on every step, so this one keeps the grid
 * of the last binade in local variables and checks t against it first: a predicted branch
 * instead of the exponent read and table loads on the chain.
 */
function sumOne(
  f: ExactFormat,
  terms: Float64Array,
  base: number,
  stride: number,
  counter0: number,
  keyA: number,
  keyB: number,
  length: number,
  sum: number,
): number {
  const { mode, table } = f,
    direct = f.mantissaBits <= DIRECT_MAX_MANTISSA;
  const tLo = table.lo,
    tHi = table.hi,
    tQ = table.q,
    tI = table.inverse,
    tC = table.C;
  let s = sum,
    lo = Infinity,
    hi = 0,
    q = 0,
    inverse = 0,
    C = 0;
  for (let i = 0, o = base; i < length; i++, o += stride) {
    const v = terms[o],
      t = s + v,
      at = Math.abs(t);
    if (!(at >= lo && at < hi)) {
      f64[0] = t;
      const e = (u32[1] >>> 20) & 0x7ff;
      lo = tLo[e];
      hi = tHi[e];
      q = tQ[e];
      inverse = tI[e];
      C = tC[e];
    }
    if (t - s === v && t - v === s && q > 0) {
      if (mode === STOCHASTIC) {
        const u = keyedHash32(keyA, keyB, counter0 + i) * TWO_POW_MINUS_32;
        if (direct) s = Math.ceil(t * inverse - u) * q;
        else {
          const g = t + C - C;
          s = g + Math.ceil((t - g) * inverse - u) * q;
        }
      } else s = mode === ZERO ? Math.trunc(t * inverse) * q : t + C - C;
    } else s = generalStep(f, s, v, t, keyA, keyB, counter0 + i);
  }
  return s;
}

/** The per-lane arguments of sumLanes, for `count` lanes, filled by the caller. */
export interface Lanes {
  base: Int32Array;
  counter0: Float64Array;
  keyA: Int32Array;
  keyB: Int32Array;
}

export function lanes(count: number): Lanes {
  return {
    base: new Int32Array(count),
    counter0: new Float64Array(count),
    keyA: new Int32Array(count),
    keyB: new Int32Array(count),
  };
}
