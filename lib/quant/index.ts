/**
 * `lowbit/quant`: number formats and quantizers. A format is a plain JSON value (fixedPoint,
 * floatingPoint with the FP32/FP16/BF16/FP8 presets, integer, powerOfTwo, binary, ternary,
 * blockFloatingPoint, and scaled: element x scale rule x scale format x granularity); formatInfo,
 * formatLabel, encode/decode and checkFormat read it. quantize(x, format, { rounding, seed }) rounds
 * a tensor to it (nearest, stochastic, zero, floor; seeded, bit-identical on every backend),
 * quantizeValue is its float64 reference for one value; ste and quantizeGradient are the
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
export { ROUNDINGS } from "./rounding";
export type { Rounding } from "./rounding";
export { setQuantizationSeed } from "./seed_stream";
export { quantizeGradient, ste } from "./straight_through";
export type { SteOptions } from "./straight_through";
export { shift, sigma, wageFormat, wageQ } from "./wage";
export * from "./sq";
export * from "./scaled";
