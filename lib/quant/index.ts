export * from "./formats";
export { quantize } from "./quantize";
export type { QuantizeOptions } from "./quantize";
export { ROUNDINGS } from "./rounding";
export type { Rounding } from "./rounding";
export { setQuantizationSeed } from "./seed_stream";
export { shift, sigma, wageQ } from "./wage";
