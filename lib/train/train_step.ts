/**
 * One training step of a model that may contain quantized layers:
 *   1. loss and gradients of the trainable weights (the layers quantize W, A forward and E
 *      backward themselves);
 *   2. G: each quantized layer's kernel gradient goes through its gradient quantizer;
 *   3. the optimizer's update of the master weights;
 *   4. master-weight clipping of the layers that ask for it.
 * x is the model's input, or its list of inputs (an encoder-decoder's [source, decoderInput]).
 * Returns the loss (a scalar the caller disposes); everything else is released.
 */
import * as tf from "../backend/tf";
import { QuantLayer } from "../layers";
import type { Loss } from "./losses";

export function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  loss: Loss,
  x: tf.Tensor | tf.Tensor[],
  y: tf.Tensor,
): tf.Scalar {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => loss(y, model.apply(x, { training: true }) as tf.Tensor), variables);
  const quantLayers = model.layers.filter((l): l is QuantLayer => l instanceof QuantLayer);
  for (const layer of quantLayers) {
    if (layer.quant.gradient === undefined) continue;
    const name = (layer.masterKernel() as tf.Variable).name;
    const g = grads[name];
    if (g === undefined) continue;
    grads[name] = layer.quantizeGradient(g);
    g.dispose();
  }
  optimizer.applyGradients(grads);
  tf.dispose(grads);
  for (const layer of quantLayers) layer.clipWeights();
  return value;
}
