/**
 * LeNet-5 (32C5-MP2-64C5-MP2-512FC-10, valid convolutions, ReLU) built from lowbit's quantized
 * layers, with each layer's arguments (quantizers, scale, initialisation, clipping) given by
 * `layerArgs(index, fanIn)`. Without quantizers it is the float network on the same code path,
 * the baseline the quantized variants are measured against. `widths` narrows (or widens) the
 * network: filters of the two convolutions and units of the hidden dense layer.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger } from "../core/checks";
import { quantConv2d, quantDense, QuantLayerArgs } from "../layers";

export type LeNetLayerArgs = Omit<QuantLayerArgs, "activation" | "inputShape" | "name"> & { useBias?: boolean };

export interface LeNetWidths {
  /** Filters of the first and second convolution; default [32, 64]. */
  filters?: [number, number];
  /** Units of the hidden dense layer; default 512. */
  units?: number;
}

export function quantLeNet5(
  layerArgs: (index: number, fanIn: number) => LeNetLayerArgs = () => ({}), name = "quant_lenet5", widths: LeNetWidths = {},
): tf.Sequential {
  const [f0, f1] = widths.filters ?? [32, 64];
  const units = widths.units ?? 512;
  for (const [what, n] of [["filters[0]", f0], ["filters[1]", f1], ["units", units]] as const) checkInteger(`quantLeNet5 widths.${what}`, n, 1);
  return tf.sequential({
    name,
    layers: [
      quantConv2d({ inputShape: [28, 28, 1], filters: f0, kernelSize: 5, activation: "relu", ...layerArgs(0, 25), name: "conv0" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      quantConv2d({ filters: f1, kernelSize: 5, activation: "relu", ...layerArgs(1, 25 * f0), name: "conv1" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      quantDense({ units: units, activation: "relu", ...layerArgs(2, 16 * f1), name: "fc0" }),
      quantDense({ units: 10, ...layerArgs(3, units), name: "fc1" }),
    ],
  });
}
