/**
 * cost(model, { batch, phase }) or cost(model, config, { batch, phase }): what one inference
 * batch or one training step of a network costs, per layer and in total. The first form prices
 * the formats a lowbit model uses, read from its layers' quantizers, accumulation options and
 * training formats (model_operands.ts); the second prices a bit configuration (a preset of
 * HW_CONFIGS or hwConfig({...})) on any network: a tfjs model, a NetworkSpec, or a name from
 * lib/networks' registry (networkNames()). For every weight layer:
 *
 *   GEMMs     inference: FWD (W x A_in, n = C_in k^2); training also BWD (W x E, n = C_out k^2;
 *             not for the first layer, whose input error nothing needs) and GRAD (A_in x E,
 *             n = batch H_out W_out), lengths from lib/accum's gemmShapes. Each has the forward
 *             pass's MACs per example. A_in is the model's input for the first layer.
 *   compute   MACs x macCost(a, b, accumulator), the accumulator of that GEMM for that n
 *             (accumulator.ts: "exact" = FINN-R's no-overflow width, or the operands' float).
 *   update    (training) per kernel weight: lr x G in the master format and an add into the
 *             master weight (only the add when the learning rate is a power of two).
 *   memory    every tensor moved once per use, at the level that holds it whole (memory.ts):
 *             forward: read W (once per batch), read A_in, write A_out; backward: read W, read
 *             E_out, write E_in; gradient: read A_in and E_out, write G; update: read G, read and
 *             write the master weights, write W when its format differs. A batch's activations
 *             form one tensor for the level choice.
 *   bit ops   MACs x bits(a) x bits(b), the usual BOPs count.
 *   FPGA      one matrix-vector unit per GEMM (mvau.ts) of PE x SIMD lanes (clipped to the
 *             matrix), the weights in BRAM at the master width in training; cycles per step.
 *
 * Energies are per step (one batch; inference: one batch of forward passes) in pJ, and per
 * example; MACs and bit ops per example. Not counted: element-wise work (biases, batch norm,
 * activations, pooling, the quantizers themselves), control, and data movement inside the MAC
 * array. The energies rest on the Horowitz 45 nm table (published.ts); everything that is not a
 * published point is lowbit's model, and the source fields say which is which.
 */
import * as tf from "../backend/tf";
import type { Gemm } from "../accum/matmul";
import { gemmShapes, type GemmShape } from "../accum/networks";
import { checkInteger, checkOneOf } from "../core/checks";
import { requireDanfojs } from "../core/danfojs";
import { modelWeightLayers } from "../layers/model_layers";
import type { NetworkLayer } from "../networks/network_layer";
import type { NetworkSpec } from "../networks/network_spec";
import { findNetwork, resolveNetwork } from "../networks/registry";
import { accumulatorFor } from "./accumulator";
import { type HwConfig, resolveHwConfig } from "./configs";
import { DSP_DEVICES, type DspDevice, MULTIPLIER_MAPPINGS, type MultiplierMapping } from "./dsp";
import { configOperands, type LayerOperands } from "./layer_operands";
import { macCost, type MacScheme } from "./mac";
import { memoryLevelFor, memoryLevels, type MemoryLevel } from "./memory";
import { modelOperands } from "./model_operands";
import { type FpgaResources, mvauResources } from "./mvau";
import { type Operand, operandBits, operandName } from "./operand";

/** A tfjs model, a NetworkSpec, or a name from lib/networks' registry. */
export type CostModel = tf.LayersModel | NetworkSpec | string;

export const COST_PHASES = ["inference", "training"] as const;
export type CostPhase = (typeof COST_PHASES)[number];

export interface FpgaOptions {
  /** Processing elements per GEMM unit (default 16), clipped to the matrix height. */
  pe?: number;
  /** Lanes per PE (default 16), clipped to the dot-product length. */
  simd?: number;
  mapping?: MultiplierMapping;
  device?: DspDevice;
}

export interface CostOptions {
  /** Examples per step; default the network's batch (a registered one's or a NetworkSpec's), else 64. */
  batch?: number;
  phase?: CostPhase;
  fpga?: FpgaOptions;
  /** DRAM energy per 64-bit access, pJ (published range 1300-2600; default 1950). */
  dramPj64?: number;
}

export interface GemmCost {
  gemm: Gemm;
  a: string;
  b: string;
  accumulator: string;
  /** Dot-product length. */
  n: number;
  /** MACs per example. */
  macs: number;
  scheme: MacScheme;
  macEnergyPj: number;
  macAreaUm2: number;
  /** Compute energy per step, pJ. */
  computePj: number;
  /** Bit operations per example. */
  bitOps: number;
  /** The GEMM's unit; cycles per step. */
  fpga: FpgaResources;
}

export interface CostFigures {
  /** MACs and bit operations per example, all GEMMs of the phase. */
  macs: number;
  bitOps: number;
  /** Energies per step, pJ. */
  computePj: number;
  updatePj: number;
  memoryPj: number;
  energyPj: number;
  energyPerExamplePj: number;
  /** Bits moved to and from memory per step. */
  memoryBits: number;
  /** Stored weights (kernel at the weight format), bytes. */
  weightBytes: number;
  luts: number;
  dsps: number;
  ffs: number;
  ramb18: number;
  /** Cycles per step, the layers' units running one after the other. */
  cycles: number;
}

export interface LayerCost extends CostFigures {
  layer: string;
  kind: NetworkLayer["kind"];
  /**
   * The operands priced: W, A_in, A_out, E at the output and (not for the first layer, which
   * has no BWD) at the input, G, master weights.
   */
  operands: Record<"weight" | "input" | "output" | "error" | "gradient" | "master", string> & { inputError?: string };
  /** The memory level the weights are read from. */
  weightLevel: string;
  gemms: GemmCost[];
}

export interface CostReport {
  model: string;
  /** The configuration priced; undefined when the formats were read from the model. */
  config: HwConfig | undefined;
  phase: CostPhase;
  batch: number;
  layers: LayerCost[];
  total: CostFigures;
  /** MACs per example by operand pair, e.g. { precision: "int2 x int8", macs }. */
  macsByPrecision: { precision: string; macs: number }[];
  /** One flat record per layer and a "total" row, energies in uJ per step and nJ per example. */
  rows(): Record<string, string | number>[];
  /** rows() as a danfojs DataFrame (needs danfojs-node). */
  toDataFrame(): unknown;
}

/** A cost report of an explicit configuration. */
export interface ConfigCostReport extends CostReport {
  config: HwConfig;
}

const OPTION_KEYS = ["batch", "phase", "fpga", "dramPj64"];
/** The keys that make an object a configuration rather than options. */
const CONFIG_KEYS = ["weight", "activation", "gradient", "error", "input", "accumulator", "master", "shiftUpdate"];

function checkOptions(options: CostOptions): void {
  if (typeof options !== "object" || options === null)
    throw new TypeError("lowbit: cost options must be an object { batch?, phase?, fpga?, dramPj64? }");
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key))
      throw new RangeError(`lowbit: cost options has an unknown entry "${key}"; allowed: ${OPTION_KEYS.join(", ")}`);
  }
  checkOneOf("cost phase", options.phase ?? "inference", COST_PHASES);
  if (options.batch !== undefined) checkInteger("cost batch", options.batch, 1);
}

/** The FPGA options with their defaults, checked. */
function fpgaOptions(options: FpgaOptions = {}): Required<FpgaOptions> {
  const fpga = {
    pe: options.pe ?? 16,
    simd: options.simd ?? 16,
    mapping: options.mapping ?? "auto",
    device: options.device ?? "dsp48e2",
  };
  checkInteger("cost fpga.pe", fpga.pe, 1);
  checkInteger("cost fpga.simd", fpga.simd, 1);
  checkOneOf("cost fpga.mapping", fpga.mapping, MULTIPLIER_MAPPINGS);
  checkOneOf("cost fpga.device", fpga.device, DSP_DEVICES);
  return fpga;
}

interface GemmOperands {
  gemm: Gemm;
  a: Operand;
  b: Operand;
  n: number;
  height: number;
}

function gemmsOf(
  layer: NetworkLayer,
  first: boolean,
  shape: GemmShape,
  ops: LayerOperands,
  phase: CostPhase,
): GemmOperands[] {
  const list: GemmOperands[] = [{ gemm: "FWD", a: ops.weight, b: ops.input, n: shape.fwd, height: layer.cOut }];
  if (phase === "training") {
    if (!first) list.push({ gemm: "BWD", a: ops.weight, b: ops.error, n: shape.bwd, height: layer.cIn });
    // GRAD: dW = E^T A, the errors the matrix (C_out x batch positions), one vector per kernel row.
    list.push({ gemm: "GRAD", a: ops.error, b: ops.input, n: shape.grad, height: layer.cOut });
  }
  return list;
}

function layerCost(
  layer: NetworkLayer,
  first: boolean,
  shape: GemmShape,
  ops: LayerOperands,
  phase: CostPhase,
  batch: number,
  fpga: Required<FpgaOptions>,
  levels: MemoryLevel[],
): LayerCost {
  const bits = operandBits;
  const training = phase === "training";
  const gemms = gemmsOf(layer, first, shape, ops, phase).map((g): GemmCost => {
    const acc = accumulatorFor(g.a, g.b, g.n, ops.accumulator[g.gemm]);
    const mac = macCost(g.a, g.b, acc);
    const unit = mvauResources({
      pe: Math.min(fpga.pe, g.height),
      simd: Math.min(fpga.simd, g.n),
      matrixWidth: g.n,
      matrixHeight: g.height,
      weight: g.a,
      input: g.b,
      accumulatorBits: bits(acc),
      storageBits: g.gemm === "FWD" ? bits(training ? ops.master : ops.weight) : 0,
      mapping: fpga.mapping,
      device: fpga.device,
    });
    // Vectors streamed through the unit per step: output positions (FWD, BWD), weight rows (GRAD).
    const vectors = g.gemm === "GRAD" ? shape.fwd : batch * layer.hOut * layer.wOut;
    return {
      gemm: g.gemm,
      a: operandName(g.a),
      b: operandName(g.b),
      accumulator: operandName(acc),
      n: g.n,
      macs: layer.macs,
      scheme: mac.scheme,
      macEnergyPj: mac.energyPj,
      macAreaUm2: mac.areaUm2,
      computePj: batch * layer.macs * mac.energyPj,
      bitOps: layer.macs * bits(g.a) * bits(g.b),
      fpga: { ...unit, cycles: vectors * unit.cycles },
    };
  });

  // Memory traffic per step: [bits moved, bytes of the tensor they belong to].
  const weightBits = layer.kernelParams * bits(ops.weight);
  const inBits = batch * layer.inputElements * bits(ops.input),
    outBits = batch * layer.outputElements * bits(ops.output);
  const moves: [number, number][] = [
    [weightBits, weightBits / 8],
    [inBits, inBits / 8],
    [outBits, outBits / 8],
  ];
  let updatePj = 0;
  if (training) {
    const errOut = batch * layer.outputElements * bits(ops.error);
    if (!first) {
      const errIn = batch * layer.inputElements * bits(ops.inputError);
      moves.push([weightBits, weightBits / 8], [errOut, errOut / 8], [errIn, errIn / 8]);
    }
    const gradBits = layer.kernelParams * bits(ops.gradient),
      masterBits = layer.kernelParams * bits(ops.master);
    moves.push([inBits, inBits / 8], [errOut, errOut / 8], [gradBits, gradBits / 8]);
    moves.push([gradBits, gradBits / 8], [masterBits, masterBits / 8], [masterBits, masterBits / 8]);
    if (operandName(ops.master) !== operandName(ops.weight)) moves.push([weightBits, weightBits / 8]);
    const step = macCost(ops.master, ops.gradient, ops.master);
    updatePj = layer.kernelParams * (ops.shiftUpdate ? step.accumulate.energyPj : step.energyPj);
  }
  const memoryBits = moves.reduce((s, [b]) => s + b, 0);
  const memoryPj = moves.reduce((s, [b, bytes]) => s + (b / 64) * memoryLevelFor(bytes, levels).energyPj64, 0);
  const computePj = gemms.reduce((s, g) => s + g.computePj, 0);
  const energyPj = computePj + updatePj + memoryPj;
  const sum = (f: (g: GemmCost) => number) => gemms.reduce((s, g) => s + f(g), 0);
  const operands = {
    weight: operandName(ops.weight),
    input: operandName(ops.input),
    output: operandName(ops.output),
    error: operandName(ops.error),
    ...(first ? {} : { inputError: operandName(ops.inputError) }),
    gradient: operandName(ops.gradient),
    master: operandName(ops.master),
  };
  return {
    layer: layer.name,
    kind: layer.kind,
    operands,
    weightLevel: memoryLevelFor(weightBits / 8, levels).name,
    gemms,
    macs: sum((g) => g.macs),
    bitOps: sum((g) => g.bitOps),
    computePj,
    updatePj,
    memoryPj,
    energyPj,
    energyPerExamplePj: energyPj / batch,
    memoryBits,
    weightBytes: weightBits / 8,
    luts: sum((g) => g.fpga.luts),
    dsps: sum((g) => g.fpga.dsps),
    ffs: sum((g) => g.fpga.ffs),
    ramb18: sum((g) => g.fpga.ramb18),
    cycles: sum((g) => g.fpga.cycles),
  };
}

const FIGURES: (keyof CostFigures)[] = [
  "macs",
  "bitOps",
  "computePj",
  "updatePj",
  "memoryPj",
  "energyPj",
  "energyPerExamplePj",
  "memoryBits",
  "weightBytes",
  "luts",
  "dsps",
  "ffs",
  "ramb18",
  "cycles",
];

function flatRow(label: string, kind: string, f: CostFigures, weightLevel: string): Record<string, string | number> {
  return {
    layer: label,
    kind,
    macs: f.macs,
    bitOps: f.bitOps,
    computeUJ: f.computePj / 1e6,
    memoryUJ: f.memoryPj / 1e6,
    updateUJ: f.updatePj / 1e6,
    energyUJ: f.energyPj / 1e6,
    nJPerExample: f.energyPerExamplePj / 1e3,
    weightKiB: f.weightBytes / 1024,
    weightMemory: weightLevel,
    luts: f.luts,
    dsps: f.dsps,
    ffs: f.ffs,
    ramb18: f.ramb18,
    cycles: f.cycles,
  };
}

/** The weight layers of a network given by name, spec or tfjs model. */
function networkOf(model: CostModel): { name: string; batch?: number; layers: readonly NetworkLayer[] } {
  if (model instanceof tf.LayersModel)
    return { name: model.name, layers: modelWeightLayers(model).map((w) => w.figures) };
  if (typeof model !== "string" && (typeof model !== "object" || model === null)) {
    throw new TypeError(
      "lowbit: cost model must be a tfjs LayersModel, a NetworkSpec { name, dataset, batch, layers } or a network name",
    );
  }
  return resolveNetwork("cost", model);
}

/** The layers and operands of a model, or of a registered network's model (built, read, disposed). */
function modelFormats(model: CostModel): {
  network: { name: string; batch?: number; layers: readonly NetworkLayer[] };
  operands: LayerOperands[];
} {
  if (model instanceof tf.LayersModel) {
    const read = modelOperands(model);
    return { network: { name: model.name, layers: read.layers }, operands: read.operands };
  }
  const registered = typeof model === "string" ? findNetwork("cost", model) : undefined;
  if (registered?.build === undefined) {
    throw new TypeError(
      "lowbit: cost needs a configuration (a preset name or hwConfig({...})) for a network given as data (a NetworkSpec or a spec's name): only a model carries its formats",
    );
  }
  const built = registered.build();
  try {
    return { network: registered, operands: modelOperands(built).operands };
  } finally {
    built.dispose();
  }
}

/**
 * The cost of one step of `model`: in a configuration (a preset name of HW_CONFIGS or an
 * HwConfig), or, without one, in the formats the lowbit model `model` uses (a model of the zoo
 * by its registered name: wageLeNet5's 2-8-8-8, qnnMlp's binary weights and activations, ...).
 */
export function cost(model: CostModel, config: HwConfig | string, options?: CostOptions): ConfigCostReport;
export function cost(model: tf.LayersModel | string, options?: CostOptions): CostReport;
export function cost(
  model: CostModel,
  configOrOptions?: HwConfig | string | CostOptions,
  maybeOptions?: CostOptions,
): CostReport {
  const configGiven =
    typeof configOrOptions === "string" ||
    (typeof configOrOptions === "object" && configOrOptions !== null && CONFIG_KEYS.some((k) => k in configOrOptions));
  const options: CostOptions = (configGiven ? maybeOptions : (configOrOptions as CostOptions | undefined)) ?? {};
  checkOptions(options);
  const { phase = "inference", dramPj64 } = options;
  const fpga = fpgaOptions(options.fpga);
  let cfg: HwConfig | undefined,
    network: { name: string; batch?: number; layers: readonly NetworkLayer[] },
    operands: LayerOperands[];
  if (configGiven) {
    cfg = resolveHwConfig(configOrOptions as HwConfig | string);
    network = networkOf(model);
    operands = configOperands(cfg, network.layers.length);
  } else {
    const read = modelFormats(model);
    network = read.network;
    operands = read.operands;
  }
  const batch = options.batch ?? network.batch ?? 64;
  const levels = memoryLevels(dramPj64);
  const shapes = gemmShapes({ name: network.name, dataset: "", batch, layers: network.layers }, { batch });
  const layers = network.layers.map((l, i) =>
    layerCost(l, i === 0, shapes[i], operands[i], phase, batch, fpga, levels),
  );
  const total = Object.fromEntries(
    FIGURES.map((k) => [k, layers.reduce((s, l) => s + l[k], 0)]),
  ) as unknown as CostFigures;
  total.energyPerExamplePj = total.energyPj / batch;
  const byPrecision = new Map<string, number>();
  for (const g of layers.flatMap((l) => l.gemms))
    byPrecision.set(`${g.a} x ${g.b}`, (byPrecision.get(`${g.a} x ${g.b}`) ?? 0) + g.macs);
  const rows = () => [
    ...layers.map((l) => flatRow(l.layer, l.kind, l, l.weightLevel)),
    flatRow("total", "", total, ""),
  ];
  return {
    model: network.name,
    config: cfg,
    phase,
    batch,
    layers,
    total,
    macsByPrecision: [...byPrecision].map(([precision, macs]) => ({ precision, macs })),
    rows,
    toDataFrame: () => {
      const dfd = requireDanfojs("CostReport.toDataFrame");
      return new dfd.DataFrame(rows());
    },
  };
}
