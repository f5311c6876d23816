import type { FixedPointFormat } from "./fixed_point";
import type { FloatingPointFormat } from "./floating_point";

export { fixedPoint, fixedPointRange } from "./fixed_point";
export type { FixedPointFormat, FixedPointOptions } from "./fixed_point";
export { BF16, FP16, FP32, FP8_E4M3, FP8_E5M2, floatingPoint, floatingPointRange } from "./floating_point";
export type { FloatingPointFormat, FloatingPointOptions } from "./floating_point";

/** A number format that quantize() rounds to element by element. */
export type Format = FixedPointFormat | FloatingPointFormat;
