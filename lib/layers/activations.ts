/**
 * Activations of the quantized layers. "sign" is QNN's binary activation: forward +1 for
 * x >= 0 else -1, backward the straight-through estimator with cancellation, dy * 1{|x| <= 1}
 * (the derivative of hard-tanh).
 */
import * as tf from "../backend/tf";
import { binary, quantize, ste } from "../quant";

export const ACTIVATIONS = ["linear", "relu", "hardTanh", "sign"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

const binarySign = ste((x) => quantize(x, binary()), { clip: 1 });

export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case "linear":
      return x;
    case "relu":
      return tf.relu(x);
    case "hardTanh":
      return tf.clipByValue(x, -1, 1);
    case "sign":
      return binarySign(x);
  }
}
