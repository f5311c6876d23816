/** Stochastic quantization (SQ) of BWN/TWN weights, Dong et al., BMVC 2017. */
export { bwnPerChannel, twnPerChannel, SQ_BASES } from "./per_channel";
export type { PerChannelQuantized, SqBase } from "./per_channel";
export { relativeErrors, SQ_GRANULARITIES } from "./relative_error";
export type { SqGranularity } from "./relative_error";
export { roulette } from "./roulette";
export { hybridWeight } from "./hybrid";
export { SQ_SCHEDULE, keptRealCount } from "./schedule";
export { stochasticQuantize, SQ_PROBABILITIES } from "./stochastic_quantize";
export type { SqProbability, StochasticQuantized, StochasticQuantizeOptions } from "./stochastic_quantize";
