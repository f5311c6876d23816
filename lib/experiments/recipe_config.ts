/**
 * The `recipe` key of an experiment that trains with a GEMM recipe: "FP32" (null: float32 GEMMs)
 * or the name of one of GEMM_RECIPES, checked against the lengths its blocks, tiles and Hadamard
 * transforms run along (recipeBlockLengths: 32 for MX, 16 for NVFP4, 128 for Float8BlockScaling).
 * `lengths` names each length a recipe's blocks must divide, e.g. { dModel: 128, "batch * length": 1024 }.
 */
import type { GemmRecipe } from "../quant";
import type { ConfigReader } from "./config";

export function recipeFromConfig(
  experiment: string,
  read: ConfigReader,
  lengths: Readonly<Record<string, number>>,
): GemmRecipe | null {
  // Loaded when a run needs it: TensorFlow.js takes a second to load, and a sweep of another
  // experiment should not pay it in every worker.
  const { GEMM_RECIPES, recipeBlockLengths } = require("../quant") as typeof import("../quant");
  const name = read.oneOf("recipe", "FP32", ["FP32", ...GEMM_RECIPES.map((r) => r.name)]);
  const recipe = GEMM_RECIPES.find((r) => r.name === name) ?? null;
  for (const b of recipe === null ? [] : recipeBlockLengths(recipe))
    for (const [what, length] of Object.entries(lengths))
      if (length % b !== 0)
        throw new RangeError(
          `lowbit: experiment "${experiment}" ${what} must be a multiple of ${b} (recipe ${name}'s blocks and Hadamard transforms run in ${b}s along it); got ${length}`,
        );
  return recipe;
}
