/**
 * `lowbit/quant`: number formats and quantizers. A format is a plain JSON value (fixedPoint,
 * floatingPoint with the FP32/FP16/BF16/FP8 presets and the encodings of OCP FP8/MX and P3109:
 * OCP_E4M3, OCP_E5M2, FP6_E2M3, FP6_E3M2, FP4_E2M1, FP8_E4M3FNUZ, FP8_E5M2FNUZ, p3109(); E8M0;
 * integer, powerOfTwo, binary, ternary, blockFloatingPoint, and scaled: element x scale rule x
 * scale format x granularity, with the block formats mx() (MXFP8_E4M3, ..., MXFP4, MXINT8) and
 * NVFP4); formatInfo, formatLabel, encode/decode and checkFormat read it. quantize(x, format,
 * { rounding, seed, randomBits }) rounds a tensor to it (nearest, nearestAway, stochastic, zero,
 * floor/down, up, odd; seeded, bit-identical on every backend), quantizeValue is its float64
 * reference for one value; randomHadamard and the per-GEMM recipes (MXFP8BlockScaling,
 * NVFP4BlockScaling, MXFP4_SR_RHT, ...) build low-bit training recipes, which recipeDense applies
 * to a layer's three GEMMs (seeded per step) and gradEstimateVariance measures; quantizationError
 * gives a format's noise-to-signal ratio and flushed fraction on a tensor; ste and quantizeGradient are the
 * straight-through estimators; dynamicFixedPoint and scaledQuantizer keep scales between calls;
 * WAGE's Q, sigma and shift (Wu et al., ICLR 2018), AP2 (Hubara et al., JMLR 2018) and stochastic
 * quantization of weights (Dong et al., BMVC 2017).
 */
import "../backend";

export * from "./formats";
export { ap2 } from "./ap2";
export { dynamicFixedPoint, DynamicFixedPoint, fracFromMax } from "./dynamic_fixed_point";
export type { DynamicFixedPointOptions, DynamicFixedPointRecord } from "./dynamic_fixed_point";
export { quantize } from "./quantize";
export type { QuantizeOptions } from "./quantize";
export { BASIC_ROUNDINGS, MAX_RANDOM_BITS, ROUNDINGS } from "./rounding";
export type { Rounding } from "./rounding";
export { setQuantizationSeed } from "./seed_stream";
export { quantizeGradient, ste } from "./straight_through";
export type { SteOptions } from "./straight_through";
export { shift, sigma, wageFormat, wageQ } from "./wage";
export * from "./sq";
export * from "./scaled";
export * from "./transforms";
export * from "./gemm_recipes";
export { RECIPE_STEP_MAX, recipeDense, recipeGemmSeeds } from "./recipe_dense";
export type { RecipeSeed } from "./recipe_dense";
export { gradEstimateVariance } from "./grad_estimate_variance";
export { quantizationError } from "./quantization_error";
export type { QuantizationError } from "./quantization_error";
export type { GradEstimateVariance } from "./grad_estimate_variance";
