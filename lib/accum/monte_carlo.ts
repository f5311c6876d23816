/**
 * monteCarloVrr(): the variance retention ratio measured with the bit-true accumulate(): each
 * trial draws n products N(0, 1) rounded to mP mantissa bits (zero with probability
 * `sparsity`), sums them with accumulate() and exactly (float64), and the ratio
 * sum(computed^2) / sum(exact^2) over the trials estimates Var(computed) / Var(exact). Using
 * the same products in numerator and denominator (common random numbers) cancels most of the
 * sampling noise of either variance alone when the two sums are close; where the sum stalls
 * they decorrelate and the estimate needs many more trials: monteCarloVrrEstimate() gives
 * its standard error. As in vrr(), an accumulator format gives its `man` and the sums run with
 * an unbounded exponent: the reference of the model, which has no exponent range.
 */
import { checkInteger } from "../core/checks";
import { Rng } from "../core/random";
import { accumulate } from "./accumulate";
import { nearestSplitter } from "./rounding";
import { checkVrrOptions, type VrrOptions } from "./vrr";

export interface MonteCarloVrrOptions extends VrrOptions {
  /** Number of sums drawn: an integer in [2, 2^24]. */
  trials: number;
  /** Seed of the products (trial t uses stream t) and of stochastic rounding. */
  seed: number;
}

/**
 * n products of trial `trial`: Box-Muller normals rounded to nearest-even mP bits. The two
 * uniforms of a pair are 32-bit words (w + 1/2) 2^-32: normals reach 6.6 sigma, plenty for a
 * variance, at half the cost of 53-bit draws (generation, not accumulation, is what a
 * Monte-Carlo VRR spends its time on).
 */
export function gaussianProducts(
  n: number,
  mP: number,
  sparsity: number,
  seed: number,
  trial: number,
  out = new Float32Array(n),
): Float32Array {
  const rng = new Rng(seed, trial);
  const K = nearestSplitter(mP);
  const unit = 2 ** -32;
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log((rng.uint32() + 0.5) * unit)),
      angle = 2 * Math.PI * (rng.uint32() * unit);
    const z0 = r * Math.cos(angle),
      z1 = r * Math.sin(angle);
    let k = z0 * K;
    out[i] = sparsity > 0 && rng.next() < sparsity ? 0 : k - (k - z0);
    if (i + 1 < n) {
      k = z1 * K;
      out[i + 1] = sparsity > 0 && rng.next() < sparsity ? 0 : k - (k - z1);
    }
  }
  return out;
}

/** A Monte-Carlo VRR with its standard error (delta method for the ratio of the two sums). */
export interface VrrEstimate {
  vrr: number;
  standardError: number;
  trials: number;
}

export function monteCarloVrrEstimate(options: MonteCarloVrrOptions): VrrEstimate {
  const o = checkVrrOptions("monteCarloVrr", options, [1, 23]);
  checkInteger("monteCarloVrr mP (products are held in float32)", o.mP, 1, 23);
  checkInteger("monteCarloVrr trials", options.trials, 2, 2 ** 24);
  checkInteger("monteCarloVrr seed", options.seed, 0, 2 ** 32 - 1);
  const trials = options.trials;
  const products = new Float32Array(o.n);
  const computedSquares = new Float64Array(trials),
    exactSquares = new Float64Array(trials);
  let computed = 0,
    exact = 0;
  for (let t = 0; t < trials; t++) {
    gaussianProducts(o.n, o.mP, o.sparsity, options.seed, t, products);
    let sum = 0;
    for (let i = 0; i < o.n; i++) sum += products[i];
    const s = accumulate(products, {
      mantissaBits: o.mAcc,
      rounding: o.rounding,
      chunk: o.chunk,
      seed: options.seed,
      stream: t,
    });
    computedSquares[t] = s * s;
    exactSquares[t] = sum * sum;
    computed += s * s;
    exact += sum * sum;
  }
  if (exact === 0) return { vrr: 1, standardError: 0, trials };
  const ratio = computed / exact,
    meanExact = exact / trials;
  // Var(R) ~ Var(c^2 - R x^2) / (T mean(x^2)^2): the linearised ratio of means.
  let residual = 0;
  for (let t = 0; t < trials; t++) residual += (computedSquares[t] - ratio * exactSquares[t]) ** 2;
  const standardError = Math.sqrt(residual / (trials - 1) / trials) / meanExact;
  return { vrr: ratio, standardError, trials };
}

export function monteCarloVrr(options: MonteCarloVrrOptions): number {
  return monteCarloVrrEstimate(options).vrr;
}
