/**
 * `lowbit/accum`: accumulation in low precision. accumulate() is the bit-true accumulator (a float
 * or fixed-point format, nearest / zero / stochastic rounding, chunks); lowPrecisionMatMul,
 * lowPrecisionDense and lowPrecisionConv2d run GEMMs through it (the layers' `accumulation`
 * option); vrr() is the variance retention ratio of Sakr et al. (ICLR 2019), monteCarloVrr its
 * simulation, minAccumulatorBits the smallest accumulator mantissa it allows, accumulationTable
 * the same per GEMM (FWD, BWD, GRAD) of a registered network. MMA_PRESETS and mmaDot model real
 * matrix units; gemmErrors and summarizeGemmErrors measure a GEMM against the exact product.
 */
import "../backend";

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
export { MMA_PRESETS } from "./mma_presets";
export type { FmaUnit, MmaPreset, MmaPresetName } from "./mma_presets";
export { mmaDot } from "./mma_dot";
export type { MmaDotOptions } from "./mma_dot";
export type { FusedDotAddUnit, UnitFormat, UnitOutput } from "./fused_dot_add";
export { fmaDot } from "./fma";
export type { FmaDotOptions } from "./fma";
export { kahanSum } from "./kahan";
export type { KahanSumOptions } from "./kahan";
export { pairwiseSum } from "./pairwise";
export type { PairwiseSumOptions } from "./pairwise";
export { promotedSum } from "./promoted_sum";
export type { PromotedSumOptions } from "./promoted_sum";
export { integerDot } from "./integer_dot";
export type { IntegerDotOptions } from "./integer_dot";
export { presetSwamping } from "./preset_swamping";
export { gemmErrors, summarizeGemmErrors } from "./gemm_errors";
export type { GemmErrors, GemmErrorSummary } from "./gemm_errors";
export { toPresetInput } from "./preset_input";
export type { PresetSwamping, PresetSwampingOptions, PresetSwampingRow } from "./preset_swamping";
