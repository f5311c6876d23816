/** Accumulation precision: the bit-true accumulator, the analytic VRR model and its uses. */
export { accumulate } from "./accumulate";
export type { AccumulatorFormat, AccumulatorOptions } from "./accumulate";
export { ACCUMULATOR_ROUNDINGS } from "./rounding";
export type { AccumulatorRounding } from "./rounding";
export { vrr } from "./vrr";
export type { VrrOptions } from "./vrr";
export { monteCarloVrr, monteCarloVrrEstimate } from "./monte_carlo";
export type { MonteCarloVrrOptions, VrrEstimate } from "./monte_carlo";
export { DEFAULT_VRR_TOLERANCE, minAccumulatorBits } from "./min_bits";
export type { AccumulatorCriterion, MinAccumulatorBitsOptions } from "./min_bits";
export { GEMMS, lowPrecisionDense, lowPrecisionMatMul, lowPrecisionMatMulArray } from "./matmul";
export type { EmulatedAccumulation, Gemm, LowPrecisionMatMulOptions, MatrixArray } from "./matmul";
export { lowPrecisionConv2d } from "./conv2d";
export type { LowPrecisionConv2dOptions } from "./conv2d";
export { accumulationTable, gemmShapes } from "./networks";
export type { AccumulationRow, AccumulationTableOptions, GemmShape } from "./networks";
