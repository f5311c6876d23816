/**
 * Losses of the papers, each a mean over the batch of a per-example loss (targets one-hot):
 *   softmaxCrossEntropy  -sum_c y_c log softmax(out)_c
 *   sumSquaredError      0.5 * sum_c (y_c - out_c)^2                      (WAGE)
 *   squaredHinge         mean_c max(0, 1 - t_c out_c)^2, t = 2y - 1 in {-1, +1}   (QNN's Theano code)
 */
import * as tf from "../backend/tf";

export type Loss = (yOneHot: tf.Tensor, out: tf.Tensor) => tf.Scalar;

export const softmaxCrossEntropy: Loss = (y, out) => tf.losses.softmaxCrossEntropy(y, out) as tf.Scalar;

export const sumSquaredError: Loss = (y, out) =>
  tf.tidy(() => y.sub(out).square().sum(-1).mean().mul(0.5) as tf.Scalar);

export const squaredHinge: Loss = (y, out) =>
  tf.tidy(
    () =>
      tf
        .relu(tf.scalar(1).sub(y.mul(2).sub(1).mul(out)))
        .square()
        .mean() as tf.Scalar,
  );

export const LOSSES = { softmaxCrossEntropy, sumSquaredError, squaredHinge } as const;
export type LossName = keyof typeof LOSSES;
