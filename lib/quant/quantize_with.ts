/**
 * Runs lowbit's element-wise quantizer kernel for a kernel format on a tensor or an array: the
 * one place that draws stochastic rounding's key (seed, stream) for a call.
 */
import * as tf from "../backend/tf";
import { hashKey } from "../core/random";
import { checkInteger, checkOneOf } from "../core/checks";
import type { KernelFormat, QuantizeAttrs } from "./kernels/elementwise";
import { LOWBIT_QUANTIZE, quantizeArray } from "./kernels/quantize_kernel";
import { BASIC_ROUNDINGS, MAX_RANDOM_BITS, type Rounding, roundingCode, ROUNDINGS } from "./rounding";
import { randomKey } from "./seed_stream";

export interface QuantizeOptions {
  rounding?: Rounding;
  /** Seed of stochastic rounding, an integer in [0, 2^32); omitted: the global seeded stream. */
  seed?: number;
  /** Stream of that seed (e.g. the training step), an integer in [0, 2^32); default 0. */
  stream?: number;
  /**
   * Stochastic rounding drawing only this many random bits, an integer in [1, 24]: away from
   * zero iff floor(frac * 2^r) + R >= 2^r, R the top r bits of the element's hash (MPTorch's
   * rbits; lib/quant/rounding.ts). Omitted: the full-resolution rule of quantize.ts.
   */
  randomBits?: number;
}

/** Checks the rounding options; returns the rounding. */
export function checkRoundingOptions(what: string, options: QuantizeOptions): Rounding {
  const { rounding = "nearest", randomBits } = options;
  checkOneOf(`${what} rounding`, rounding, ROUNDINGS);
  if (randomBits !== undefined) {
    checkInteger(`${what} randomBits`, randomBits, 1, MAX_RANDOM_BITS);
    if (rounding !== "stochastic") {
      throw new RangeError(`lowbit: ${what} randomBits applies to rounding "stochastic"; got rounding "${rounding}"`);
    }
  }
  return rounding;
}

export function quantizeWith<T extends tf.Tensor | Float32Array>(
  x: T,
  format: KernelFormat,
  options: QuantizeOptions,
): T {
  const rounding = checkRoundingOptions("quantize", options);
  const basic = (BASIC_ROUNDINGS as readonly string[]).includes(rounding) && options.randomBits === undefined;
  if (!basic && (format.kind === "integer" || format.kind === "powerOfTwo")) {
    throw new RangeError(
      `lowbit: quantize rounding "${rounding}"${options.randomBits === undefined ? "" : " with randomBits"} is implemented for floating-point and fixed-point formats; ${format.kind} takes ${BASIC_ROUNDINGS.map((r) => `"${r}"`).join(", ")}`,
    );
  }
  const random = rounding === "stochastic" || (format.kind === "binary" && format.stochastic);
  const key = random ? randomKey(options.seed, options.stream) : { seed: 0, stream: 0 };
  const [a, b] = hashKey(key.seed, key.stream);
  const attrs: QuantizeAttrs = { format, mode: roundingCode(rounding, options.randomBits), a, b };
  if (x instanceof Float32Array) return quantizeArray(x, attrs) as T;
  return tf.engine().runKernel(LOWBIT_QUANTIZE, { x }, attrs as unknown as tf.NamedAttrMap) as T;
}
