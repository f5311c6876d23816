/**
 * The weight layers of a network as the cost model needs them: their GEMM shapes (lib/accum's
 * LayerSpec: C_in, C_out, k, H_out, W_out, so gemmShapes gives FWD/BWD/GRAD lengths), forward
 * MACs, kernel and other parameters, and the activations they read and write. From:
 *   a tfjs model   summary() (lib/layers) gives MACs and parameters per layer; the kernel's shape
 *                  gives C_in, k and C_out; the output shape H_out, W_out. A dense layer on a
 *                  sequence, and QuantLstm (C_in = inputDim + units, C_out = 4 units), run once
 *                  per time step: H_out = steps, W_out = 1.
 *   a NetworkSpec  lib/accum's plain specs (ResNet-32/18, AlexNet, VGG-7). They have no biases,
 *                  and their input sizes are not recorded: lowbit takes C_in H_out W_out, exact
 *                  for same-padded stride-1 layers, an underestimate after a stride or valid
 *                  padding (traffic only).
 *   a name         a model of lib/models (COST_MODELS) or of lib/accum's NETWORKS.
 * Layers that tfjs named itself ("conv2d_Conv2D25": the counter changes with every model built)
 * are called by kind and position instead: conv0, conv1, dense2, ...
 */
import * as tf from "@tensorflow/tfjs";
import { LayerSpec, NETWORKS, NetworkSpec } from "../accum/networks";
import { summary } from "../layers/summary";
import { QuantLstm } from "../layers/quant_lstm";
import { charLstm } from "../models/char_lstm";
import { lenet5 } from "../models/lenet5";
import { qnnMlp } from "../models/qnn_mlp";
import { vggNet } from "../models/vgg";
import { wageLeNet5 } from "../models/wage_lenet5";

export interface HwLayer {
  name: string;
  kind: "conv" | "dense" | "lstm";
  spec: LayerSpec;
  /** Forward multiply-accumulates per example. */
  macs: number;
  /** Elements of the kernel (the quantized weights W). */
  kernelParams: number;
  /** Biases, batch-norm and other parameters of the layer (kept in FP32). */
  otherParams: number;
  /** Activations read (input) and written (output) per example. */
  inputElements: number;
  outputElements: number;
  first: boolean;
}

export interface HwNetwork {
  name: string;
  /** The batch the network trains with, when its spec says (NetworkSpec), else undefined. */
  batch?: number;
  layers: HwLayer[];
}

/** A tfjs model, a lib/accum NetworkSpec, or a name from COST_MODELS / NETWORKS. */
export type CostModel = tf.LayersModel | NetworkSpec | string;

/** lib/models' networks by name, at their default sizes (built on demand). */
export const COST_MODELS: Readonly<Record<string, { description: string; build: () => tf.LayersModel }>> = {
  lenet5: { description: "LeNet-5 32C5-MP2-64C5-MP2-512FC-10 (lib/models lenet5)", build: () => lenet5() },
  "wage-lenet5": { description: "WAGE's LeNet-5, no biases (lib/models wageLeNet5)", build: () => wageLeNet5() },
  "qnn-mlp": { description: "QNN's MNIST MLP, 3 x 1024, batch norm (lib/models qnnMlp)", build: () => qnnMlp() },
  "vgg-net": { description: "VGG-like 2x64C3-MP2-2x128C3-MP2-256FC-10, batch norm (lib/models vggNet)", build: () => vggNet() },
  "char-lstm": { description: "character LSTM, 2 x 256 units, vocabulary 64, 64 steps (lib/models charLstm)", build: () => charLstm({ vocab: 64, sequenceLength: 64 }) },
};

/** Every model name cost() accepts. */
export function costModelNames(): string[] {
  return [...Object.keys(COST_MODELS), ...Object.keys(NETWORKS).filter((n) => !(n in COST_MODELS))];
}

const product = (shape: readonly (number | null)[]) => shape.reduce<number>((a, d) => a * (d ?? 1), 1);
const isKernel = (v: tf.LayerVariable) => /(^|\/)kernel$/.test(v.originalName ?? v.name);
/** tfjs's generated names: snake_case class name, "_", class name, a global counter. */
const AUTO_NAME = /^[a-z0-9_]+_[A-Z][A-Za-z0-9]*?\d+$/;

function fromSpec(spec: NetworkSpec): HwNetwork {
  return {
    name: spec.name,
    batch: spec.batch,
    layers: spec.layers.map((l, i) => {
      const positions = l.hOut * l.wOut, kernelParams = l.cIn * l.k * l.k * l.cOut;
      return {
        name: l.name, kind: l.k === 1 && positions === 1 ? "dense" : "conv", spec: l,
        macs: kernelParams * positions, kernelParams, otherParams: 0,
        inputElements: l.cIn * positions, outputElements: l.cOut * positions, first: i === 0,
      };
    }),
  };
}

function fromModel(model: tf.LayersModel): HwNetwork {
  const rows = summary(model).rows;
  const layers: HwLayer[] = [];
  model.layers.forEach((layer, i) => {
    const row = rows[i], kernel = layer.weights.find(isKernel);
    if (kernel === undefined || row.macs === 0) return;
    const shape = kernel.shape as number[];
    const cOut = shape[shape.length - 1], fanIn = product(shape.slice(0, -1));
    const out = row.outputShape;
    let kind: HwLayer["kind"] = "dense", k = 1, hOut = row.macs / (fanIn * cOut), wOut = 1;
    if (layer instanceof QuantLstm) kind = "lstm";
    else if (shape.length === 4) {
      if (shape[0] !== shape[1]) throw new RangeError(`lowbit: cost supports square kernels only; layer ${layer.name} has ${shape[0]}x${shape[1]}`);
      kind = "conv";
      k = shape[0];
      [hOut, wOut] = [out[0] ?? 1, out[1] ?? 1];
    }
    const inShape = layer.inboundNodes[0].inputShapes as (number | null)[] | (number | null)[][];
    const inputShape = (Array.isArray(inShape[0]) ? inShape[0] : inShape) as (number | null)[];
    const name = AUTO_NAME.test(layer.name) ? `${kind}${layers.length}` : layer.name;
    layers.push({
      name, kind, spec: { name, cIn: fanIn / (k * k), cOut, k, hOut, wOut },
      macs: row.macs, kernelParams: product(shape), otherParams: row.params - product(shape),
      inputElements: product(inputShape.slice(1)), outputElements: product(out),
      first: layers.length === 0,
    });
  });
  if (layers.length === 0) throw new RangeError(`lowbit: cost found no conv, dense or LSTM layer in model ${model.name}`);
  return { name: model.name, layers };
}

/** The weight layers of `model`. */
export function hwNetwork(model: CostModel): HwNetwork {
  if (typeof model === "string") {
    if (model in COST_MODELS) {
      const built = COST_MODELS[model].build();
      try {
        return { ...fromModel(built), name: model };
      } finally {
        built.dispose();
      }
    }
    if (model in NETWORKS) return fromSpec(NETWORKS[model]);
    throw new RangeError(`lowbit: cost model must be one of ${costModelNames().map((n) => `"${n}"`).join(", ")}, a tfjs model or a NetworkSpec; got ${JSON.stringify(model)}`);
  }
  if (model instanceof tf.LayersModel) return fromModel(model);
  if (typeof model === "object" && model !== null && Array.isArray((model as NetworkSpec).layers)) return fromSpec(model as NetworkSpec);
  throw new TypeError("lowbit: cost model must be a model name, a tfjs LayersModel or a NetworkSpec { name, dataset, batch, layers }");
}
