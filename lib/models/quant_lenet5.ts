/**
 * LeNet-5 (32C5-MP2-64C5-MP2-512FC-10, valid convolutions, ReLU) built from lowbit's quantized
 * layers, with each layer's arguments (quantizers, scale, initialisation, clipping) given by
 * `layerArgs(index, fanIn)`. Without quantizers it is the float network on the same code path,
 * the baseline the quantized variants are measured against.
 */
import * as tf from "@tensorflow/tfjs";
import { quantConv2d, quantDense, QuantLayerArgs } from "../layers";

export type LeNetLayerArgs = Omit<QuantLayerArgs, "activation" | "inputShape" | "name"> & { useBias?: boolean };

export function quantLeNet5(
  layerArgs: (index: number, fanIn: number) => LeNetLayerArgs = () => ({}), name = "quant_lenet5",
): tf.Sequential {
  return tf.sequential({
    name,
    layers: [
      quantConv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 5, activation: "relu", ...layerArgs(0, 25), name: "conv0" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      quantConv2d({ filters: 64, kernelSize: 5, activation: "relu", ...layerArgs(1, 25 * 32), name: "conv1" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      quantDense({ units: 512, activation: "relu", ...layerArgs(2, 1024), name: "fc0" }),
      quantDense({ units: 10, ...layerArgs(3, 512), name: "fc1" }),
    ],
  });
}
