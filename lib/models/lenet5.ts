/**
 * The LeNet-5 variant of WAGE and of lowbit's benchmarks: 32C5-MP2-64C5-MP2-512FC-10
 * (valid convolutions, 2x2 max pooling, ReLU), about 4.27 M multiply-adds per 28x28 image in
 * the forward pass. The float baseline; the quantized versions live with the quantized layers.
 */
import * as tf from "../backend/tf";
import { checkSeed, MODEL_SEED_MAX } from "../core/checks";

export interface LeNet5Options {
  /** Input image [height, width, channels]; default [28, 28, 1]. */
  inputShape?: [number, number, number];
  numClasses?: number;
  /** Seed of the weight initialisers (Glorot uniform); the same seed gives the same weights. */
  seed?: number;
}

export function lenet5(options: LeNet5Options = {}): tf.Sequential {
  const { inputShape = [28, 28, 1], numClasses = 10, seed = 0 } = options;
  checkSeed("lenet5 seed", seed, MODEL_SEED_MAX);
  // Each layer gets its own seed so that no two layers start from the same random stream.
  const init = (i: number) => tf.initializers.glorotUniform({ seed: seed * 16 + i });
  return tf.sequential({
    name: "lenet5",
    layers: [
      tf.layers.conv2d({ inputShape, filters: 32, kernelSize: 5, activation: "relu", kernelInitializer: init(0) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 5, activation: "relu", kernelInitializer: init(1) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 512, activation: "relu", kernelInitializer: init(2) }),
      tf.layers.dense({ units: numClasses, kernelInitializer: init(3) }),
    ],
  });
}

/** Multiply-adds of one forward pass of `model` per example (conv and dense layers). */
export function forwardMacs(model: tf.LayersModel): number {
  let macs = 0;
  for (const layer of model.layers) {
    const out = layer.outputShape as number[];
    const kernel = layer.getWeights()[0];
    if (kernel === undefined) continue;
    const perOutput = kernel.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    macs += perOutput * out.slice(1).reduce((a, b) => a * b, 1);
  }
  return macs;
}
