/**
 * transformerOperands: shapes, the trained kernel, and the gradient at the output checked against
 * the whole model's: X^T dY equals the loss's gradient with respect to the down-projection's
 * kernel (tf.variableGrads through the model), and dY's column sums its bias gradient. No leaks.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { charTransformer, transformerOperands } from "lowbit/models";
import { softmaxCrossEntropy } from "lowbit/train";

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

function oneHot(ids: number[], batch: number, time: number, vocab: number): tf.Tensor3D {
  return tf.tidy(() => tf.oneHot(tf.tensor2d(ids, [batch, time], "int32"), vocab).toFloat() as tf.Tensor3D);
}

describe("transformerOperands", () => {
  test("gives the last block's down-projection operands; X^T dY is the model's kernel gradient", () => {
    const [vocab, time, batch] = [11, 8, 3];
    const model = charTransformer({ vocab, sequenceLength: time, dModel: 16, layers: 2, heads: 2, seed: 5 });
    const ids = Array.from({ length: batch * time }, (_, i) => (i * 7 + 3) % vocab);
    const x = oneHot(ids, batch, time, vocab);
    const y = oneHot(
      ids.map((c) => (c + 1) % vocab),
      batch,
      time,
      vocab,
    );
    const before = tf.memory().numTensors;
    const { input, weight, gradOutput } = transformerOperands(model, x, y);
    assert.deepEqual(input.shape, [batch * time, 64]);
    assert.deepEqual(weight.shape, [64, 16]);
    assert.deepEqual(gradOutput.shape, [batch * time, 16]);
    const down = model.getLayer("block1_down");
    assert.deepEqual(weight.dataSync(), down.getWeights()[0].dataSync());
    const [kernelVar, biasVar] = down.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const { value, grads } = tf.variableGrads(
      () => softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar,
      [kernelVar, biasVar],
    );
    const dw = tf.matMul(input, gradOutput, true, false);
    const db = gradOutput.sum(0);
    for (const [ours, theirs] of [
      [dw, grads[kernelVar.name]],
      [db, grads[biasVar.name]],
    ] as const) {
      const [a, b] = [ours.dataSync(), theirs.dataSync()];
      const scale = Math.max(...Array.from(b, Math.abs));
      assert.ok(scale > 0);
      for (let i = 0; i < a.length; i++)
        assert.ok(Math.abs(a[i] - b[i]) <= 1e-4 * scale, `element ${i}: ${a[i]} vs ${b[i]}`);
    }
    tf.dispose([input, weight, gradOutput, dw, db, value, ...Object.values(grads)]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, y]);
    model.dispose();
  });

  test("refuses a model that is not a charTransformer", () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    assert.throws(
      () => transformerOperands(model, tf.zeros([1, 1, 3]) as tf.Tensor3D, tf.zeros([1, 1, 2]) as tf.Tensor3D),
      /transformerOperands model must be a charTransformer \(it has no block\*_down layer\)/,
    );
    model.dispose();
  });
});
