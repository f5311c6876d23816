/**
 * recipeDense(x, w, recipe, { seed, step }): the product x [M, K] w [K, N] as a differentiable
 * op whose three GEMMs are computed as a GemmRecipe says (recipeMatMul):
 *
 *   FWD   Y  = X W       value
 *   BWD   dX = dY W^T    gradient of x
 *   GRAD  dW = X^T dY    gradient of w
 *
 * each with its operands transformed and quantized per the recipe, then multiplied in float32.
 * A recipe of null or undefined is float32 throughout (tf.matMul and its own gradient).
 *
 * Seeds. Every random choice of a GEMM (the stochastic rounding of its two operands, the signs of
 * its Hadamard transform) is a function of (seed, step, GEMM), recipeGemmSeeds below: the same
 * seed and step give the same bits, and each step draws fresh ones, as the recipes require
 * (Tseng et al. redraw the Hadamard signs for every GEMM call; an estimator whose rounding
 * repeated its draws from step to step would add the same error every step and stop being
 * unbiased over a run). A layer passes its own seed and the number of its earlier calls.
 */
import * as tf from "@tensorflow/tfjs-core";
import { checkInteger, checkSeed } from "../core/checks";
import { hash32 } from "../core/random";
import { type GemmRecipe, GEMM_OPERANDS, recipeMatMul } from "./gemm_recipes";

type Gemm = keyof typeof GEMM_OPERANDS;

/** Where a recipe GEMM draws its random bits from. */
export interface RecipeSeed {
  /** The layer's seed, an integer in [0, 2^32). */
  seed: number;
  /** The call (training step) of the layer, an integer in [0, RECIPE_STEP_MAX]. */
  step: number;
}

/** Streams per step: two operands for each of the three GEMMs. */
const STREAMS_PER_STEP = 2 * Object.keys(GEMM_OPERANDS).length;

/** The largest step: its streams 6 step .. 6 step + 5 stay below 2^32. */
export const RECIPE_STEP_MAX = Math.floor((2 ** 32 - STREAMS_PER_STEP) / STREAMS_PER_STEP);

/**
 * recipeMatMul's options for one GEMM of one step: stochastic rounding from `seed` on streams
 * 6 step + 2 g and 6 step + 2 g + 1 (g = 0, 1, 2 for FWD, BWD, GRAD; recipeMatMul gives its
 * second operand the stream after the first's), and the Hadamard signs from
 * hash32(seed, step, g), one sign vector shared by the GEMM's two operands (which is what
 * keeps their product unchanged) and new for every GEMM and step.
 */
export function recipeGemmSeeds(
  seed: number,
  step: number,
  gemm: Gemm,
): { seed: number; stream: number; hadamardSeed: number } {
  checkSeed("recipeGemmSeeds seed", seed);
  checkInteger("recipeGemmSeeds step", step, 0, RECIPE_STEP_MAX);
  const g = (Object.keys(GEMM_OPERANDS) as Gemm[]).indexOf(gemm);
  if (g < 0)
    throw new RangeError(
      `lowbit: recipeGemmSeeds gemm must be one of "FWD", "BWD", "GRAD"; got ${JSON.stringify(gemm)}`,
    );
  return { seed, stream: STREAMS_PER_STEP * step + 2 * g, hadamardSeed: hash32(seed, step, g) };
}

// tf.customGrad types its function's parameters as a union of tensors and the save function.
type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

/** x [M, K] times w [K, N] with its three GEMMs as `recipe` says (see the module doc). */
export function recipeDense(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  recipe: GemmRecipe | null | undefined,
  { seed, step }: RecipeSeed,
): tf.Tensor2D {
  if (recipe === null || recipe === undefined) return tf.matMul(x, w);
  const fwd = recipeGemmSeeds(seed, step, "FWD"),
    bwd = recipeGemmSeeds(seed, step, "BWD"),
    grad = recipeGemmSeeds(seed, step, "GRAD");
  const f = tf.customGrad(((xs: tf.Tensor2D, ws: tf.Tensor2D, save: (t: tf.Tensor[]) => void) => {
    save([xs, ws]);
    return {
      value: recipeMatMul(xs, ws, recipe, "FWD", fwd),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dy2 = dy as tf.Tensor2D;
        return [recipeMatMul(dy2, sw, recipe, "BWD", bwd), recipeMatMul(sx, dy2, recipe, "GRAD", grad)];
      },
    };
  }) as unknown as CustomGradientFunc) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;
  return f(x, w);
}
