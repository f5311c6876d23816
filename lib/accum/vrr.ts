/**
 * vrr(): the variance retention ratio Var(computed sum) / Var(exact sum) of n i.i.d. zero-mean
 * Gaussian products (rounded to mP mantissa bits) summed in an accumulator with mAcc mantissa
 * bits, from the swamping model derived in notebook 05:
 *
 * 1. While the accumulator s sits in binade [2^e, 2^(e+1)) its step is u = 2^(e - mAcc), and
 *    s is on that grid, so adding a product v yields s + q_u(v): v rounded to a multiple of u.
 *    |v| < u/2 is lost whole (full swamping), larger v lose their bits below u (partial).
 * 2. For round to nearest and stochastic rounding q_u(v) has mean zero given the past, so the
 *    increments are orthogonal and Var(s_k) = Var(s_(k-1)) + E[q_u(v)^2]: the variance grows
 *    by g(u) = E[q_u(v)^2] per term, less than Var(v) when u is large (swamping), slightly more
 *    when u is small (rounding noise, u^2/12 for nearest).
 * 3. u depends on s, which is modelled as N(0, V): the growth per term is
 *    G(V) = sum_e P(|s| in binade e) g(2^(e - mAcc)), and V_k = V_(k-1) + G(V_(k-1)), V_1 = Var(v).
 *    "s in binade e" means s in the rounding cells of that binade's grid, which begin a quarter
 *    step below 2^e (the binade below has half the step): with mAcc = 4 the plain binade edges
 *    would give the top grid points 1.6% too much weight and G 2% too much growth (measured at
 *    n = 2 against a brute-force sum over the products' distribution).
 *    Near the ends of a binade (within 8 sigma of the terms) the grid changes under s + v and
 *    E[2 s d + d^2] is computed exactly at every grid point there, when u >= sigma / 16.
 *    Truncation ("zero") also shrinks |s| by E[floor(v/u)] u per term: the drift term below.
 * 4. Sparsity: zero products leave s unchanged, so only n (1 - sparsity) terms count.
 *    Chunking: chunks of c terms give sums of variance V_c, then n/c such sums are accumulated
 *    (terms now Gaussian of variance V_c, on the accumulator's grid), VRR = V_outer / (n Var(v)).
 *
 * The Monte-Carlo measurement (monteCarloVrr, with the bit-true accumulate()) is the reference
 * this model is tested against.
 *
 * The accumulator and the product are floatingPoint formats (their `man` are mAcc and mP; the
 * short forms mAcc and mP stay accepted). The model has no exponent range: a format's `exp`,
 * subnormals and saturation do not enter it (sums of unit-variance products are far from both
 * ends of any exponent range with 5 or more bits). A fixed-point accumulator has no swamping
 * (its step does not grow with the sum) and is refused.
 */
import { checkInteger, checkOneOf } from "../core/checks";
import { checkFormat, type FloatingPointFormat, type Format } from "../quant/formats";
import { absMomentBetween, twoSidedTail } from "../stats/normal";
import { ACCUMULATOR_ROUNDINGS, type AccumulatorRounding } from "./rounding";

export interface VrrOptions {
  /** Accumulation length (number of products): an integer in [1, 2^40]. */
  n: number;
  /** The accumulator: a floatingPoint format, man in [1, 52]. Give this or mAcc. */
  accumulator?: FloatingPointFormat;
  /** Short form: accumulator mantissa bits, an integer in [1, 52]. */
  mAcc?: number;
  /** The products' format: a floatingPoint format. Give this or mP. */
  product?: FloatingPointFormat;
  /** Short form: product mantissa bits, an integer in [0, 52]. */
  mP?: number;
  /** Chunk length c in [1, n] (default n: no chunking). */
  chunk?: number;
  /** Fraction of zero products, in [0, 1). */
  sparsity?: number;
  rounding?: AccumulatorRounding;
}

export interface CheckedVrrOptions {
  n: number;
  mAcc: number;
  mP: number;
  chunk: number;
  sparsity: number;
  rounding: AccumulatorRounding;
}

/**
 * The mantissa bits of a floating-point format given as `formatName`, or of the short form
 * `bitsName`: exactly one of the two, the format checked for its kind and by the registry's
 * checkFormat.
 */
export function mantissaOf(
  what: string,
  formatName: string,
  format: Format | undefined,
  bitsName: string,
  bits: number | undefined,
  range: [number, number],
): number {
  if (format === undefined) {
    if (bits === undefined)
      throw new TypeError(
        `lowbit: ${what} takes ${formatName} (a floatingPoint format) or ${bitsName} (its mantissa bits)`,
      );
    checkInteger(`${what} ${bitsName}`, bits, range[0], range[1]);
    return bits;
  }
  if (bits !== undefined) throw new TypeError(`lowbit: ${what} takes ${formatName} or ${bitsName}, not both`);
  const kind = typeof format === "object" && format !== null ? (format as { kind?: unknown }).kind : undefined;
  if (kind !== "float") {
    const why =
      kind === "fixed"
        ? " (the swamping analysis is for floating-point sums: a fixed-point step does not grow with the sum)"
        : "";
    throw new TypeError(
      `lowbit: ${what} ${formatName} must be a floatingPoint format${why}; got ${JSON.stringify(format)}`,
    );
  }
  const { man } = checkFormat(`${what} ${formatName}`, format) as FloatingPointFormat;
  checkInteger(`${what} ${formatName} man`, man, range[0], range[1]);
  return man;
}

export function checkVrrOptions(
  what: string,
  o: VrrOptions,
  accumulatorRange: [number, number] = [1, 52],
): CheckedVrrOptions {
  if (typeof o !== "object" || o === null)
    throw new TypeError(`lowbit: ${what} takes an options object { n, accumulator, product, ... }`);
  const { n, chunk, sparsity = 0, rounding = "nearest" } = o;
  checkInteger(`${what} n`, n, 1, 2 ** 40);
  const mAcc = mantissaOf(what, "accumulator", o.accumulator, "mAcc", o.mAcc, accumulatorRange);
  const mP = mantissaOf(what, "product", o.product, "mP", o.mP, [0, 52]);
  if (chunk !== undefined) checkInteger(`${what} chunk (the chunk length, at most n)`, chunk, 1, n);
  checkSparsity(what, sparsity);
  checkOneOf(`${what} rounding`, rounding, ACCUMULATOR_ROUNDINGS);
  return { n, mAcc, mP, chunk: chunk ?? n, sparsity, rounding };
}

export function checkSparsity(what: string, sparsity: number): void {
  if (!(typeof sparsity === "number" && sparsity >= 0 && sparsity < 1)) {
    throw new RangeError(`lowbit: ${what} sparsity must be a number in [0, 1); got ${String(sparsity)}`);
  }
}

/** Terms cap their modelled mantissa at 8 bits: finer grids change g(u) by < 2^-16 relative. */
const MAX_TERM_BITS = 8;

/**
 * The distribution of one term: a N(0, sigma^2) value rounded to `bits` mantissa bits, as
 * positive grid values with the probability of each sign; and g(u) for each rounding, cached
 * by u (always a power of two).
 */
class TermModel {
  /** Positive grid values, ascending, and the probability of each sign of each. */
  readonly values: number[] = [];
  readonly masses: number[] = [];
  /** Prefix sums over the values below index i: sum of masses, sum of mass * value. */
  readonly massBelow: Float64Array;
  readonly massValueBelow: Float64Array;
  readonly variance: number;
  /** Identifies the distribution and rounding: equal keys, equal models. */
  readonly key: string;
  private readonly cache = new Map<number, [number, number]>();

  constructor(
    readonly sigma: number,
    bits: number,
    readonly rounding: AccumulatorRounding,
  ) {
    this.key = `${sigma}:${Math.min(bits, MAX_TERM_BITS)}:${rounding}`;
    const m = Math.min(bits, MAX_TERM_BITS);
    const top = Math.floor(Math.log2(sigma)) + 7;
    let variance = 0;
    for (let e = top - 48; e <= top; e++) {
      const step = 2 ** (e - m),
        base = 2 ** e;
      if (twoSidedTail(base / sigma) < 1e-300) break;
      for (let j = 0; j < 2 ** m; j++) {
        const v = base + j * step;
        const lo = j === 0 ? v - step / 4 : v - step / 2,
          hi = v + step / 2;
        const mass = (twoSidedTail(lo / sigma) - twoSidedTail(hi / sigma)) / 2;
        if (mass <= 0) continue;
        this.values.push(v);
        this.masses.push(mass);
        variance += 2 * mass * v * v;
      }
    }
    this.variance = variance;
    this.massBelow = new Float64Array(this.values.length + 1);
    this.massValueBelow = new Float64Array(this.values.length + 1);
    for (let i = 0; i < this.values.length; i++) {
      this.massBelow[i + 1] = this.massBelow[i] + this.masses[i];
      this.massValueBelow[i + 1] = this.massValueBelow[i] + this.masses[i] * this.values[i];
    }
  }

  /** The index of the first value >= t (values ascend). */
  firstAtLeast(t: number): number {
    let lo = 0,
      hi = this.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.values[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** [E[d^2], E[d] / u] of the increment d = q_u(v) the accumulator receives (s > 0 for "zero"). */
  increment(u: number): [number, number] {
    const cached = this.cache.get(u);
    if (cached) return cached;
    let second = 0,
      drift = 0;
    const { values, masses } = this;
    for (let i = 0; i < values.length; i++) {
      const v = values[i],
        w = masses[i];
      if (v >= u * 2 ** 60) {
        second += 2 * w * v * v;
        continue;
      }
      const r = v / u,
        fl = Math.floor(r),
        f = r - fl;
      switch (this.rounding) {
        case "nearest": {
          // A tie goes to the even neighbour of s + v: either way, as s's last bit is random.
          const q2 = f < 0.5 ? fl * fl : f > 0.5 ? (fl + 1) * (fl + 1) : (fl * fl + (fl + 1) * (fl + 1)) / 2;
          second += 2 * w * q2 * u * u;
          break;
        }
        case "stochastic":
          second += 2 * w * (v * v + u * u * f * (1 - f));
          break;
        case "zero": {
          // s > 0: s + v truncates to s + u floor(v / u); for -v, floor(-r) = -fl - [f > 0].
          const below = f > 0 ? 1 : 0;
          second += w * u * u * (fl * fl + (fl + below) * (fl + below));
          drift -= w * below;
          break;
        }
      }
    }
    const out: [number, number] = [second, drift];
    this.cache.set(u, out);
    return out;
  }
}

const termModels = new Map<string, TermModel>();
/** The TermModel of (sigma, bits, rounding), built once: its increments are cached inside. */
function termModel(sigma: number, bits: number, rounding: AccumulatorRounding): TermModel {
  const key = `${sigma}:${Math.min(bits, MAX_TERM_BITS)}:${rounding}`;
  let model = termModels.get(key);
  if (model === undefined) {
    model = new TermModel(sigma, bits, rounding);
    termModels.set(key, model);
  }
  return model;
}

/** RN / RZ / expected-SR rounding of x to m explicit bits: [E[r], E[r^2]] (stochastic averages the draw). */
function roundMoments(x: number, m: number, rounding: AccumulatorRounding): [number, number] {
  if (x === 0) return [0, 0];
  let e = Math.floor(Math.log2(Math.abs(x)));
  // log2 can be off by one next to a power of two.
  if (2 ** e > Math.abs(x)) e--;
  else if (2 ** (e + 1) <= Math.abs(x)) e++;
  const step = 2 ** (e - m);
  const down = Math.floor(x / step) * step;
  const up = down + step;
  if (down === x) return [x, x * x];
  switch (rounding) {
    case "nearest": {
      const f = (x - down) / step;
      const r = f < 0.5 ? down : f > 0.5 ? up : Math.abs(down / step) % 2 === 0 ? down : up;
      return [r, r * r];
    }
    case "zero": {
      const r = x > 0 ? down : up;
      return [r, r * r];
    }
    case "stochastic": {
      const f = (x - down) / step;
      return [down + f * step, (1 - f) * down * down + f * up * up];
    }
  }
}

/**
 * [E[d], E[d^2]] of the increment d = round(s + v) - s for the accumulator value
 * s = 2^e + j u > 0, u = 2^(e - m), by brute force over the term's distribution: needed where
 * s + v can leave s's binade, where the grid changes step and rounding is no longer symmetric
 * about s. Terms |v| < u/4 cannot leave it, nor reach a rounding boundary of nearest: their
 * increments have closed forms in the step below s, sb (u, or u/2 at j = 0): nearest 0;
 * truncation 0 for +v and -sb for -v; stochastic mean +-v and second moment u v or sb v. Those
 * come from the term's prefix sums, the loop runs over the larger terms only.
 */
function exactIncrement(e: number, j: number, m: number, term: TermModel): [number, number] {
  const u = 2 ** (e - m),
    s = 2 ** e + j * u,
    sb = j === 0 ? u / 2 : u;
  const k = term.firstAtLeast(u / 4);
  const mass = term.massBelow[k],
    massValue = term.massValueBelow[k];
  let first = term.rounding === "zero" ? -mass * sb : 0;
  let second = term.rounding === "zero" ? mass * sb * sb : term.rounding === "stochastic" ? massValue * (u + sb) : 0;
  const { values, masses } = term;
  for (let i = k; i < values.length; i++) {
    for (const v of [values[i], -values[i]]) {
      const [r, r2] = roundMoments(s + v, m, term.rounding);
      first += masses[i] * (r - s);
      second += masses[i] * (r2 - 2 * r * s + s * s);
    }
  }
  return [first, second];
}

/** Grid points of a binade: their values, the widths of their rounding cells, 2 s E[d] + E[d^2]. */
interface NearPoints {
  s: Float64Array;
  cell: Float64Array;
  growth: Float64Array;
}

/**
 * The grid points of binade e within reach (8 sigma of the terms) of its two ends, where
 * growth() uses exactIncrement: their values s and their 2 s E[d] + E[d^2]. Computed once per
 * binade and kept across vrr() calls for the same accumulator width and term distribution, so
 * that tables of many layers reuse them.
 */
class BoundaryCache {
  private readonly binades = new Map<number, NearPoints>();
  constructor(
    readonly m: number,
    readonly term: TermModel,
  ) {}
  at(e: number): NearPoints {
    let hit = this.binades.get(e);
    if (hit === undefined) {
      const u = 2 ** (e - this.m),
        points = 2 ** this.m;
      const J = Math.min(points, Math.ceil((8 * this.term.sigma) / u) + 1);
      const js: number[] = [];
      for (let j = 0; j < J; j++) js.push(j);
      for (let j = Math.max(J, points - J); j < points; j++) js.push(j);
      hit = { s: new Float64Array(js.length), cell: new Float64Array(js.length), growth: new Float64Array(js.length) };
      for (let k = 0; k < js.length; k++) {
        const s = 2 ** e + js[k] * u;
        // The values that round to s: [s - u/2, s + u/2), but [s - u/4, s + u/2) at j = 0,
        // whose lower neighbour is on the finer grid of the binade below.
        hit.cell[k] = js[k] === 0 ? 0.75 * u : u;
        const [d1, d2] = exactIncrement(e, js[k], this.m, this.term);
        hit.s[k] = s;
        hit.growth[k] = 2 * s * d1 + d2;
      }
      this.binades.set(e, hit);
    }
    return hit;
  }
}

const boundaryCaches = new Map<string, BoundaryCache>();
function boundaryCache(mAcc: number, term: TermModel): BoundaryCache {
  const key = `${mAcc}:${term.key}`;
  let cache = boundaryCaches.get(key);
  if (cache === undefined) {
    cache = new BoundaryCache(mAcc, term);
    boundaryCaches.set(key, cache);
  }
  return cache;
}

/**
 * Variance growth per term, G(V), for an accumulator with mAcc bits holding s ~ N(0, V):
 * E[round(s + v)^2 - s^2] = E[2 s d + d^2]. Inside a binade, away from its ends, d = q_u(v)
 * (mean zero, or the truncation drift); within reach of a power of two the step changes and
 * the increment is biased toward zero (outward moves meet the coarser grid, inward ones the
 * finer): those grid points are computed exactly when u is not small against the terms.
 */
function growth(V: number, mAcc: number, term: TermModel, boundary: BoundaryCache): number {
  const sd = Math.sqrt(V);
  const top = Math.floor(Math.log2(sd)) + 7;
  const bottom = top - 60;
  // Binade e's accumulator values are the rounding cells of its grid points, which start a
  // quarter step below 2^e (the binade below has the finer step): [edge(e), edge(e + 1)).
  const edge = (e: number) => 2 ** e * (1 - 2 ** -(mAcc + 2));
  let g = (1 - twoSidedTail(edge(bottom) / sd)) * term.variance;
  let previousTail = twoSidedTail(edge(bottom) / sd);
  for (let e = bottom; e <= top; e++) {
    const a = edge(e) / sd,
      b = edge(e + 1) / sd;
    const tail = twoSidedTail(b);
    const p = previousTail - tail;
    previousTail = tail;
    if (p <= 1e-14) continue;
    const u = 2 ** (e - mAcc);
    const [second, drift] = term.increment(u);
    if (u < term.sigma / 16) {
      g += p * second;
      if (drift !== 0) g += 2 * sd * absMomentBetween(a, b) * u * drift;
      continue;
    }
    const near = boundary.at(e);
    let explicitMass = 0,
      explicitGrowth = 0;
    for (let k = 0; k < near.s.length; k++) {
      const w = near.cell[k] * Math.exp(-(near.s[k] * near.s[k]) / (2 * V));
      explicitMass += w;
      explicitGrowth += w * near.growth[k];
    }
    // Each point stands for its rounding cell of the N(0, V) density (both signs).
    const density = 2 / (sd * Math.sqrt(2 * Math.PI));
    explicitMass *= density;
    g += density * explicitGrowth;
    const interior = Math.max(0, p - explicitMass);
    g += interior * second;
    if (drift !== 0) g += 2 * sd * absMomentBetween(a, b) * (interior / p) * u * drift;
  }
  return g;
}

/**
 * Variance after `length` terms (a real number: the expected count of non-zero terms),
 * starting from one term: exact unit steps up to 64 terms, then Heun's method on
 * dV/dl = G(V) with steps of l/64 (G varies slowly with log V), shorter where V changes by
 * more than a quarter in one step. Measured on n in 64..262144,
 * mAcc 4..12, every rounding, chunked and sparse: within 2e-4 of unit steps to 1024 and l/256
 * beyond, at a third of the cost.
 */
function variance(length: number, mAcc: number, term: TermModel): number {
  const boundary = boundaryCache(mAcc, term);
  if (length <= 1) return term.variance * length;
  let V = term.variance,
    l = 1;
  while (l + 1 <= Math.min(length, 64)) {
    V += growth(V, mAcc, term, boundary);
    l += 1;
  }
  while (l < length && V > 0) {
    let h = Math.min(length - l, Math.max(1, l / 64));
    const k1 = growth(V, mAcc, term, boundary);
    let next: number;
    // A step may change V by at most a quarter: truncation can shrink V fast, and a longer
    // step would overshoot below zero. Halve it until it does, down to one term.
    for (;;) {
      const k2 = growth(Math.max(V + h * k1, 1e-300), mAcc, term, boundary);
      next = V + (h * (k1 + k2)) / 2;
      if (h <= 1 || Math.abs(next - V) <= V / 4) break;
      h = Math.max(1, h / 2);
    }
    V = Math.max(next, 0);
    l += h;
  }
  return V;
}

/** The analytic VRR of the swamping model (see the file comment). */
export function vrr(options: VrrOptions): number {
  const o = checkVrrOptions("vrr", options);
  return vrrChecked(o);
}

export function vrrChecked(o: CheckedVrrOptions): number {
  const nonZero = 1 - o.sparsity;
  const products = termModel(1, o.mP, o.rounding);
  const inner = variance(o.chunk * nonZero, o.mAcc, products);
  if (o.chunk >= o.n) return inner / (o.n * nonZero * products.variance);
  const chunkSums = termModel(Math.sqrt(inner), o.mAcc, o.rounding);
  const outer = variance(o.n / o.chunk, o.mAcc, chunkSums) * (inner / chunkSums.variance);
  return outer / (o.n * nonZero * products.variance);
}
