/**
 * The weight layers of a tfjs model as lib/networks' NetworkLayer, what the accumulation analysis
 * and the cost model read: summary() gives MACs and parameters per layer; the kernel's shape
 * gives C_in, k and C_out; the output shape H_out, W_out (for a convolution that max-pools
 * inside, the output before its pool: the positions its kernel slid over); the inbound shape the
 * input. A dense layer on a sequence, and QuantLstm (C_in = inputDim + units, C_out = 4 units),
 * run once per time step: H_out = steps, W_out = 1.
 * Layers that tfjs named itself ("conv2d_Conv2D25": the counter changes with every model built)
 * are called by kind and position instead: conv0, conv1, dense2, ...
 */
import type * as tf from "../backend/tf";
import type { NetworkLayer } from "../networks/network_layer";
import { QuantConv2d } from "./quant_conv2d";
import { QuantLstm } from "./quant_lstm";
import { isKernel, summary } from "./summary";

/** A weight layer of a model: the tfjs layer and its figures. */
export interface ModelWeightLayer {
  layer: tf.layers.Layer;
  figures: NetworkLayer;
}

const product = (shape: readonly (number | null)[]) => shape.reduce<number>((a, d) => a * (d ?? 1), 1);
/** tfjs's generated names: snake_case class name, "_", class name, a global counter. */
const AUTO_NAME = /^[a-z0-9_]+_[A-Z][A-Za-z0-9]*?\d+$/;

/** The layers of `model` that multiply by a kernel, in order, with their figures. */
export function modelWeightLayers(model: tf.LayersModel): ModelWeightLayer[] {
  const rows = summary(model).rows;
  const found: ModelWeightLayer[] = [];
  model.layers.forEach((layer, i) => {
    const row = rows[i],
      kernel = layer.weights.find(isKernel);
    if (kernel === undefined || row.macs === 0) return;
    const shape = kernel.shape as number[];
    const cOut = shape[shape.length - 1],
      fanIn = product(shape.slice(0, -1));
    const out = row.outputShape;
    let kind: NetworkLayer["kind"] = "dense",
      k = 1,
      hOut = row.macs / (fanIn * cOut),
      wOut = 1;
    if (layer instanceof QuantLstm) kind = "lstm";
    else if (shape.length === 4) {
      if (shape[0] !== shape[1])
        throw new RangeError(
          `lowbit: network layers support square kernels only; layer ${layer.name} has ${shape[0]}x${shape[1]}`,
        );
      kind = "conv";
      k = shape[0];
      const pool = layer instanceof QuantConv2d && layer.pool !== undefined ? layer.pool : 1;
      [hOut, wOut] = [(out[0] ?? 1) * pool, (out[1] ?? 1) * pool];
    }
    const inShape = layer.inboundNodes[0].inputShapes as (number | null)[] | (number | null)[][];
    const inputShape = (Array.isArray(inShape[0]) ? inShape[0] : inShape) as (number | null)[];
    const name = AUTO_NAME.test(layer.name) ? `${kind}${found.length}` : layer.name;
    found.push({
      layer,
      figures: {
        name,
        kind,
        cIn: fanIn / (k * k),
        cOut,
        k,
        hOut,
        wOut,
        macs: row.macs,
        kernelParams: product(shape),
        otherParams: row.params - product(shape),
        inputElements: product(inputShape.slice(1)),
        outputElements: product(out),
      },
    });
  });
  if (found.length === 0) throw new RangeError(`lowbit: found no conv, dense or LSTM layer in model ${model.name}`);
  return found;
}

/** The figures of the weight layers of the model `build` makes (built once, then disposed). */
export function builtModelLayers(build: () => tf.LayersModel): NetworkLayer[] {
  const model = build();
  try {
    return modelWeightLayers(model).map((w) => w.figures);
  } finally {
    model.dispose();
  }
}
