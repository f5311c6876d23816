/**
 * LeNet-5 (32C5-MP2-64C5-MP2-512FC-10, valid convolutions, ReLU) built from lowbit's quantized
 * layers, with each layer's arguments (quantizers, scale, initialisation, clipping) given by
 * `layerArgs(index, fanIn)`. Without quantizers it is the float network on the same code path,
 * the baseline the quantized variants are measured against.
 *
 * Options: `poolInConv` moves each max-pool into its convolution, before the output pipeline
 * (WAGE's code order); `input` puts a QuantActivation in front (a quantized input image).
 */
import * as tf from "@tensorflow/tfjs";
import { quantActivation, QuantActivationArgs, quantConv2d, quantDense, QuantLayerArgs } from "../layers";

export type LeNetLayerArgs = Omit<QuantLayerArgs, "activation" | "inputShape" | "name"> & { useBias?: boolean };

export interface QuantLeNet5Options {
  name?: string;
  poolInConv?: boolean;
  input?: Omit<QuantActivationArgs, "inputShape" | "name">;
}

export function quantLeNet5(
  layerArgs: (index: number, fanIn: number) => LeNetLayerArgs = () => ({}), options: QuantLeNet5Options = {},
): tf.Sequential {
  const { name = "quant_lenet5", poolInConv = false, input } = options;
  const inputShape: tf.Shape = [28, 28, 1];
  const conv = (index: number, filters: number, fanIn: number, convName: string) => {
    const shape = index === 0 && input === undefined ? { inputShape } : {};
    const args = { ...shape, filters, kernelSize: 5, activation: "relu" as const, ...layerArgs(index, fanIn), name: convName };
    return poolInConv ? [quantConv2d({ ...args, pool: 2 })] : [quantConv2d(args), tf.layers.maxPooling2d({ poolSize: 2 })];
  };
  return tf.sequential({
    name,
    layers: [
      ...(input === undefined ? [] : [quantActivation({ ...input, inputShape, name: "input" })]),
      ...conv(0, 32, 25, "conv0"),
      ...conv(1, 64, 25 * 32, "conv1"),
      tf.layers.flatten(),
      quantDense({ units: 512, activation: "relu", ...layerArgs(2, 1024), name: "fc0" }),
      quantDense({ units: 10, ...layerArgs(3, 512), name: "fc1" }),
    ],
  });
}
