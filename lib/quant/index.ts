export * from "./formats";
export { quantize } from "./quantize";
export type { QuantizeOptions } from "./quantize";
export { ROUNDINGS } from "./rounding";
export type { Rounding } from "./rounding";
export { setQuantizationSeed } from "./seed_stream";
export { quantizeGradient, ste } from "./straight_through";
export type { SteOptions } from "./straight_through";
export { shift, sigma, wageQ } from "./wage";
