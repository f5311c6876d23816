/**
 * How the zoo's builders ask for quantization: a factory called once per quantized layer with
 * what the layer is, returning that layer's QuantConfig. A factory rather than one config,
 * because quantizers carry state (the stochastic stream counter, dynamic fixed point's
 * exponents) that two layers must not share, and because papers treat layers differently (a
 * float first layer, a wider last one).
 */
import type { QuantConfig } from "../layers";

export interface ZooLayer {
  /** Position among the quantized layers, from 0. */
  index: number;
  name: string;
  kind: "conv" | "dense" | "lstm";
  /** Inputs per output: kernel height x width x channels (conv), input size (dense), input size + units (lstm). */
  fanIn: number;
  first: boolean;
  last: boolean;
}

export type QuantFactory = (layer: ZooLayer) => QuantConfig;

/**
 * The config split around a batch norm placed between a layer's product and its activation:
 * W and G stay with the layer, A and E go to the activation layer after the batch norm.
 */
export function splitAtBatchNorm(config: QuantConfig): { layer: QuantConfig; activation: QuantConfig } {
  const { weight, gradient, activation, error } = config;
  return { layer: { weight, gradient }, activation: { activation, error } };
}
