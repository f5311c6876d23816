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
