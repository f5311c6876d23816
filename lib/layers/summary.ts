/**
 * A model summary for low-bitwidth networks, in the spirit of Larq's: per layer its class,
 * output shape, parameter count, the bit widths of W, A, G and E, the memory its weights take
 * at those widths, and its multiply-accumulates per example split by precision. The hardware
 * cost model reads the rows, so every quantity is a plain field:
 *
 *   bits.weight       bits of the kernel the layer multiplies with (quant.weight's, else 32)
 *   bits.activation   bits of the layer's output: quant.activation's; 1 for a "sign" activation
 *                     without one; a layer that only moves values (max pooling, flatten, reshape,
 *                     dropout, padding) keeps its input's; every other layer 32
 *   bits.gradient     bits of its kernel's gradient (quant.gradient's, else 32)
 *   bits.error        bits of the error it sends back (quant.error's, else 32)
 *   weightMemoryBits  kernel elements x bits.weight + every other parameter (biases, batch-norm
 *                     statistics, embeddings) x 32: what inference has to store
 *   macs              multiply-accumulates of one example's forward pass: for a kernel of shape
 *                     [...K, units], prod(K) per output element (dense, conv); for QuantLstm, per
 *                     time step (inputDim + units) x 4 units, times the sequence length when the
 *                     input shape gives it (else per step)
 *   macsByPrecision   the same MACs grouped by "WxA": kernel bits times the bits of the operand
 *                     it multiplies, e.g. "2x8"; the operand's bits are bits.activation of the
 *                     layer feeding it (options.inputBits for the model's input)
 *
 * Element-wise work (bias, batch norm, activations, pooling) is not counted in MACs.
 */
import type * as tf from "../backend/tf";
import { QuantLayer } from "./quant_layer";
import { QuantConv2d } from "./quant_conv2d";
import { QuantLstm } from "./quant_lstm";

export interface LayerBits {
  weight: number;
  activation: number;
  gradient: number;
  error: number;
}

export interface MacGroup {
  /** "WxA", e.g. "1x1" for a binary layer fed by binary activations. */
  precision: string;
  weightBits: number;
  activationBits: number;
  macs: number;
}

export interface SummaryRow {
  layer: string;
  kind: string;
  /** Output shape of one example (the batch dimension dropped). */
  outputShape: (number | null)[];
  params: number;
  trainableParams: number;
  bits: LayerBits;
  weightMemoryBits: number;
  weightMemoryBytes: number;
  macs: number;
  macsByPrecision: MacGroup[];
}

export interface SummaryTotals {
  params: number;
  trainableParams: number;
  weightMemoryBits: number;
  weightMemoryBytes: number;
  /** The same parameters all in float32, and its ratio to weightMemoryBits. */
  float32MemoryBits: number;
  memoryCompression: number;
  macs: number;
  macsByPrecision: MacGroup[];
}

export interface ModelSummary {
  model: string;
  rows: SummaryRow[];
  totals: SummaryTotals;
  /** The table as text, one line per layer and a totals line. */
  toString(): string;
}

export interface SummaryOptions {
  /** Bits of the model's input (default 32: real-valued pixels). */
  inputBits?: number;
}

/** Layers that only move or select values: their output has their input's format. */
export const MOVES_VALUES: ReadonlySet<string> = new Set([
  "MaxPooling1D",
  "MaxPooling2D",
  "MaxPooling3D",
  "GlobalMaxPooling1D",
  "GlobalMaxPooling2D",
  "Flatten",
  "Reshape",
  "Dropout",
  "SpatialDropout1D",
  "Permute",
  "ZeroPadding2D",
  "Cropping2D",
  "RepeatVector",
]);

/** Whether a layer variable is a kernel (the weights W of a product). */
export const isKernel = (v: tf.LayerVariable) => /(^|\/)kernel$/.test(v.originalName ?? v.name);
const size = (shape: readonly (number | null)[]) => shape.reduce<number>((a, d) => a * (d ?? 1), 1);

function layerBits(layer: tf.layers.Layer, inputBits: number): LayerBits {
  if (layer instanceof QuantLayer) {
    const q = layer.quant;
    const activation = q.activation?.bits ?? (layer.activationName === "sign" ? 1 : 32);
    return { weight: q.weight?.bits ?? 32, activation, gradient: q.gradient?.bits ?? 32, error: q.error?.bits ?? 32 };
  }
  return { weight: 32, activation: MOVES_VALUES.has(layer.getClassName()) ? inputBits : 32, gradient: 32, error: 32 };
}

function group(weightBits: number, activationBits: number, macs: number): MacGroup {
  return { precision: `${weightBits}x${activationBits}`, weightBits, activationBits, macs };
}

function addGroups(into: MacGroup[], groups: MacGroup[]): MacGroup[] {
  for (const g of groups) {
    const same = into.find((h) => h.precision === g.precision);
    if (same) same.macs += g.macs;
    else into.push({ ...g });
  }
  return into;
}

function layerMacs(layer: tf.layers.Layer, bits: LayerBits, inputBits: number): MacGroup[] {
  if (layer instanceof QuantLstm) {
    const shapes = (layer.inboundNodes[0]?.inputShapes ?? []) as (number | null)[] | (number | null)[][];
    const inShape = (Array.isArray(shapes[0]) ? shapes[0] : shapes) as (number | null)[];
    const steps = inShape.length === 3 && inShape[1] !== null ? inShape[1] : 1;
    const gates = 4 * layer.units;
    return addGroups(
      [],
      [
        group(bits.weight, inputBits, steps * layer.inputDim * gates),
        group(bits.weight, bits.activation, steps * layer.units * gates),
      ],
    );
  }
  const kernel = layer.weights.find(isKernel);
  if (kernel === undefined) return [];
  const out = layer.outputShape as (number | null)[];
  // A convolution that max-pools inside computes pool^2 outputs per output value.
  const pooled = layer instanceof QuantConv2d && layer.pool !== undefined ? layer.pool ** 2 : 1;
  return [group(bits.weight, inputBits, size(kernel.shape.slice(0, -1)) * size(out.slice(1)) * pooled)];
}

function predecessorBits(layer: tf.layers.Layer, bitsByLayer: Map<tf.layers.Layer, number>, inputBits: number): number {
  const from = layer.inboundNodes[0]?.inboundLayers[0];
  return (from && bitsByLayer.get(from)) ?? inputBits;
}

export function summary(model: tf.LayersModel, options: SummaryOptions = {}): ModelSummary {
  const { inputBits = 32 } = options;
  if (!(Number.isInteger(inputBits) && inputBits >= 1 && inputBits <= 32)) {
    throw new RangeError(`lowbit: summary inputBits must be an integer in [1, 32]; got ${inputBits}`);
  }
  const outputBits = new Map<tf.layers.Layer, number>();
  const rows = model.layers.map((layer): SummaryRow => {
    const inBits = predecessorBits(layer, outputBits, inputBits);
    const bits = layerBits(layer, inBits);
    outputBits.set(layer, bits.activation);
    let weightMemoryBits = 0,
      params = 0,
      trainableParams = 0;
    for (const v of layer.weights) {
      const n = size(v.shape);
      params += n;
      if (v.trainable) trainableParams += n;
      weightMemoryBits += n * (layer instanceof QuantLayer && isKernel(v) ? bits.weight : 32);
    }
    const macsByPrecision = layerMacs(layer, bits, inBits);
    const outShape = layer.outputShape as (number | null)[] | (number | null)[][];
    return {
      layer: layer.name,
      kind: layer.getClassName(),
      outputShape: (Array.isArray(outShape[0]) ? outShape[0] : (outShape as (number | null)[])).slice(1),
      params,
      trainableParams,
      bits,
      weightMemoryBits,
      weightMemoryBytes: weightMemoryBits / 8,
      macs: macsByPrecision.reduce((a, g) => a + g.macs, 0),
      macsByPrecision,
    };
  });
  const sum = (f: (r: SummaryRow) => number) => rows.reduce((a, r) => a + f(r), 0);
  const params = sum((r) => r.params),
    weightMemoryBits = sum((r) => r.weightMemoryBits);
  const totals: SummaryTotals = {
    params,
    trainableParams: sum((r) => r.trainableParams),
    weightMemoryBits,
    weightMemoryBytes: weightMemoryBits / 8,
    float32MemoryBits: params * 32,
    memoryCompression: weightMemoryBits > 0 ? (params * 32) / weightMemoryBits : 1,
    macs: sum((r) => r.macs),
    macsByPrecision: rows.reduce<MacGroup[]>((acc, r) => addGroups(acc, r.macsByPrecision), []),
  };
  return { model: model.name, rows, totals, toString: () => renderSummary(model.name, rows, totals) };
}

const count = (n: number) => n.toLocaleString("en-US");

function bytes(b: number): string {
  if (b < 1024) return `${count(b)} B`;
  if (b < 1024 ** 2) return `${(b / 1024).toFixed(2)} KiB`;
  return `${(b / 1024 ** 2).toFixed(2)} MiB`;
}

const macText = (groups: MacGroup[]) => groups.map((g) => `${count(g.macs)} ${g.precision}`).join(", ");

function renderSummary(name: string, rows: SummaryRow[], totals: SummaryTotals): string {
  const header = ["layer (kind)", "output shape", "params", "W/A/G/E bits", "weight memory", "MACs (WxA)"];
  const lines = rows.map((r) => [
    `${r.layer} (${r.kind})`,
    `[${r.outputShape.map((d) => d ?? "?").join(", ")}]`,
    count(r.params),
    `${r.params > 0 ? r.bits.weight : "-"}/${r.bits.activation}/${r.bits.gradient}/${r.bits.error}`,
    bytes(r.weightMemoryBytes),
    macText(r.macsByPrecision),
  ]);
  const total = [
    "total",
    "",
    count(totals.params),
    "",
    bytes(totals.weightMemoryBytes),
    `${count(totals.macs)}: ${macText(totals.macsByPrecision)}`,
  ];
  const table = [header, ...lines, total];
  const widths = header.map((_, c) => Math.max(...table.map((line) => line[c].length)));
  const right = new Set([2, 4]);
  const format = (line: string[]) =>
    line
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  const rule = "-".repeat(widths.reduce((a, w) => a + w + 2, -2));
  const float32 = `weights in float32: ${bytes(totals.float32MemoryBits / 8)}, ${totals.memoryCompression.toFixed(2)}x the memory`;
  return [`model ${name}`, rule, format(header), rule, ...lines.map(format), rule, format(total), float32].join("\n");
}
