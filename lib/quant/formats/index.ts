export { binary } from "./binary";
export type { BinaryFormat } from "./binary";
export { blockFloatingPoint } from "./block_floating_point";
export type { BlockFloatingPointFormat, BlockFloatingPointOptions } from "./block_floating_point";
export { FIXED_POINT_OVERFLOWS, fixedPoint, fixedPointRange } from "./fixed_point";
export type { FixedPointFormat, FixedPointOptions, FixedPointOverflow } from "./fixed_point";
export { E8M0, e8m0 } from "./e8m0";
export type { E8M0Format } from "./e8m0";
export {
  BF16,
  FLOAT_ENCODINGS,
  FP16,
  FP32,
  FP4_E2M1,
  FP6_E2M3,
  FP6_E3M2,
  FP8_E4M3,
  FP8_E4M3FNUZ,
  FP8_E5M2,
  FP8_E5M2FNUZ,
  floatEncoding,
  floatingPoint,
  floatingPointRange,
  OCP_E4M3,
  OCP_E5M2,
  p3109,
  P3109_SATURATIONS,
} from "./floating_point";
export type { FloatEncoding, FloatingPointFormat, FloatingPointOptions, P3109Saturation } from "./floating_point";
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
