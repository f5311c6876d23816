/**
 * QNN's logarithmic quantization with a per-tensor scale, for gradients (papers.md section 4;
 * QNN quantizes gradients to 6 bits without giving the exact rule, so this one is lowbit's):
 *
 *   LogQuant(x) = sign(x) * 2^round(log2 |x|),  exponents in [e_max - 2^(bits-1) + 2, e_max],
 *   e_max = ceil(log2 max|x|) per call,
 *
 * i.e. powerOfTwo({ bits, maxExponent: e_max }) (one sign bit, bits - 1 bits of exponent code,
 * one code for zero) placed so that the largest magnitude of this tensor fits. Values below the
 * smallest exponent flush to zero (or, stochastically, to 0 or the smallest power).
 */
import * as tf from "@tensorflow/tfjs";
import { maxAbsOf, powerOfTwo, quantize, Rounding } from "../quant";
import { checkInteger, checkSeed } from "../core/checks";
import type { TensorQuantizer } from "./tensor_quantizer";

export function logQuantizer(bits: number, options: { rounding?: Rounding; seed?: number } = {}): TensorQuantizer {
  checkInteger("logQuantizer bits", bits, 2, 8);
  const { rounding = "nearest", seed = 0 } = options;
  checkSeed("logQuantizer seed", seed);
  return {
    label: `log<${bits}>${rounding === "nearest" ? "" : ` ${rounding}`}`,
    bits,
    // The element format; e_max, chosen per call from the data, is the scale.
    format: powerOfTwo({ bits, maxExponent: 0 }),
    calls: 0,
    apply(x: tf.Tensor): tf.Tensor {
      const m = maxAbsOf(x);
      const lowest = -126 + 2 ** (bits - 1) - 2;
      const maxExponent = m > 0 && Number.isFinite(m) ? Math.min(127, Math.max(lowest, Math.ceil(Math.log2(m)))) : 0;
      return quantize(x, powerOfTwo({ bits, maxExponent }), { rounding, seed, stream: this.calls++ });
    },
  };
}
