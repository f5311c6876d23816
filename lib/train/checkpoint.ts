/**
 * Checkpoints: everything a training run needs to continue exactly as if it had not stopped:
 * the model's weights, the optimizer's state (Adam's moments and step count, ...), every layer
 * quantizer's call count and state (the streams of stochastic rounding, dynamic fixed point's
 * exponents), and the epochs done with their records. Data order needs nothing: an epoch's
 * shuffle is a function of (seed, epoch). Stored as one JSON file, tensors in base64.
 */
import { readFileSync, writeFileSync, renameSync } from "fs";
import * as tf from "@tensorflow/tfjs";
import { QuantLayer, QUANT_ROLES } from "../layers";
import type { EpochRecord } from "./history";

interface SavedTensor { name: string; shape: number[]; data: string }

interface CheckpointFile {
  format: "lowbit-checkpoint-1";
  epochsDone: number;
  history: EpochRecord[];
  weights: SavedTensor[];
  optimizer: SavedTensor[];
  /** The optimizer's other state variables (Adam's running beta powers), by property name. */
  optimizerState: SavedTensor[];
  /** By layer index (names differ between instances of one architecture), role, and state. */
  quantizers: { layerIndex: number; layer: string; role: string; calls: number; state?: object }[];
}

function encode(name: string, t: tf.Tensor): SavedTensor {
  const data = t.dataSync() as Float32Array;
  return { name, shape: t.shape, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64") };
}

function decode(s: SavedTensor): tf.Tensor {
  const bytes = Buffer.from(s.data, "base64");
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return tf.tensor(values, s.shape, "float32");
}

/**
 * tfjs's Adam and AdaMax keep running products beta^t in variables that getWeights leaves out;
 * setWeights recomputes them with pow(), which can differ from the running product in the last
 * bit. Saving the variables themselves keeps a resumed run bit-identical.
 */
function optimizerStateVariables(optimizer: tf.Optimizer, prefix = ""): [string, tf.Variable][] {
  return Object.entries(optimizer).flatMap(([key, value]): [string, tf.Variable][] => {
    if (value instanceof tf.Variable) return [[prefix + key, value]];
    // A wrapping optimizer (quantizeUpdates) keeps its inner optimizer's state.
    if (value instanceof tf.Optimizer) return optimizerStateVariables(value, `${prefix}${key}.`);
    return [];
  });
}

function layerQuantizers(model: tf.LayersModel) {
  return model.layers.flatMap((layer, layerIndex) => layer instanceof QuantLayer
    ? QUANT_ROLES.filter((role) => layer.quant[role] !== undefined)
      .map((role) => ({ layerIndex, layer: layer.name, role, q: layer.quant[role]! }))
    : []);
}

export async function saveCheckpoint(
  path: string, model: tf.LayersModel, optimizer: tf.Optimizer, epochsDone: number, history: EpochRecord[],
): Promise<void> {
  const file: CheckpointFile = {
    format: "lowbit-checkpoint-1",
    epochsDone,
    history,
    weights: model.getWeights().map((w, i) => encode(String(i), w)),
    optimizer: (await optimizer.getWeights()).map((w) => encode(w.name, w.tensor)),
    optimizerState: optimizerStateVariables(optimizer).map(([key, v]) => encode(key, v)),
    quantizers: layerQuantizers(model).map(({ layerIndex, layer, role, q }) => ({ layerIndex, layer, role, calls: q.calls, state: q.saveState?.() })),
  };
  // Written beside, then renamed: an interrupted save never leaves a half file.
  writeFileSync(`${path}.tmp`, JSON.stringify(file));
  renameSync(`${path}.tmp`, path);
}

/** Restores a checkpoint into a model and optimizer of the same architecture. */
export async function loadCheckpoint(
  path: string, model: tf.LayersModel, optimizer: tf.Optimizer,
): Promise<{ epochsDone: number; history: EpochRecord[] }> {
  const file = JSON.parse(readFileSync(path, "utf8")) as CheckpointFile;
  if (file.format !== "lowbit-checkpoint-1") throw new TypeError(`lowbit: ${path} is not a lowbit checkpoint`);
  const weights = file.weights.map(decode);
  if (weights.length !== model.getWeights().length) {
    throw new RangeError(`lowbit: checkpoint ${path} has ${weights.length} weight tensors, the model ${model.getWeights().length}`);
  }
  model.setWeights(weights);
  tf.dispose(weights);
  const optimizerWeights = file.optimizer.map((s) => ({ name: s.name, tensor: decode(s) }));
  await optimizer.setWeights(optimizerWeights);
  tf.dispose(optimizerWeights.map((w) => w.tensor));
  const stateVariables = new Map(optimizerStateVariables(optimizer));
  for (const saved of file.optimizerState) {
    const value = decode(saved);
    stateVariables.get(saved.name)?.assign(value);
    value.dispose();
  }
  const quantizers = layerQuantizers(model);
  for (const saved of file.quantizers) {
    const target = quantizers.find((q) => q.layerIndex === saved.layerIndex && q.role === saved.role);
    if (target === undefined) {
      throw new RangeError(`lowbit: checkpoint ${path} has a ${saved.role} quantizer for layer ${saved.layerIndex} (${saved.layer}), the model has none`);
    }
    target.q.calls = saved.calls;
    if (saved.state !== undefined) target.q.loadState?.(saved.state);
  }
  return { epochsDone: file.epochsDone, history: file.history };
}
