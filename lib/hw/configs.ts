/**
 * Bit configurations of training, one per paper lowbit reproduces, as the hardware sees them: the
 * operand of every tensor (W weights, A activations, G weight gradients, E errors), the model's
 * input, the accumulator of the GEMMs, and the master weights the update writes. The GEMMs then
 * multiply: FWD W x A (the layer's input activations), BWD W x E, GRAD A x E.
 */
import { checkOneOf } from "../core/checks";
import type { Format } from "../quant/formats";
import type { AccumulatorSpec } from "./accumulator";
import {
  BINARY_OPERAND,
  FP16_OPERAND,
  FP32_OPERAND,
  floatOperand,
  intOperand,
  type Operand,
  operandOf,
  TERNARY_OPERAND,
} from "./operand";

export interface HwConfig {
  name: string;
  description: string;
  /** Where the configuration comes from. */
  source: string;
  weight: Operand;
  activation: Operand;
  gradient: Operand;
  error: Operand;
  /** The model's input (pixels). */
  input: Operand;
  accumulator: AccumulatorSpec;
  /** The weights the update reads and writes (the forward pass reads `weight`). */
  master: Operand;
  /** The learning rate is a power of two: the update is a shift and an add, no multiply. */
  shiftUpdate: boolean;
}

/** A config written by hand: any quant Format or Operand per tensor; omitted ones are FP32. */
export interface HwConfigOptions {
  name?: string;
  description?: string;
  source?: string;
  weight?: Operand | Format;
  activation?: Operand | Format;
  gradient?: Operand | Format;
  error?: Operand | Format;
  input?: Operand | Format;
  accumulator?: AccumulatorSpec;
  master?: Operand | Format;
  shiftUpdate?: boolean;
}

export function hwConfig(options: HwConfigOptions): HwConfig {
  if (typeof options !== "object" || options === null)
    throw new TypeError(
      "lowbit: hwConfig takes options { weight, activation, gradient, error, input, accumulator, master, shiftUpdate }",
    );
  const op = (key: "weight" | "activation" | "gradient" | "error" | "input" | "master") =>
    options[key] === undefined ? FP32_OPERAND : operandOf(`hwConfig ${key}`, options[key]!);
  const accumulator = options.accumulator ?? "exact";
  if (accumulator !== "exact") operandOf("hwConfig accumulator", accumulator);
  return {
    name: options.name ?? "custom",
    description: options.description ?? "",
    source: options.source ?? "user",
    weight: op("weight"),
    activation: op("activation"),
    gradient: op("gradient"),
    error: op("error"),
    input: op("input"),
    accumulator,
    master: op("master"),
    shiftUpdate: options.shiftUpdate ?? false,
  };
}

const fp = (bits: 16 | 32) => (bits === 16 ? FP16_OPERAND : FP32_OPERAND);
const floatAll = (bits: 16 | 32) => ({ weight: fp(bits), activation: fp(bits), gradient: fp(bits), error: fp(bits) });
const int8 = intOperand(8);

/** The papers' configurations by name. */
export const HW_CONFIGS: Readonly<Record<string, HwConfig>> = Object.fromEntries(
  [
    hwConfig({
      name: "fp32",
      ...floatAll(32),
      accumulator: FP32_OPERAND,
      description: "FP32 everything",
      source: "the baseline of every paper",
    }),
    hwConfig({
      name: "fp16",
      ...floatAll(16),
      input: FP16_OPERAND,
      accumulator: FP16_OPERAND,
      master: FP16_OPERAND,
      description: "FP16 everything, FP16 accumulation",
      source:
        "WAGE's FP16 comparison (Wu et al., ICLR 2018, section 6); FP16 accumulators, unlike mixed-precision hardware",
    }),
    hwConfig({
      name: "fp16-mixed",
      ...floatAll(16),
      accumulator: FP32_OPERAND,
      description: "FP16 operands, FP32 accumulation and master weights",
      source: "mixed-precision practice (Micikevicius et al. 2018), for reference",
    }),
    hwConfig({
      name: "wage-2888",
      weight: intOperand(2),
      activation: int8,
      gradient: int8,
      error: int8,
      input: int8,
      master: int8,
      shiftUpdate: true,
      description: "WAGE 2-8-8-8: integer W, A, G, E; weights stored on the k_G grid; eta a power of 2",
      source: "Wu et al., ICLR 2018",
    }),
    hwConfig({
      name: "dfp8",
      weight: int8,
      activation: int8,
      gradient: int8,
      error: int8,
      input: int8,
      master: int8,
      description: "8-bit dynamic fixed point for W, A, G, E, stochastic rounding on the 8-bit update",
      source: "Su et al., J. Semicond. 2020",
    }),
    hwConfig({
      name: "bnn",
      weight: BINARY_OPERAND,
      activation: BINARY_OPERAND,
      description: "QNN 1-bit: binary W and A, float G and E, FP32 master weights, real-valued input",
      source: "Hubara et al., JMLR 2017",
    }),
    hwConfig({
      name: "qnn-w1a2",
      weight: BINARY_OPERAND,
      activation: intOperand(2),
      description: "QNN: binary W, 2-bit A (the AlexNet setting), float G and E",
      source: "Hubara et al., JMLR 2017",
    }),
    hwConfig({
      name: "qnn-w1a4",
      weight: BINARY_OPERAND,
      activation: intOperand(4),
      description: "QNN: binary W, 4-bit A, float G and E",
      source: "Hubara et al., JMLR 2017",
    }),
    hwConfig({
      name: "qnn-w2a2",
      weight: intOperand(2),
      activation: intOperand(2),
      description: "QNN: 2-bit W and A, float G and E",
      source: "Hubara et al., JMLR 2017",
    }),
    hwConfig({
      name: "sq-bwn",
      weight: BINARY_OPERAND,
      accumulator: FP32_OPERAND,
      description: "SQ-BWN at ratio 100%: binary (scaled) weights, everything else FP32",
      source: "Dong et al., BMVC 2017",
    }),
    hwConfig({
      name: "sq-twn",
      weight: TERNARY_OPERAND,
      accumulator: FP32_OPERAND,
      description: "SQ-TWN at ratio 100%: ternary (scaled) weights, everything else FP32",
      source: "Dong et al., BMVC 2017",
    }),
    hwConfig({
      name: "fp8-acc16",
      weight: floatOperand(5, 2),
      activation: floatOperand(5, 2),
      gradient: floatOperand(5, 2),
      error: floatOperand(5, 2),
      accumulator: FP16_OPERAND,
      description: "FP8 (e5m2) operands with an FP16 accumulator, FP32 master weights",
      source: "the setting Sakr et al. (ICLR 2019) analyse; accumulator width: notebook 05 predicts it per GEMM",
    }),
  ].map((c) => [c.name, c]),
);

/** A config by name, or a config object as is. */
export function resolveHwConfig(config: HwConfig | string): HwConfig {
  if (typeof config === "string") {
    checkOneOf("cost config", config, Object.keys(HW_CONFIGS));
    return HW_CONFIGS[config];
  }
  if (typeof config !== "object" || config === null || typeof config.weight !== "object") {
    throw new TypeError(
      `lowbit: cost config must be a preset name (${Object.keys(HW_CONFIGS).join(", ")}) or an HwConfig (hwConfig({...}))`,
    );
  }
  return config;
}
