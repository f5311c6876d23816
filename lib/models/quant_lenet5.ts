/**
 * LeNet-5 (32C5-MP2-64C5-MP2-512FC-10, valid convolutions, ReLU) built from lowbit's quantized
 * layers, with each layer's arguments (quantizers, scale, initialisation, clipping) given by
 * `layerArgs(index, fanIn)`. Without quantizers it is the float network on the same code path,
 * the baseline the quantized variants are measured against.
 *
 * Options: `poolInConv` moves each max-pool into its convolution, before the output pipeline
 * (WAGE's code order); `input` puts a QuantActivation in front (a quantized input image);
 * `widths` narrows (or widens) the network: filters of the two convolutions and units of the
 * hidden dense layer.
 */
import * as tf from "../backend/tf";
import { checkInteger } from "../core/checks";
import { quantActivation, type QuantActivationArgs, quantConv2d, quantDense, type QuantLayerArgs } from "../layers";

export type LeNetLayerArgs = Omit<QuantLayerArgs, "activation" | "inputShape" | "name"> & { useBias?: boolean };

export interface LeNetWidths {
  /** Filters of the first and second convolution; default [32, 64]. */
  filters?: [number, number];
  /** Units of the hidden dense layer; default 512. */
  units?: number;
}

export interface QuantLeNet5Options {
  name?: string;
  poolInConv?: boolean;
  input?: Omit<QuantActivationArgs, "inputShape" | "name">;
  widths?: LeNetWidths;
}

export function quantLeNet5(
  layerArgs: (index: number, fanIn: number) => LeNetLayerArgs = () => ({}),
  options: QuantLeNet5Options = {},
): tf.Sequential {
  const { name = "quant_lenet5", poolInConv = false, input, widths = {} } = options;
  const [f0, f1] = widths.filters ?? [32, 64];
  const units = widths.units ?? 512;
  for (const [what, n] of [
    ["filters[0]", f0],
    ["filters[1]", f1],
    ["units", units],
  ] as const)
    checkInteger(`quantLeNet5 widths.${what}`, n, 1);
  const inputShape: tf.Shape = [28, 28, 1];
  const conv = (index: number, filters: number, fanIn: number, convName: string) => {
    const shape = index === 0 && input === undefined ? { inputShape } : {};
    const args = {
      ...shape,
      filters,
      kernelSize: 5,
      activation: "relu" as const,
      ...layerArgs(index, fanIn),
      name: convName,
    };
    return poolInConv
      ? [quantConv2d({ ...args, pool: 2 })]
      : [quantConv2d(args), tf.layers.maxPooling2d({ poolSize: 2 })];
  };
  return tf.sequential({
    name,
    layers: [
      ...(input === undefined ? [] : [quantActivation({ ...input, inputShape, name: "input" })]),
      ...conv(0, f0, 25, "conv0"),
      ...conv(1, f1, 25 * f0, "conv1"),
      tf.layers.flatten(),
      quantDense({ units: units, activation: "relu", ...layerArgs(2, 16 * f1), name: "fc0" }),
      quantDense({ units: 10, ...layerArgs(3, units), name: "fc1" }),
    ],
  });
}
