/**
 * Gradient plumbing for quantizers, which have zero gradient almost everywhere:
 *
 *   ste(q, { clip })        forward q(x); backward dy (the straight-through estimator), or
 *                           dy * 1{lo <= x <= hi} with clip = [lo, hi] (a number c means [-c, c]),
 *                           the derivative of hard-tanh that QNN uses ("cancellation").
 *   quantizeGradient(x, f)  forward x unchanged; backward quantize(dy, f): the errors E of WAGE
 *                           and DFP flowing back through a layer are quantized this way.
 */
import * as tf from "../backend/tf";
import type { Format } from "./formats";
import { quantize, type QuantizeOptions } from "./quantize";

// tf.customGrad types its function's parameters as a union of tensors and the save function.
type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

export interface SteOptions {
  /** Pass the gradient only where x lies in this range (inclusive). */
  clip?: number | [number, number];
}

function clipRange(clip: number | [number, number]): [number, number] {
  const [lo, hi] = typeof clip === "number" ? [-clip, clip] : clip;
  if (!(lo <= hi))
    throw new RangeError(
      `lowbit: ste clip must be a range [lo, hi] with lo <= hi (or a number c >= 0); got ${JSON.stringify(clip)}`,
    );
  return [lo, hi];
}

export function ste(quantizer: (x: tf.Tensor) => tf.Tensor, options: SteOptions = {}): (x: tf.Tensor) => tf.Tensor {
  const range = options.clip === undefined ? undefined : clipRange(options.clip);
  const withGradient = (x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: quantizer(x),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) =>
        range === undefined ? dy : dy.mul(saved.greaterEqual(range[0]).logicalAnd(saved.lessEqual(range[1]))),
    };
  };
  return tf.customGrad(withGradient as unknown as CustomGradientFunc) as (x: tf.Tensor) => tf.Tensor;
}

export function quantizeGradient(x: tf.Tensor, format: Format, options: QuantizeOptions = {}): tf.Tensor {
  return transformGradient(x, (dy) => quantize(dy, format, options));
}

/** x unchanged forward; backward `transform(dy)` (quantizeGradient with any function of dy). */
export function transformGradient(x: tf.Tensor, transform: (dy: tf.Tensor) => tf.Tensor): tf.Tensor {
  const identity = tf.customGrad(((input: tf.Tensor) => ({
    value: input.clone(),
    gradFunc: (dy: tf.Tensor) => transform(dy),
  })) as unknown as CustomGradientFunc);
  return identity(x) as tf.Tensor;
}
