/**
 * A network as plain data: its weight layers in order and the batch it trains with. A
 * convolution (or dense) layer with C_in input and C_out output channels, a k x k kernel and an
 * H_out x W_out output; a dense layer is the case k = 1, H_out = W_out = 1. Strides, padding and
 * pooling enter only through the output size, and through the input size H_in x W_in, which a
 * spec gives when it differs from the output's (valid padding, a stride, a pool before the
 * layer): the cost model's activation traffic reads it.
 */
import { checkInteger } from "../core/checks";

/** One weight layer: a k x k convolution, or a dense layer (k = 1, hOut = wOut = 1). */
export interface LayerSpec {
  name: string;
  cIn: number;
  cOut: number;
  k: number;
  hOut: number;
  wOut: number;
  /** Input height and width; default hOut and wOut (same padding, stride 1, no pool before). */
  hIn?: number;
  wIn?: number;
}

export interface NetworkSpec {
  name: string;
  dataset: string;
  batch: number;
  layers: readonly LayerSpec[];
}

/** `spec` as is, after checking that every size is an integer >= 1. */
export function checkNetworkSpec(what: string, spec: NetworkSpec): NetworkSpec {
  if (typeof spec !== "object" || spec === null || !Array.isArray(spec.layers)) {
    throw new TypeError(
      `lowbit: ${what} network must be a network name or a NetworkSpec { name, dataset, batch, layers }`,
    );
  }
  checkInteger(`${what} network ${spec.name} batch`, spec.batch, 1);
  if (spec.layers.length === 0)
    throw new RangeError(`lowbit: ${what} network ${spec.name} must have at least one layer`);
  for (const l of spec.layers) {
    for (const key of ["cIn", "cOut", "k", "hOut", "wOut"] as const)
      checkInteger(`${what} layer ${l.name} ${key}`, l[key], 1);
    for (const key of ["hIn", "wIn"] as const)
      if (l[key] !== undefined) checkInteger(`${what} layer ${l.name} ${key}`, l[key]!, 1);
  }
  return spec;
}
