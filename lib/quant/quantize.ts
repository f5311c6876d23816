/**
 * quantize(x, format, { rounding, seed, stream, randomBits }): x rounded to `format`.
 * Accepts a float32 tf.Tensor (returns a new tensor; no gradient: wrap it in ste()) or a
 * Float32Array (returns a new array). Same bits for the same seed on every backend.
 *
 * NaN stays NaN. +-Inf: fixed point, integer, block floating point and power of two saturate;
 * floating point gives the largest finite value when saturating, else +-Inf; ternary gives
 * +-its level. Ternary and binary ignore `rounding` (binary has its own `stochastic`).
 * Formats with statistics of the data (ternary, block floating point, scaled formats) are
 * scaled formats: lib/quant/scaled/quantize_scaled.ts (OCP MX and NVFP4 in one pass of
 * lib/wasm/quantize_block_scaled.ts). E8M0 is rounded by its float64 reference, element by
 * element (it holds scales, not tensors). The roundings nearestAway, up, down and odd, and
 * stochastic rounding with `randomBits`, run on floating-point and fixed-point formats (and the
 * scaled formats built on them); the other kinds refuse them (lib/quant/rounding.ts).
 *
 * Stochastic rounding's exact resolution, with h = elementHash(seed, stream, i) for element i:
 *   floating-point normals: the k = 23 - man dropped bits d of |x| round up iff
 *     d + (h >>> (32 - k)) >= 2^k: probability d / 2^k, exactly the dropped fraction of a step;
 *   powers of two between 2^e and 2^(e+1): probability (|x| - 2^e) / 2^e, exactly (23 bits);
 *   everything else (fixed point, integer, block floating point, dynamic fixed point,
 *     floating-point subnormals by magnitude, powers of two below the smallest): up iff
 *     u < frac, with frac the exact fraction of a step (x's own value, not a float32 rounding
 *     of it) and u = k * 2^-24, k = h >>> 8. So P(up) = ceil(frac * 2^24) / 2^24: exact for
 *     fractions on the 2^-24 grid, otherwise at most 2^-24 above frac. A fraction in
 *     (0, 2^-24] of a step rounds up with probability 2^-24 (never 0: tiny values are not
 *     systematically lost), and E[round(x)] - x is below 2^-24 of a step.
 * "Up" is toward +Inf for the signed grids (fixed point, integer, block floating point), and
 * away from zero for sign-magnitude ones (floating point, power of two).
 * With randomBits r (every kind that takes it): away from zero iff floor(frac * 2^r) + R >= 2^r,
 * frac the magnitude's exact fraction of a step, R = h >>> (32 - r): P = floor(frac * 2^r) / 2^r.
 */
import * as tf from "../backend/tf";
import { checkKernelSize } from "../core/checks";
import { elementHash } from "../core/random";
import { checkFormat, type Format, quantizeValue, scaled } from "./formats/registry";
import { checkHeldInFloat32 } from "./formats/held_in_float32";
import { blockFloatingPointAsScaled } from "./scaled/instances";
import { quantizeScaled, registerElementQuantizer } from "./scaled/quantize_scaled";
import { checkRoundingOptions, type QuantizeOptions, quantizeWith } from "./quantize_with";
import { randomKey } from "./seed_stream";

export type { QuantizeOptions } from "./quantize_with";

function checkInput(x: tf.Tensor | Float32Array): void {
  if (x instanceof Float32Array) {
    checkKernelSize("quantize x", x.length);
    return;
  }
  if (!(x instanceof tf.Tensor)) throw new TypeError("lowbit: quantize x must be a tf.Tensor or a Float32Array");
  if (x.dtype !== "float32") throw new TypeError(`lowbit: quantize x must be a float32 tensor; got ${x.dtype}`);
  checkKernelSize("quantize x", x.size);
}

export function quantize<T extends tf.Tensor | Float32Array>(x: T, format: Format, options: QuantizeOptions = {}): T {
  checkInput(x);
  const f = checkFormat("quantize format", format);
  checkHeldInFloat32("quantize", f);
  switch (f.kind) {
    case "ternary": // TWN per tensor: the ternary pattern times the mean of the kept |x|
      return quantizeScaled(x, scaled({ element: f, scale: { rule: "meanAbsKept" }, emptyScale: 0 }), options);
    case "blockFloat":
      return quantizeScaled(x, blockFloatingPointAsScaled(f), options);
    case "scaled":
      return quantizeScaled(x, f, options);
    case "e8m0":
      return quantizeByReference(x, f, options);
    default:
      return quantizeWith(x, f, options);
  }
}

/**
 * A format without a kernel (E8M0: scales, not tensors) rounded by its float64 reference, element
 * i with elementHash(seed, stream, i): the same bits on every backend.
 */
function quantizeByReference<T extends tf.Tensor | Float32Array>(x: T, f: Format, options: QuantizeOptions): T {
  const rounding = checkRoundingOptions("quantize", options);
  const key = rounding === "stochastic" ? randomKey(options.seed, options.stream) : { seed: 0, stream: 0 };
  const values = x instanceof Float32Array ? x : ((x as tf.Tensor).dataSync() as Float32Array);
  const y = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const hash = rounding === "stochastic" ? elementHash(key.seed, key.stream, i) : 0;
    y[i] = quantizeValue(f, values[i], { rounding, hash, randomBits: options.randomBits });
  }
  return (x instanceof Float32Array ? y : tf.tensor(y, (x as tf.Tensor).shape, "float32")) as T;
}

registerElementQuantizer((x, format, options) => quantize(x, format, options));
