/**
 * The state of a model's quantizers, read through one public accessor instead of the
 * quantizers' own fields: per quantized layer and role (weight, activation, gradient, error,
 * and an LSTM's gates.input / gates.output), the quantizer's label, bits, how many times it has
 * run (the stream the next stochastic rounding draws), and what it adapts while training:
 * dynamic fixed point's fractional bits with their history of updates, stochastic
 * quantization's ratio, and whatever else its checkpoint state holds (WAGE's eta).
 */
import type * as tf from "../backend/tf";
import { DynamicFixedPoint, type DynamicFixedPointRecord } from "../quant";
import { QUANT_ROLES } from "./quant_config";
import { QuantLayer } from "./quant_layer";
import { QuantLstm } from "./quant_lstm";
import type { TensorQuantizer } from "./tensor_quantizer";

export interface QuantizerState {
  label: string;
  bits: number;
  /** Calls so far: the next call uses stream `calls` of the quantizer's seed. */
  calls: number;
  /** Dynamic fixed point: the current fractional bits (one per channel, or one). */
  frac?: number[];
  /** Dynamic fixed point: each exponent update (call, frac, overflow rate at that frac). */
  history?: DynamicFixedPointRecord[];
  /** Stochastic quantization (sqWeight): the current SQ ratio. */
  ratio?: number;
  /** The quantizer's whole checkpoint state (saveState), when it has one. */
  state?: object;
}

/** The roles of a layer: "weight", ..., and an LSTM's "gates.input" and "gates.output". */
export type QuantizerStates = Record<string, QuantizerState>;

function stateOf(q: TensorQuantizer): QuantizerState {
  const out: QuantizerState = { label: q.label, bits: q.bits, calls: q.calls };
  const dfp = (q as { dfp?: unknown }).dfp;
  if (dfp instanceof DynamicFixedPoint) {
    if (dfp.frac !== undefined) out.frac = [...dfp.frac];
    out.history = dfp.history;
  }
  const state = q.saveState?.();
  if (state !== undefined) {
    out.state = state;
    const ratio = (state as { ratio?: unknown }).ratio;
    if (typeof ratio === "number") out.ratio = ratio;
  }
  return out;
}

/** The quantizer states of one quantized layer (empty for a layer without quantizers). */
export function layerQuantizerState(layer: QuantLayer): QuantizerStates {
  const states: QuantizerStates = {};
  for (const role of QUANT_ROLES) {
    const q = layer.quant[role];
    if (q !== undefined) states[role] = stateOf(q);
  }
  if (layer instanceof QuantLstm) {
    for (const gate of ["input", "output"] as const) {
      const q = layer.gates[gate];
      if (q !== undefined) states[`gates.${gate}`] = stateOf(q);
    }
  }
  return states;
}

/**
 * quantizerState(model): by layer name, the states of its quantizers (layers without any are
 * left out); quantizerState(layer): the states of one quantized layer's quantizers.
 */
export function quantizerState(model: tf.LayersModel): Record<string, QuantizerStates>;
export function quantizerState(layer: QuantLayer): QuantizerStates;
export function quantizerState(target: tf.LayersModel | QuantLayer): Record<string, QuantizerStates> | QuantizerStates {
  if (target instanceof QuantLayer) return layerQuantizerState(target);
  const layers = (target as { layers?: unknown }).layers;
  if (!Array.isArray(layers))
    throw new TypeError("lowbit: quantizerState takes a tf.LayersModel or a lowbit quantized layer");
  const out: Record<string, QuantizerStates> = {};
  for (const layer of layers) {
    if (!(layer instanceof QuantLayer)) continue;
    const states = layerQuantizerState(layer);
    if (Object.keys(states).length > 0) out[layer.name] = states;
  }
  return out;
}
