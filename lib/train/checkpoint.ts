/**
 * Checkpoints: everything a training run needs to continue exactly as if it had not stopped:
 * the model's weights, the optimizer's state (Adam's moments and running beta powers, the step
 * count of every optimizer in a wrapper chain), every quantizer's call count and state (the
 * streams of stochastic rounding, dynamic fixed point's exponents, WAGE's eta) in the layers, in
 * LSTM gates and in storeQuantized / quantizeUpdates, the call count of every quantDense with a
 * GEMM recipe (the step its random bits come from), the position of the global stream sequence
 * (stochastic rounding without a seed), and the epochs done with their records. Data order
 * needs nothing: an epoch's shuffle is a function of (seed, epoch).
 *
 * The payload is one JSON document, tensors in base64, in a file with a SHA-256 digest
 * (checkpoint_file.ts). Loading checks the digest, then that the model's signature (layer
 * classes, names, weight names, shapes and dtypes, quantizer configurations) and the optimizer
 * chain's classes are the saved ones; every error names the file and the mismatch, and a failed
 * load changes nothing.
 */
import * as tf from "../backend/tf";
import { checkInteger } from "../core/checks";
import { QuantDense, QuantLayer, QuantLstm, QUANT_ROLES } from "../layers";
import type { TensorQuantizer } from "../layers";
import { DynamicFixedPoint } from "../quant";
import { quantizationStream, restoreQuantizationStream } from "../quant/seed_stream";
import type { EpochRecord } from "./history";
import { QuantizedStorageOptimizer } from "./quantized_storage";
import { QuantizedUpdateOptimizer } from "./quantized_update";
import { readCheckpointFile, writeCheckpointFile } from "./checkpoint_file";
import { chainName, isA, optimizerChain, setSlots, slotsOf, stateVariables } from "./optimizer_state";

interface SavedTensor {
  name: string;
  shape: number[];
  dtype: "float32" | "int32";
  data: string;
}

interface SavedQuantizer {
  key: string;
  description: string;
  calls: number;
  state?: object;
}

interface LayerSignature {
  className: string;
  name: string;
  weights: { name: string; shape: number[]; dtype: string }[];
  quantizers: { role: string; description: string }[];
}

/** One optimizer of the chain wrapper -> ... -> inner optimizer that computes the update. */
interface SavedOptimizer {
  className: string;
  iterations: number;
  /** Slot tensors (moments, accumulators), as the optimizer's getWeights lists them. */
  slots: SavedTensor[];
  /** Variables outside getWeights (Adam's running beta powers), by property name. */
  variables: SavedTensor[];
  /** The wrapper's quantizers: "update", or "weight <index in model.weights>" for storage. */
  quantizers: SavedQuantizer[];
}

interface CheckpointPayload {
  epochsDone: number;
  history: EpochRecord[];
  model: LayerSignature[];
  weights: SavedTensor[];
  optimizers: SavedOptimizer[];
  /** Layer quantizers by layer index (names differ between instances of one architecture) and role. */
  quantizers: (SavedQuantizer & { layerIndex: number })[];
  /** The global stream sequence of stochastic rounding calls made without a seed. */
  globalStream: { seed: number; next: number };
  /** Call counts of the quantDense layers with a GEMM recipe, by layer index (absent in older files). */
  recipeCalls?: { layerIndex: number; calls: number }[];
}

function encode(name: string, t: tf.Tensor): SavedTensor {
  if (t.dtype !== "float32" && t.dtype !== "int32")
    throw new TypeError(`lowbit: saveCheckpoint can store float32 and int32 tensors; ${name} is ${t.dtype}`);
  const data = t.dataSync() as Float32Array | Int32Array;
  return {
    name,
    shape: t.shape,
    dtype: t.dtype,
    data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64"),
  };
}

function decode(path: string, s: SavedTensor): tf.Tensor {
  const bytes = Buffer.from(s.data, "base64");
  const size = s.shape.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== 4 * size) {
    throw new TypeError(
      `lowbit: checkpoint ${path}: tensor ${s.name} has ${bytes.byteLength} bytes for shape [${s.shape.join(", ")}] (expected ${4 * size})`,
    );
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return tf.tensor(s.dtype === "int32" ? new Int32Array(buffer) : new Float32Array(buffer), s.shape, s.dtype);
}

/**
 * tfjs names a slot after its variable ("fc/kernel_3/m"), and variable names get a suffix per
 * instance: the file says "weight 2/m" instead (the index in model.weights), which holds across
 * instances and processes, and loading puts the current variable's name back.
 */
function slotNameInFile(model: tf.LayersModel, name: string): string {
  const i = model.weights.findIndex((w) => name.startsWith(`${(w.read() as tf.Variable).name}/`));
  return i < 0 ? name : `weight ${i}/${name.slice((model.weights[i].read() as tf.Variable).name.length + 1)}`;
}

function slotNameInModel(model: tf.LayersModel, name: string): string {
  const match = /^weight (\d+)\/(.*)$/.exec(name);
  const w = match === null ? undefined : model.weights[Number(match[1])];
  return w === undefined ? name : `${(w.read() as tf.Variable).name}/${match![2]}`;
}

/** The stateful quantizers of one optimizer of the chain, by a key that holds across instances. */
function optimizerQuantizers(optimizer: tf.Optimizer, model: tf.LayersModel): { key: string; q: TensorQuantizer }[] {
  if (isA(optimizer, QuantizedUpdateOptimizer)) return [{ key: "update", q: optimizer.quantizer }];
  if (!isA(optimizer, QuantizedStorageOptimizer)) return [];
  // By index in model.weights: variable names get a suffix per instance (kernel_1, ...).
  return model.weights.flatMap((w, i) => {
    const q = optimizer.quantizers.get((w.read() as tf.Variable).name);
    return q === undefined ? [] : [{ key: `weight ${i}`, q }];
  });
}

function layerQuantizers(model: tf.LayersModel): { layerIndex: number; role: string; q: TensorQuantizer }[] {
  return model.layers.flatMap((layer, layerIndex) => {
    if (!(layer instanceof QuantLayer)) return [];
    const roles = QUANT_ROLES.flatMap((role) =>
      layer.quant[role] === undefined ? [] : [{ role: role as string, q: layer.quant[role]! }],
    );
    const gates =
      layer instanceof QuantLstm
        ? (["input", "output"] as const).flatMap((g) =>
            layer.gates[g] === undefined ? [] : [{ role: `gates.${g}`, q: layer.gates[g]! }],
          )
        : [];
    return [...roles, ...gates].map(({ role, q }) => ({ layerIndex, role, q }));
  });
}

/** The quantDense layers that compute their GEMMs by a recipe, with their index in model.layers. */
function recipeLayers(model: tf.LayersModel): { layerIndex: number; layer: QuantDense }[] {
  return model.layers.flatMap((layer, layerIndex) =>
    layer instanceof QuantDense && layer.recipe !== null ? [{ layerIndex, layer }] : [],
  );
}

/**
 * A quantizer's configuration as far as it shows: label and bits, and for dynamic fixed point
 * the exponent rule, which the label leaves out.
 */
function describeQuantizer(q: TensorQuantizer): string {
  const dfp = (q as { dfp?: unknown }).dfp;
  if (!(dfp instanceof DynamicFixedPoint)) return `${q.label} (${q.bits} bits)`;
  return (
    `${q.label} (${q.bits} bits; ${dfp.granularity} exponent "${dfp.exponent}" every ${dfp.updateEvery} calls` +
    `${dfp.exponent === "overflow" ? `, overflow rate <= ${dfp.maxOverflowRate}` : ""})`
  );
}

/** tfjs names unnamed layers `<snake_case>_<ClassName><counter>`; the counter differs per instance. */
function layerName(layer: tf.layers.Layer): string {
  const className = layer.getClassName();
  return new RegExp(`_${className}\\d+$`).test(layer.name) ? `(unnamed ${className})` : layer.name;
}

function modelSignature(model: tf.LayersModel): LayerSignature[] {
  const quantizers = layerQuantizers(model);
  return model.layers.map((layer, i) => ({
    className: layer.getClassName(),
    name: layerName(layer),
    weights: layer.weights.map((w) => ({
      name: w.originalName.startsWith(`${layer.name}/`) ? w.originalName.slice(layer.name.length + 1) : w.originalName,
      shape: w.shape as number[],
      dtype: w.dtype,
    })),
    quantizers: quantizers
      .filter((q) => q.layerIndex === i)
      .map(({ role, q }) => ({ role, description: describeQuantizer(q) })),
  }));
}

/** Throws a RangeError naming the file and the first difference between the saved signature and the model's. */
function checkSignature(path: string, saved: LayerSignature[], model: tf.LayersModel): void {
  const current = modelSignature(model);
  const fail = (what: string, inFile: unknown, inModel: unknown) => {
    throw new RangeError(
      `lowbit: checkpoint ${path} does not fit this model: ${what} is ${JSON.stringify(inFile)} in the checkpoint, ${JSON.stringify(inModel)} in the model`,
    );
  };
  if (saved.length !== current.length) fail("the number of layers", saved.length, current.length);
  saved.forEach((s, i) => {
    const c = current[i];
    const at = `layer ${i} (${c.name})`;
    if (s.className !== c.className) fail(`the class of ${at}`, s.className, c.className);
    if (s.name !== c.name) fail(`the name of layer ${i}`, s.name, c.name);
    const weights = (w: LayerSignature["weights"]) => w.map((x) => `${x.name} ${x.dtype}[${x.shape.join(",")}]`);
    if (JSON.stringify(weights(s.weights)) !== JSON.stringify(weights(c.weights)))
      fail(`the weights of ${at}`, weights(s.weights), weights(c.weights));
    const quant = (q: LayerSignature["quantizers"]) => q.map((x) => `${x.role}: ${x.description}`);
    if (JSON.stringify(quant(s.quantizers)) !== JSON.stringify(quant(c.quantizers)))
      fail(`the quantizers of ${at}`, quant(s.quantizers), quant(c.quantizers));
  });
}

function saveQuantizer(key: string, q: TensorQuantizer): SavedQuantizer {
  return { key, description: describeQuantizer(q), calls: q.calls, state: q.saveState?.() };
}

function checkQuantizer(
  path: string,
  where: string,
  saved: SavedQuantizer,
  q: TensorQuantizer | undefined,
): TensorQuantizer {
  if (q === undefined)
    throw new RangeError(`lowbit: checkpoint ${path} has a quantizer ${where}, the model and optimizer have none`);
  if (describeQuantizer(q) !== saved.description) {
    throw new RangeError(
      `lowbit: checkpoint ${path}: the quantizer ${where} is "${saved.description}" in the checkpoint, "${describeQuantizer(q)}" here`,
    );
  }
  return q;
}

function restoreQuantizer(saved: SavedQuantizer, q: TensorQuantizer): void {
  q.calls = saved.calls;
  if (saved.state !== undefined) q.loadState?.(saved.state);
}

function checkArguments(what: string, path: unknown, model: unknown, optimizer: unknown): void {
  if (typeof path !== "string" || path === "")
    throw new TypeError(`lowbit: ${what} path must be a non-empty string; got ${JSON.stringify(path)}`);
  if (!(model instanceof tf.LayersModel))
    throw new TypeError(`lowbit: ${what} model must be a tf.LayersModel (tf.sequential, tf.model, a lowbit model)`);
  if (!(optimizer instanceof tf.Optimizer)) throw new TypeError(`lowbit: ${what} optimizer must be a tf.Optimizer`);
}

export async function saveCheckpoint(
  path: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  epochsDone: number,
  history: EpochRecord[],
): Promise<void> {
  checkArguments("saveCheckpoint", path, model, optimizer);
  checkInteger("saveCheckpoint epochsDone", epochsDone, 0);
  if (!Array.isArray(history)) throw new TypeError("lowbit: saveCheckpoint history must be an array of epoch records");
  const optimizers: SavedOptimizer[] = [];
  for (const o of optimizerChain(optimizer)) {
    optimizers.push({
      className: o.getClassName(),
      iterations: o.iterations,
      slots: (await slotsOf(o)).map((s) => encode(slotNameInFile(model, s.name), s.tensor)),
      variables: stateVariables(o).map(([key, v]) => encode(key, v)),
      quantizers: optimizerQuantizers(o, model).map(({ key, q }) => saveQuantizer(key, q)),
    });
  }
  const weights = model.getWeights();
  const payload: CheckpointPayload = {
    epochsDone,
    history,
    model: modelSignature(model),
    weights: weights.map((w, i) => encode(String(i), w)),
    optimizers,
    quantizers: layerQuantizers(model).map(({ layerIndex, role, q }) => ({ layerIndex, ...saveQuantizer(role, q) })),
    globalStream: quantizationStream(),
    recipeCalls: recipeLayers(model).map(({ layerIndex, layer }) => ({ layerIndex, calls: layer.recipeCalls })),
  };
  writeCheckpointFile(path, JSON.stringify(payload));
}

/**
 * Restores a checkpoint into a model and optimizer of the same architecture, made as for the
 * saved run (fresh or used: every saved state replaces the current one).
 */
export async function loadCheckpoint(
  path: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
): Promise<{ epochsDone: number; history: EpochRecord[] }> {
  checkArguments("loadCheckpoint", path, model, optimizer);
  const file = readCheckpointFile(path) as CheckpointPayload;
  checkSignature(path, file.model, model);
  const chain = optimizerChain(optimizer);
  const savedKinds = file.optimizers.map((o) => o.className),
    kinds = chain.map((o) => o.getClassName());
  if (JSON.stringify(savedKinds) !== JSON.stringify(kinds)) {
    throw new RangeError(
      `lowbit: checkpoint ${path} holds the state of a ${chainName(savedKinds)} optimizer, not of a ${chainName(kinds)}`,
    );
  }

  // Everything is checked and decoded before the model or optimizer changes.
  const quantizers = layerQuantizers(model);
  const layerTargets = file.quantizers.map((saved) => {
    const target = quantizers.find((q) => q.layerIndex === saved.layerIndex && q.role === saved.key);
    return checkQuantizer(path, `${saved.key} of layer ${saved.layerIndex}`, saved, target?.q);
  });
  const optimizerTargets = file.optimizers.map((saved, i) =>
    saved.quantizers.map((q) => {
      const o = chain[i];
      const weightIndex = /^weight (\d+)$/.exec(q.key);
      const weight = weightIndex === null ? undefined : model.weights[Number(weightIndex[1])];
      const target =
        isA(o, QuantizedStorageOptimizer) && weight !== undefined
          ? o.quantizerOf((weight.read() as tf.Variable).name)
          : isA(o, QuantizedUpdateOptimizer) && q.key === "update"
            ? o.quantizer
            : undefined;
      return checkQuantizer(path, `of ${saved.className} (${q.key})`, q, target);
    }),
  );
  const variableTargets = file.optimizers.map((saved, i) => {
    const variables = new Map(stateVariables(chain[i]));
    return saved.variables.map((s) => {
      const target = variables.get(s.name);
      if (target === undefined)
        throw new RangeError(
          `lowbit: checkpoint ${path} has a state variable ${s.name} that this ${saved.className} lacks`,
        );
      return target;
    });
  });
  const recipeTargets = (file.recipeCalls ?? []).map((saved) => {
    const target = recipeLayers(model).find((r) => r.layerIndex === saved.layerIndex);
    if (target === undefined)
      throw new RangeError(
        `lowbit: checkpoint ${path} has the recipe step count of layer ${saved.layerIndex}, which has no GEMM recipe in this model`,
      );
    return target.layer;
  });
  // A file that records step counts (every file written since recipes were saved) has one for each recipe layer.
  const unsaved = recipeLayers(model).find((r) => !(file.recipeCalls ?? []).some((s) => s.layerIndex === r.layerIndex));
  if (file.recipeCalls !== undefined && unsaved !== undefined)
    throw new RangeError(
      `lowbit: checkpoint ${path} has no recipe step count for layer ${unsaved.layerIndex} (${unsaved.layer.name}), which has a GEMM recipe in this model`,
    );
  const weights = file.weights.map((s) => decode(path, s));
  const slots = file.optimizers.map((saved) =>
    saved.slots.map((s) => ({ name: slotNameInModel(model, s.name), tensor: decode(path, s) })),
  );
  const variables = file.optimizers.map((saved) => saved.variables.map((s) => decode(path, s)));

  model.setWeights(weights);
  for (const [i, saved] of file.optimizers.entries()) {
    const previous = await slotsOf(chain[i]);
    await setSlots(chain[i], saved.iterations, slots[i]);
    // setWeights replaces the slot variables without disposing the old ones.
    tf.dispose(previous.map((s) => s.tensor));
    variableTargets[i].forEach((target, k) => target.assign(variables[i][k]));
    saved.quantizers.forEach((q, k) => restoreQuantizer(q, optimizerTargets[i][k]));
  }
  file.quantizers.forEach((saved, k) => restoreQuantizer(saved, layerTargets[k]));
  (file.recipeCalls ?? []).forEach((saved, k) => (recipeTargets[k].recipeCalls = saved.calls));
  restoreQuantizationStream(file.globalStream);
  tf.dispose([...weights, ...slots.flat().map((s) => s.tensor), ...variables.flat()]);
  return { epochsDone: file.epochsDone, history: file.history };
}
