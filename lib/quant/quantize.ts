/**
 * quantize(x, format, { rounding, seed, stream }): x rounded to `format`.
 * Accepts a float32 tf.Tensor (returns a new tensor; no gradient: wrap it in ste()) or a
 * Float32Array (returns a new array). Same bits for the same seed on every backend.
 *
 * NaN stays NaN. +-Inf: fixed point, integer, block floating point and power of two saturate;
 * floating point gives the largest finite value when saturating, else +-Inf; ternary gives
 * +-its level. Ternary and binary ignore `rounding` (binary has its own `stochastic`).
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
 */
import * as tf from "@tensorflow/tfjs";
import { hashKey } from "../core/random";
import { checkKernelSize, checkOneOf } from "../core/checks";
import {
  binary, blockFloatingPoint, BlockFloatingPointFormat, fixedPoint, floatingPoint, Format, integer,
  powerOfTwo, ternary,
} from "./formats";
import { blockFracs } from "./formats/block_floating_point";
import { ternarize } from "./formats/ternary";
import { GroupedFixedPoint, KernelFormat, QuantizeAttrs } from "./kernels/elementwise";
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
    case "integer": return integer(format);
    case "powerOfTwo": return powerOfTwo(format);
    case "binary": return binary(format);
    case "ternary": return ternary(format);
    case "blockFloat": return blockFloatingPoint(format);
    default: throw new TypeError(`lowbit: quantize format must be a lowbit format; got ${JSON.stringify(format)}`);
  }
}

/** Runs the element-wise kernel on a tensor or an array. */
export function quantizeWith<T extends tf.Tensor | Float32Array>(x: T, format: KernelFormat, options: QuantizeOptions): T {
  const { rounding = "nearest" } = options;
  checkOneOf("quantize rounding", rounding, ROUNDINGS);
  const random = rounding === "stochastic" || (format.kind === "binary" && format.stochastic);
  const key = random ? randomKey(options.seed, options.stream) : { seed: 0, stream: 0 };
  const [a, b] = hashKey(key.seed, key.stream);
  const attrs: QuantizeAttrs = { format, mode: roundingCode(rounding), a, b };
  if (x instanceof Float32Array) return quantizeArray(x, attrs) as T;
  return tf.engine().runKernel(LOWBIT_QUANTIZE, { x }, attrs as unknown as tf.NamedAttrMap) as T;
}

function checkInput(x: tf.Tensor | Float32Array): void {
  if (x instanceof Float32Array) {
    checkKernelSize("quantize x", x.length);
    return;
  }
  if (!(x instanceof tf.Tensor)) throw new TypeError("lowbit: quantize x must be a tf.Tensor or a Float32Array");
  if (x.dtype !== "float32") throw new TypeError(`lowbit: quantize x must be a float32 tensor; got ${x.dtype}`);
  checkKernelSize("quantize x", x.size);
}

function blockFloat<T extends tf.Tensor | Float32Array>(x: T, f: BlockFloatingPointFormat, options: QuantizeOptions): T {
  if (f.axis !== undefined) {
    if (x instanceof Float32Array) throw new TypeError("lowbit: blockFloatingPoint axis needs a tensor (a Float32Array has no axes)");
    const t = x as tf.Tensor;
    const axis = f.axis < 0 ? f.axis + t.rank : f.axis;
    if (axis < 0 || axis >= t.rank) {
      throw new RangeError(`lowbit: blockFloatingPoint axis must be in [${-t.rank}, ${t.rank - 1}] for a rank-${t.rank} tensor; got ${f.axis}`);
    }
    // Blocks along `axis`: move it last, where blocks are consecutive elements.
    const perm = [...Array(t.rank).keys()].filter((d) => d !== axis).concat(axis);
    const inverse = perm.map((_, d) => perm.indexOf(d));
    return tf.tidy(() => blockFloat(t.transpose(perm), { ...f, axis: undefined, blockSize: t.shape[axis] }, options)
      .transpose(inverse)) as T;
  }
  const size = f.blockSize!;
  const last = x instanceof Float32Array ? x.length : (x as tf.Tensor).shape[(x as tf.Tensor).rank - 1] ?? 1;
  if (last % size !== 0) {
    throw new RangeError(`lowbit: blockFloatingPoint blockSize must divide the last axis (${last}); got ${size}`);
  }
  const values = x instanceof Float32Array ? x : ((x as tf.Tensor).dataSync() as Float32Array);
  const fracs = blockFracs(values, f.bits, values.length / size, size, 1);
  const grouped: GroupedFixedPoint = { kind: "groupedFixed", bits: f.bits, inner: size, fracs };
  return quantizeWith(x, grouped, options);
}

export function quantize<T extends tf.Tensor | Float32Array>(x: T, format: Format, options: QuantizeOptions = {}): T {
  checkInput(x);
  const f = checkedFormat(format);
  switch (f.kind) {
    case "ternary": {
      const values = x instanceof Float32Array ? x : ((x as tf.Tensor).dataSync() as Float32Array);
      const { y } = ternarize(values, f.threshold);
      return (x instanceof Float32Array ? y : tf.tensor(y, (x as tf.Tensor).shape, "float32")) as T;
    }
    case "blockFloat":
      return blockFloat(x, f, options);
    default:
      return quantizeWith(x, f, options);
  }
}
