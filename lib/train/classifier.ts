/**
 * The smallest training loop pieces for a float classifier: one optimizer step on softmax
 * cross-entropy, and accuracy over a batch. Everything allocated inside is released, so the
 * number of live tensors stays flat across steps.
 */
import * as tf from "../backend/tf";

/**
 * One step: loss = mean softmax cross-entropy of model(x) against one-hot `y`, gradients of
 * the model's trainable weights, optimizer update. Returns the loss (a scalar the caller
 * disposes), so the caller decides when to synchronise with `dataSync`.
 */
export function classifierStep(model: tf.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return optimizer.minimize(() => {
    const logits = model.apply(x, { training: true }) as tf.Tensor;
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  }, true)!;
}

/** Number of rows of `x` whose arg-max prediction equals the integer label in `labels`. */
export function countCorrect(model: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor): number {
  return tf.tidy(() => {
    const predicted = (model.apply(x) as tf.Tensor).argMax(-1);
    return predicted.equal(labels.cast("int32")).sum().dataSync()[0];
  });
}
