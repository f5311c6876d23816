/**
 * `lowbit/hw`: hardware cost. cost(model, { phase, batch }) prices a model in its own formats, and
 * cost(model, config, ...) in a bit configuration (HW_CONFIGS, hwConfig): MACs, energy per step,
 * memory traffic and FPGA resources per layer and GEMM. Its parts: energy and area per operation
 * (Horowitz 2014 at 45 nm, HOROWITZ_45NM, and laws for other widths: intAdd, floatMultiply, ...),
 * operands of any format, MAC units (macCost), accumulator widths (FINN-R), memory levels, and
 * FPGA estimates (LUTs, DSP packing, RAMB18, mvauResources).
 */
import "../backend";

export { HOROWITZ_2014, HOROWITZ_45NM, MEMORY_READS_45NM, PUBLISHED_FLOAT_FORMATS, publishedOpCost } from "./published";
export type { ArithmeticOp, PublishedMemoryRead, PublishedOpCost } from "./published";
export { bitCell, floatAdd, floatLawCoefficients, floatMultiply, intAdd, intMultiply } from "./operation_cost";
export type { OpCost } from "./operation_cost";
export {
  BINARY_OPERAND,
  FP16_OPERAND,
  FP32_OPERAND,
  TERNARY_OPERAND,
  floatOperand,
  intOperand,
  logOperand,
  operandBits,
  operandName,
  operandOf,
} from "./operand";
export type { Operand } from "./operand";
export { accumulatorFor, finnAccumulatorBits } from "./accumulator";
export type { AccumulatorSpec } from "./accumulator";
export { macCost } from "./mac";
export type { MacCost, MacScheme } from "./mac";
export { DEFAULT_DRAM_PJ64, accessEnergy, memoryLevelFor, memoryLevels, sramReadEnergy } from "./memory";
export type { MemoryLevel } from "./memory";
export { adderTreeLuts, lutMultiplierLuts, popcountTreeLuts } from "./fpga_luts";
export { DSP_DEVICES, DSP_MULTIPLIER, MULTIPLIER_MAPPINGS, dspsPerMultiply } from "./dsp";
export type { DspDevice, MultiplierMapping } from "./dsp";
export { RAMB18_SHAPES, ramb18Count } from "./bram";
export { mvauResources } from "./mvau";
export type { FpgaResources, MvauOptions } from "./mvau";
export { HW_CONFIGS, hwConfig } from "./configs";
export type { HwConfig, HwConfigOptions } from "./configs";
export { COST_PHASES, cost } from "./cost";
export type {
  ConfigCostReport,
  CostFigures,
  CostModel,
  CostOptions,
  CostPhase,
  CostReport,
  FpgaOptions,
  GemmCost,
  LayerCost,
} from "./cost";
