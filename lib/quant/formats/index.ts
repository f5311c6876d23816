export { binary } from "./binary";
export type { BinaryFormat } from "./binary";
export { blockFloatingPoint } from "./block_floating_point";
export type { BlockFloatingPointFormat, BlockFloatingPointOptions } from "./block_floating_point";
export { FIXED_POINT_OVERFLOWS, fixedPoint, fixedPointRange } from "./fixed_point";
export type { FixedPointFormat, FixedPointOptions, FixedPointOverflow } from "./fixed_point";
export { BF16, FP16, FP32, FP8_E4M3, FP8_E5M2, floatingPoint, floatingPointRange } from "./floating_point";
export type { FloatingPointFormat, FloatingPointOptions } from "./floating_point";
export type { FormatArithmetic, FormatInfo, FormatKind } from "./format_kind";
export { integer, integerRange } from "./integer";
export type { IntegerFormat, IntegerOptions } from "./integer";
export { powerOfTwo, powerOfTwoRange } from "./power_of_two";
export type { PowerOfTwoFormat, PowerOfTwoOptions } from "./power_of_two";
export {
  FORMAT_KINDS,
  MAX_CODE_BITS,
  checkFormat,
  decode,
  encode,
  formatArithmetic,
  formatBits,
  formatInfo,
  formatLabel,
  quantizeValue,
  scaled,
} from "./registry";
export type { Format } from "./registry";
export { exponentScale, powerOfTwoScale, SCALE_ROUNDINGS, SCALE_RULES } from "./scaled";
export type { Granularity, ScaledFormat, ScaledOptions, ScaleFormat, ScaleRounding, ScaleRule } from "./scaled";
export { ternary } from "./ternary";
export type { TernaryFormat } from "./ternary";
export { twnThreshold } from "./twn_threshold";
