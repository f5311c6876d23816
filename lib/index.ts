/**
 * lowbit: low-bitwidth training of neural networks, on TensorFlow.js.
 * The public API, by topic; notebooks, scripts, benchmarks and tests import only this.
 */
export * from "./accum";
export * from "./backend";
export * from "./core";
export * from "./data";
export * from "./hw";
export * from "./layers";
export * from "./metrics";
export * from "./models";
export * from "./networks";
export * from "./nb";
export * from "./quant";
export * from "./stats";
export * from "./sweep";
export * from "./train";
export * from "./viz";
export * from "./xnor";
