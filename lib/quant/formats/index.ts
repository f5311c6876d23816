import type { BinaryFormat } from "./binary";
import type { BlockFloatingPointFormat } from "./block_floating_point";
import type { FixedPointFormat } from "./fixed_point";
import type { FloatingPointFormat } from "./floating_point";
import type { IntegerFormat } from "./integer";
import type { PowerOfTwoFormat } from "./power_of_two";
import type { ScaledFormat } from "./scaled";
import type { TernaryFormat } from "./ternary";

export { binary } from "./binary";
export type { BinaryFormat } from "./binary";
export { blockFloatingPoint } from "./block_floating_point";
export type { BlockFloatingPointFormat, BlockFloatingPointOptions } from "./block_floating_point";
export { fixedPoint, fixedPointRange } from "./fixed_point";
export type { FixedPointFormat, FixedPointOptions } from "./fixed_point";
export { BF16, FP16, FP32, FP8_E4M3, FP8_E5M2, floatingPoint, floatingPointRange } from "./floating_point";
export type { FloatingPointFormat, FloatingPointOptions } from "./floating_point";
export { integer, integerRange } from "./integer";
export type { IntegerFormat, IntegerOptions } from "./integer";
export { powerOfTwo, powerOfTwoRange } from "./power_of_two";
export type { PowerOfTwoFormat, PowerOfTwoOptions } from "./power_of_two";
export { checkFormat, scaled } from "./check_format";
export { exponentScale, powerOfTwoScale, scaledLabel, SCALE_ROUNDINGS, SCALE_RULES } from "./scaled";
export type { Granularity, ScaledFormat, ScaledOptions, ScaleFormat, ScaleRounding, ScaleRule } from "./scaled";
export { ternary } from "./ternary";
export type { TernaryFormat } from "./ternary";
export { twnThreshold } from "./twn_threshold";

/** A number format that quantize() rounds to: element-wise, or with statistics of the tensor. */
export type Format =
  | FixedPointFormat | FloatingPointFormat | IntegerFormat | PowerOfTwoFormat | BinaryFormat
  | TernaryFormat | BlockFloatingPointFormat | ScaledFormat;
