/**
 * QNN's logarithmic quantization with a per-tensor scale, for gradients (Hubara et al., JMLR 2017;
 * QNN quantizes gradients to 6 bits without giving the exact rule, so this one is lowbit's):
 *
 *   LogQuant(x) = sign(x) * 2^round(log2 |x|),  exponents in [e_max - 2^(bits-1) + 2, e_max],
 *   e_max = ceil(log2 max|x|) per call,
 *
 * i.e. powerOfTwo({ bits, maxExponent: e_max }) (one sign bit, bits - 1 bits of exponent code,
 * one code for zero) placed so that the largest magnitude of this tensor fits. Values below the
 * smallest exponent flush to zero (or, stochastically, to 0 or the smallest power).
 * A scaled format (lib/quant/scaled/instances.ts: logQuantizerFormat): a powerOfTwo element of
 * largest exponent 0 under the scale 2^e_max, e_max = ceil(log2 max|x|) over the finite values
 * (an Inf saturates instead of setting e_max).
 */
import type * as tf from "../backend/tf";
import { logQuantizerFormat, quantize, type Rounding } from "../quant";
import { checkSeed } from "../core/checks";
import type { TensorQuantizer } from "./tensor_quantizer";

export function logQuantizer(bits: number, options: { rounding?: Rounding; seed?: number } = {}): TensorQuantizer {
  const format = logQuantizerFormat(bits);
  const { rounding = "nearest", seed = 0 } = options;
  checkSeed("logQuantizer seed", seed);
  return {
    label: `log<${bits}>${rounding === "nearest" ? "" : ` ${rounding}`}`,
    bits,
    calls: 0,
    format,
    apply(x: tf.Tensor): tf.Tensor {
      return quantize(x, format, { rounding, seed, stream: this.calls++ });
    },
  };
}
