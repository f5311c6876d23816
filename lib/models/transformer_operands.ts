/**
 * transformerOperands(model, x, y): the three operands of one linear layer's GEMMs in a trained
 * charTransformer, as training meets them, for studying formats on real distributions: the last
 * block's MLP down-projection (4 d -> d), whose
 *
 *   input       X  [batch * time, 4 d]   ReLU activations (non-negative, sparse, heavy-tailed)
 *   weight      W  [4 d, d]              the trained kernel
 *   gradOutput  dY [batch * time, d]     the gradient of the mean cross-entropy on (x, y)
 *                                        (softmaxCrossEntropy, as the model trains) at its output
 *
 * are those of FWD (X W), BWD (dY W^T) and GRAD (X^T dY). The last block's down-projection is the
 * one whose output reaches the loss through the residual stream, the final LayerNorm and the head
 * only, so its gradient is computed from its output here; its forward is recomputed in float32
 * (X W + b), so the operands are the float32 model's whatever its recipe. The caller disposes the
 * three tensors.
 */
import * as tf from "../backend/tf";
import { softmaxCrossEntropy } from "../train/losses";

export interface LinearOperands {
  input: tf.Tensor2D;
  weight: tf.Tensor2D;
  gradOutput: tf.Tensor2D;
}

function layerOf(model: tf.LayersModel, name: string): tf.layers.Layer {
  try {
    return model.getLayer(name);
  } catch {
    throw new RangeError(`lowbit: transformerOperands model must be a charTransformer (it has no layer "${name}")`);
  }
}

export function transformerOperands(model: tf.LayersModel, x: tf.Tensor3D, y: tf.Tensor3D): LinearOperands {
  const blocks = model.layers.filter((l) => /^block\d+_down$/.test(l.name)).length;
  if (blocks === 0)
    throw new RangeError("lowbit: transformerOperands model must be a charTransformer (it has no block*_down layer)");
  const last = blocks - 1;
  const [residual, up, down] = [`block${last}_residual1`, `block${last}_up`, `block${last}_down`].map((n) =>
    layerOf(model, n),
  );
  const [norm, head] = ["ln_final", "head"].map((n) => layerOf(model, n));
  const inner = tf.model({
    inputs: model.inputs,
    outputs: [residual.output as tf.SymbolicTensor, up.output as tf.SymbolicTensor],
  });
  return tf.tidy(() => {
    const [stream, hidden] = inner.predict(x) as tf.Tensor[];
    const [kernel, bias] = down.getWeights();
    const [batch, time, width] = hidden.shape as [number, number, number];
    const input = hidden.reshape([batch * time, width]) as tf.Tensor2D;
    const output = tf.add(tf.matMul(input, kernel as tf.Tensor2D), bias);
    const loss = (o: tf.Tensor) =>
      softmaxCrossEntropy(
        y,
        head.apply(norm.apply(stream.add(o.reshape(stream.shape))) as tf.Tensor) as tf.Tensor,
      ) as tf.Scalar;
    const gradOutput = tf.grad(loss)(output) as tf.Tensor2D;
    return { input, weight: kernel.clone() as tf.Tensor2D, gradOutput };
  });
}
