/** Scaled formats: element x scale rule x scale format x granularity (issue 18). */
export { quantizeScaled, scaledElements, elementMax } from "./quantize_scaled";
export type { ScaledQuantizeOptions } from "./quantize_scaled";
export { ScaledQuantizer, scaledQuantizer } from "./scaled_quantizer";
export type { ScaledQuantizerRecord, ScaledQuantizerState } from "./scaled_quantizer";
export {
  blockFloatingPointAsScaled,
  bwnFormat,
  dynamicFixedPointFormat,
  logQuantizerFormat,
  twnFormat,
  wageErrorFormat,
  wageGradientFormat,
} from "./instances";
