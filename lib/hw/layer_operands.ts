/**
 * The operands of one weight layer's tensors, as cost() prices them: from a configuration
 * (every layer alike; the first reads the model's input) or read from a model (model_operands.ts).
 * The GEMMs multiply FWD weight x input, BWD weight x error, GRAD error x input.
 */
import type { Gemm } from "../accum/matmul";
import type { AccumulatorSpec } from "./accumulator";
import type { HwConfig } from "./configs";
import type { Operand } from "./operand";

export interface LayerOperands {
  weight: Operand;
  /** A_in: the activations the layer reads (the model's input for the first layer). */
  input: Operand;
  /** A_out: the activations it writes, as they leave its element-wise tail (what the next layer reads). */
  output: Operand;
  /** E at the layer's output: what BWD and GRAD read. */
  error: Operand;
  /** E at the layer's input: what BWD writes, in the format the layer before reads it. */
  inputError: Operand;
  gradient: Operand;
  /** The master weights the update reads and writes. */
  master: Operand;
  accumulator: Readonly<Record<Gemm, AccumulatorSpec>>;
  /** The update is a shift and an add, no multiply. */
  shiftUpdate: boolean;
}

/** The operands of `count` layers under one configuration. */
export function configOperands(config: HwConfig, count: number): LayerOperands[] {
  const accumulator = { FWD: config.accumulator, BWD: config.accumulator, GRAD: config.accumulator };
  return Array.from({ length: count }, (_, i) => ({
    weight: config.weight,
    input: i === 0 ? config.input : config.activation,
    output: config.activation,
    error: config.error,
    inputError: config.error,
    gradient: config.gradient,
    master: config.master,
    accumulator,
    shiftUpdate: config.shiftUpdate,
  }));
}
