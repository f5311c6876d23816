/**
 * Which of a layer's tensors are quantized, and how (the vocabulary of the papers lowbit reproduces):
 *   weight      W: the layer computes with weight.apply(W); gradients reach the real-valued
 *               master copy W straight through (STE);
 *   activation  A: the output is activation.apply(a); backward straight through;
 *   error       E: the backward signal dL/da arriving at the output is replaced by error.apply;
 *   gradient    G: the training step replaces dL/dW by gradient.apply before the optimizer.
 * A missing entry means float32.
 */
import type { TensorQuantizer } from "./tensor_quantizer";

export interface QuantConfig {
  weight?: TensorQuantizer;
  activation?: TensorQuantizer;
  error?: TensorQuantizer;
  gradient?: TensorQuantizer;
}

export const QUANT_ROLES = ["weight", "activation", "gradient", "error"] as const;
export type QuantRole = (typeof QUANT_ROLES)[number];

export function checkQuantConfig(owner: string, config: QuantConfig): void {
  for (const key of Object.keys(config)) {
    if (!(QUANT_ROLES as readonly string[]).includes(key)) {
      throw new RangeError(`lowbit: ${owner} quant has an unknown entry "${key}"; allowed: ${QUANT_ROLES.join(", ")}`);
    }
    const q = config[key as QuantRole];
    if (q !== undefined && typeof q.apply !== "function") {
      throw new TypeError(
        `lowbit: ${owner} quant.${key} must be a quantizer (formatQuantizer(...), dfpQuantizer(...), wageWeight(...), ...)`,
      );
    }
  }
}
