/**
 * gradEstimateVariance(x, dy, recipe, { draws, seed }): how a recipe's weight gradient
 * dW = X^T dY (its GRAD GEMM, recipeMatMul) scatters over its random draws for one fixed batch,
 * measured against the exact product (float64 sums of the float32 operands).
 *
 * Why: stochastic rounding makes each draw an unbiased estimate of dW whose variance grows with
 * the blocks' outliers (one large element sets the block's scale, and every other element is
 * rounded on that coarse grid); a random Hadamard transform spreads the outliers over the block
 * first, which is the variance bound of Tseng, Yu and Park ("Training LLMs with MXFP4", AISTATS
 * 2025, section 4). Comparing a recipe with and without its transform on a real batch shows it.
 * Draw d takes the random bits of step d of `seed` (recipeGemmSeeds): the draws of a recipe
 * with a transform differ in their Hadamard signs as well as in their rounding, as in training.
 * Note that an estimate can be biased even with stochastic rounding: a scale rule that clips the
 * block's largest values (OCP MX's floor rule puts them up to 8 on FP4's grid, whose largest
 * value is 6) saturates them; `bias` against `standardError` shows it.
 */
import * as tf from "@tensorflow/tfjs-core";
import { checkInteger, checkSeed } from "../core/checks";
import { checkGemmRecipe, type GemmRecipe, recipeMatMul } from "./gemm_recipes";
import { recipeGemmSeeds } from "./recipe_dense";

export interface GradEstimateVariance {
  draws: number;
  /** Per element of dW, the variance of one draw's estimate (sample variance over the draws), averaged over the elements. */
  variance: number;
  /** variance over the mean square of the exact dW: the noise of one draw relative to the signal. */
  relativeVariance: number;
  /** Root mean square over the elements of (mean of the draws - exact): the bias left after averaging. */
  bias: number;
  /** sqrt(variance / draws): the bias an unbiased estimator shows from this many draws, for comparison. */
  standardError: number;
  /** Mean over the elements and the draws of (estimate - exact)^2. */
  meanSquaredError: number;
}

function checkOperand(what: string, t: unknown): asserts t is tf.Tensor2D {
  if (!(t instanceof tf.Tensor) || t.rank !== 2 || t.dtype !== "float32")
    throw new TypeError(`lowbit: gradEstimateVariance ${what} must be a 2-D float32 tensor`);
}

/** X^T dY in float64, row-major [K, N], from x [M, K] and dy [M, N]. */
function exactGrad(x: Float32Array, dy: Float32Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(k * n);
  for (let r = 0; r < m; r++)
    for (let i = 0; i < k; i++) {
      const a = x[r * k + i];
      if (a === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += a * dy[r * n + j];
    }
  return out;
}

export function gradEstimateVariance(
  x: tf.Tensor2D,
  dy: tf.Tensor2D,
  recipe: GemmRecipe,
  options: { draws?: number; seed?: number } = {},
): GradEstimateVariance {
  checkOperand("x", x);
  checkOperand("dy", dy);
  if (x.shape[0] !== dy.shape[0])
    throw new RangeError(
      `lowbit: gradEstimateVariance x and dy must have the same rows (the batch); got ${x.shape[0]} and ${dy.shape[0]}`,
    );
  checkGemmRecipe("gradEstimateVariance recipe", recipe);
  const { draws = 32, seed = 0 } = options;
  checkInteger("gradEstimateVariance draws", draws, 2, 1_000_000);
  checkSeed("gradEstimateVariance seed", seed);
  const [m, k] = x.shape,
    n = dy.shape[1];
  const exact = exactGrad(x.dataSync() as Float32Array, dy.dataSync() as Float32Array, m, k, n);
  // Welford's running mean and sum of squared deviations per element, in float64.
  const mean = new Float64Array(k * n),
    m2 = new Float64Array(k * n);
  let squaredError = 0;
  for (let d = 0; d < draws; d++) {
    const estimate = recipeMatMul(x, dy, recipe, "GRAD", recipeGemmSeeds(seed, d, "GRAD"));
    const values = estimate.dataSync();
    estimate.dispose();
    for (let i = 0; i < values.length; i++) {
      const v = values[i],
        delta = v - mean[i];
      mean[i] += delta / (d + 1);
      m2[i] += delta * (v - mean[i]);
      squaredError += (v - exact[i]) ** 2;
    }
  }
  let variance = 0,
    bias = 0,
    signal = 0;
  for (let i = 0; i < exact.length; i++) {
    variance += m2[i] / (draws - 1);
    bias += (mean[i] - exact[i]) ** 2;
    signal += exact[i] ** 2;
  }
  const size = exact.length;
  variance /= size;
  return {
    draws,
    variance,
    relativeVariance: signal > 0 ? variance / (signal / size) : Number.NaN,
    bias: Math.sqrt(bias / size),
    standardError: Math.sqrt(variance / draws),
    meanSquaredError: squaredError / (size * draws),
  };
}
