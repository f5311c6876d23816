/**
 * monteCarloVrr(): the variance retention ratio measured with the bit-true accumulate(): each
 * trial draws n products N(0, 1) rounded to mP mantissa bits (zero with probability
 * `sparsity`), sums them with accumulate() and exactly (float64), and the ratio
 * sum(computed^2) / sum(exact^2) over the trials estimates Var(computed) / Var(exact). Using
 * the same products in numerator and denominator (common random numbers) cancels most of the
 * sampling noise of either variance alone when the two sums are close.
 */
import { checkInteger } from "../core/checks";
import { Rng } from "../core/random";
import { accumulate } from "./accumulate";
import { nearestConstants } from "./rounding";
import { checkVrrOptions, VrrOptions } from "./vrr";

export interface MonteCarloVrrOptions extends VrrOptions {
  /** Number of sums drawn: an integer in [2, 2^24]. */
  trials: number;
  /** Seed of the products (trial t uses stream t) and of stochastic rounding. */
  seed: number;
}

/** n products of trial `trial`: Box-Muller normals rounded to nearest-even mP bits. */
export function gaussianProducts(n: number, mP: number, sparsity: number, seed: number, trial: number, out = new Float32Array(n)): Float32Array {
  const rng = new Rng(seed, trial);
  const { K, S } = nearestConstants(mP);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.next())), angle = 2 * Math.PI * rng.next();
    const z0 = r * Math.cos(angle), z1 = r * Math.sin(angle);
    let k = z0 * K;
    out[i] = sparsity > 0 && rng.next() < sparsity ? 0 : k - z0 * S;
    if (i + 1 < n) {
      k = z1 * K;
      out[i + 1] = sparsity > 0 && rng.next() < sparsity ? 0 : k - z1 * S;
    }
  }
  return out;
}

export function monteCarloVrr(options: MonteCarloVrrOptions): number {
  const o = checkVrrOptions("monteCarloVrr", options, [1, 23]);
  checkInteger("monteCarloVrr mP (products are held in float32)", o.mP, 1, 23);
  checkInteger("monteCarloVrr trials", options.trials, 2, 2 ** 24);
  checkInteger("monteCarloVrr seed", options.seed, 0, 2 ** 32 - 1);
  const products = new Float32Array(o.n);
  let computed = 0, exact = 0;
  for (let t = 0; t < options.trials; t++) {
    gaussianProducts(o.n, o.mP, o.sparsity, options.seed, t, products);
    let sum = 0;
    for (let i = 0; i < o.n; i++) sum += products[i];
    const s = accumulate(products, {
      mantissaBits: o.mAcc, rounding: o.rounding, chunk: o.chunk, seed: options.seed, stream: t,
    });
    computed += s * s;
    exact += sum * sum;
  }
  return exact === 0 ? 1 : computed / exact;
}
