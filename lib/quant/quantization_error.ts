/**
 * quantizationError(x, format, options): how much of a tensor a format keeps, as two numbers that
 * explain a block format's behaviour on real distributions, in float64 over the finite elements
 * of x (q = quantize(x, format, options)):
 *
 *   relativeMse    sum (q - x)^2 / sum x^2    the noise-to-signal ratio (its inverse is the SQNR)
 *   flushedToZero  the fraction of nonzero x whose q is 0: lost below the smallest step of their
 *                  group's grid (what one outlier does to its block's small values)
 *
 * An all-zero x has relativeMse 0. Used by notebook 07 to compare MX and NVFP4 on captured
 * weights, activations and gradients.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Format } from "./formats/registry";
import { quantize, type QuantizeOptions } from "./quantize";

export interface QuantizationError {
  relativeMse: number;
  flushedToZero: number;
}

export function quantizationError(
  x: tf.Tensor | Float32Array,
  format: Format,
  options: QuantizeOptions = {},
): QuantizationError {
  let values: Float32Array, q: Float32Array;
  if (x instanceof Float32Array) {
    values = x;
    q = quantize(x, format, options);
  } else {
    if (!(x instanceof tf.Tensor) || x.dtype !== "float32")
      throw new TypeError("lowbit: quantizationError x must be a float32 tensor or a Float32Array");
    // A tensor keeps its shape, which the format's blocks and tiles run along.
    const qt = quantize(x, format, options);
    values = x.dataSync() as Float32Array;
    q = qt.dataSync() as Float32Array;
    qt.dispose();
  }
  let noise = 0,
    signal = 0,
    nonzero = 0,
    flushed = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i],
      w = q[i];
    if (!Number.isFinite(v)) continue;
    noise += (w - v) ** 2;
    signal += v * v;
    if (v !== 0) {
      nonzero++;
      if (w === 0) flushed++;
    }
  }
  return {
    relativeMse: signal > 0 ? noise / signal : 0,
    flushedToZero: nonzero > 0 ? flushed / nonzero : 0,
  };
}
