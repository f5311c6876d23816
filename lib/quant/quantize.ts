/**
 * quantize(x, format, { rounding, seed, stream }): x rounded to `format`, element by element.
 * Accepts a float32 tf.Tensor (returns a new tensor; no gradient: wrap it in ste()) or a
 * Float32Array (returns a new array). Same bits for the same seed on every backend.
 *
 * NaN stays NaN. +-Inf: fixed point saturates; floating point gives the largest finite value
 * when saturating, else +-Inf. Stochastic rounding rounds up with probability equal to the
 * dropped fraction of a step, measured in 2^-24 steps of it for fixed point and for
 * floating-point subnormals (so fractions below 2^-24 of a step are never rounded up), and
 * exactly for floating-point normals.
 */
import * as tf from "@tensorflow/tfjs";
import { hashKey } from "../core/random";
import { checkOneOf } from "../core/checks";
import { fixedPoint, floatingPoint, Format } from "./formats";
import { QuantizeAttrs } from "./kernels/elementwise";
import { LOWBIT_QUANTIZE, quantizeArray } from "./kernels/quantize_kernel";
import { Rounding, roundingCode, ROUNDINGS } from "./rounding";
import { randomKey } from "./seed_stream";

export interface QuantizeOptions {
  rounding?: Rounding;
  /** Seed of stochastic rounding, an integer in [0, 2^32); omitted: the global seeded stream. */
  seed?: number;
  /** Stream of that seed (e.g. the training step), an integer in [0, 2^32); default 0. */
  stream?: number;
}

/** Validates a format value (also one written by hand) by rebuilding it. */
function checkedFormat(format: Format): Format {
  switch (format?.kind) {
    case "fixed": return fixedPoint(format);
    case "float": return floatingPoint(format);
    default: throw new TypeError(`lowbit: quantize format must be a lowbit format (kind "fixed" or "float"); got ${JSON.stringify(format)}`);
  }
}

export function quantize<T extends tf.Tensor | Float32Array>(x: T, format: Format, options: QuantizeOptions = {}): T {
  const { rounding = "nearest" } = options;
  checkOneOf("quantize rounding", rounding, ROUNDINGS);
  const key = rounding === "stochastic" ? randomKey(options.seed, options.stream) : { seed: 0, stream: 0 };
  const [a, b] = hashKey(key.seed, key.stream);
  const attrs: QuantizeAttrs = { format: checkedFormat(format), mode: roundingCode(rounding), a, b };
  if (x instanceof Float32Array) return quantizeArray(x, attrs) as T;
  if (!(x instanceof tf.Tensor)) throw new TypeError("lowbit: quantize x must be a tf.Tensor or a Float32Array");
  if (x.dtype !== "float32") throw new TypeError(`lowbit: quantize x must be a float32 tensor; got ${x.dtype}`);
  return tf.engine().runKernel(LOWBIT_QUANTIZE, { x }, attrs as unknown as tf.NamedAttrMap) as T;
}
