/**
 * Runs lowbit's element-wise quantizer kernel for a kernel format on a tensor or an array: the
 * one place that draws stochastic rounding's key (seed, stream) for a call.
 */
import * as tf from "../backend/tf";
import { hashKey } from "../core/random";
import { checkOneOf } from "../core/checks";
import type { KernelFormat, QuantizeAttrs } from "./kernels/elementwise";
import { LOWBIT_QUANTIZE, quantizeArray } from "./kernels/quantize_kernel";
import { type Rounding, roundingCode, ROUNDINGS } from "./rounding";
import { randomKey } from "./seed_stream";

export interface QuantizeOptions {
  rounding?: Rounding;
  /** Seed of stochastic rounding, an integer in [0, 2^32); omitted: the global seeded stream. */
  seed?: number;
  /** Stream of that seed (e.g. the training step), an integer in [0, 2^32); default 0. */
  stream?: number;
}

export function quantizeWith<T extends tf.Tensor | Float32Array>(
  x: T,
  format: KernelFormat,
  options: QuantizeOptions,
): T {
  const { rounding = "nearest" } = options;
  checkOneOf("quantize rounding", rounding, ROUNDINGS);
  const random = rounding === "stochastic" || (format.kind === "binary" && format.stochastic);
  const key = random ? randomKey(options.seed, options.stream) : { seed: 0, stream: 0 };
  const [a, b] = hashKey(key.seed, key.stream);
  const attrs: QuantizeAttrs = { format, mode: roundingCode(rounding), a, b };
  if (x instanceof Float32Array) return quantizeArray(x, attrs) as T;
  return tf.engine().runKernel(LOWBIT_QUANTIZE, { x }, attrs as unknown as tf.NamedAttrMap) as T;
}
