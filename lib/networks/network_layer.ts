/**
 * A weight layer with what the accumulation analysis and the cost model read of it: its shape
 * (a LayerSpec), its kind, forward MACs, parameters and the activations it reads and writes.
 * From a NetworkSpec (layerFigures below) or from a tfjs model (lib/layers model_layers.ts).
 */
import type { LayerSpec, NetworkSpec } from "./network_spec";

export interface NetworkLayer extends LayerSpec {
  kind: "conv" | "dense" | "lstm";
  /** Forward multiply-accumulates per example. */
  macs: number;
  /** Elements of the kernel (the quantized weights W). */
  kernelParams: number;
  /** Biases, batch-norm and other parameters of the layer (kept in FP32). */
  otherParams: number;
  /** Activations read (input) and written (output) per example. */
  inputElements: number;
  outputElements: number;
}

/** A network's weight layers in order, with the batch a step uses when the caller names none. */
export interface NetworkLayers extends NetworkSpec {
  layers: readonly NetworkLayer[];
}

/**
 * The figures of a spec's layers. A spec records no biases (otherParams 0); its input is
 * C_in H_in W_in, with H_in x W_in the output size unless the spec says otherwise.
 */
export function layerFigures(spec: NetworkSpec): NetworkLayers {
  return {
    ...spec,
    layers: spec.layers.map((l): NetworkLayer => {
      const positions = l.hOut * l.wOut,
        kernelParams = l.cIn * l.k * l.k * l.cOut;
      return {
        ...l,
        kind: l.k === 1 && positions === 1 ? "dense" : "conv",
        macs: kernelParams * positions,
        kernelParams,
        otherParams: 0,
        inputElements: l.cIn * (l.hIn ?? l.hOut) * (l.wIn ?? l.wOut),
        outputElements: l.cOut * positions,
      };
    }),
  };
}
