/** Scaled formats: element x scale rule x scale format x granularity (issue 18). */
export type { ScaledQuantizeOptions } from "./quantize_scaled";
export { ScaledQuantizer, scaledQuantizer } from "./scaled_quantizer";
export type { ScaledQuantizerRecord, ScaledQuantizerState } from "./scaled_quantizer";
export {
  bwnFormat,
  dynamicFixedPointFormat,
  logQuantizerFormat,
  twnFormat,
  wageErrorFormat,
  wageGradientFormat,
} from "./instances";
export {
  MX_SCALE_ROUNDINGS,
  mx,
  MXFP4,
  MXFP6_E2M3,
  MXFP6_E3M2,
  MXFP8_E4M3,
  MXFP8_E5M2,
  MXINT8,
  NVFP4,
  nvfp4,
} from "./block_formats";
export type { BlockSize, MxOptions } from "./block_formats";
