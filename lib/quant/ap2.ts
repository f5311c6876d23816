/**
 * QNN's approximate power of two (Hubara et al., JMLR 2017):
 *   AP2(x) = sign(x) * 2^round(log2 |x|),  AP2(+-0) = +-0.
 * Multiplying by AP2(x) is a bit shift, which is how QNN's shift-based batch norm and AdaMax
 * avoid multipliers. Unlike the powerOfTwo format it has no exponent range: every float32
 * exponent is kept, subnormals included, and |x| > sqrt(2) * 2^127 gives +-Inf (2^128).
 * Inf stays Inf, NaN stays NaN. The rounding point between 2^n and 2^(n+1) is 2^(n+1/2),
 * irrational, so there are no ties.
 *
 * Computed by lowbit's kernel on the float32 bits (lib/wasm/power_of_two.ts), exactly and with
 * the same bits on every backend: tf.sign is 0 below 2^-23 in magnitude on tfjs's wasm backend,
 * and tf.log is each backend's own approximation, which can move values near 2^(n+1/2).
 */
import * as tf from "../backend/tf";
import { quantizeWith } from "./quantize_with";

export function ap2(x: tf.Tensor): tf.Tensor {
  if (!(x instanceof tf.Tensor) || x.dtype !== "float32") throw new TypeError("lowbit: ap2 x must be a float32 tensor");
  return quantizeWith(x, { kind: "ap2" }, {});
}
