/**
 * layerNorm: the normalization against a float64 evaluation of its formula, its gradients against
 * tfjs's layerNormalization (the same function, differentiated through tf.tile), no Tile kernel in
 * its backward pass (the reason it exists), its options checked by name, and no leaked tensors.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { layerNorm } from "lowbit/layers";

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

/** Values over four orders of magnitude, an offset row and a constant row (variance 0). */
function input(): tf.Tensor3D {
  const [b, t, d] = [2, 3, 8];
  const v = new Float32Array(b * t * d);
  for (let i = 0; i < v.length; i++) v[i] = Math.sin(1.7 * i + 0.3) * 10 ** ((i % 5) - 2);
  for (let j = 0; j < d; j++) v[d + j] += 1000;
  for (let j = 0; j < d; j++) v[2 * d + j] = 3.25;
  return tf.tensor3d(v, [b, t, d]);
}

describe("layerNorm", () => {
  test("normalizes each position's last axis as the float64 formula does", () => {
    const x = input();
    const layer = layerNorm({ epsilon: 1e-5 });
    const y = layer.apply(x) as tf.Tensor;
    const got = y.dataSync(),
      xs = x.dataSync();
    const d = 8;
    for (let row = 0; row < xs.length / d; row++) {
      const r = Array.from(xs.subarray(row * d, row * d + d));
      const mean = r.reduce((a, b) => a + b, 0) / d;
      const variance = r.reduce((a, b) => a + (b - mean) ** 2, 0) / d;
      for (let j = 0; j < d; j++) {
        const want = (r[j] - mean) / Math.sqrt(variance + 1e-5);
        assert.ok(Math.abs(got[row * d + j] - want) <= 2e-4 * Math.max(1, Math.abs(want)), `row ${row}, ${j}`);
      }
    }
    tf.dispose([x, y]);
    layer.dispose();
  });

  test("has tfjs layerNormalization's gradients, without a Tile kernel", async () => {
    const x = input();
    const ours = layerNorm({ epsilon: 1e-5 });
    const theirs = tf.layers.layerNormalization({ epsilon: 1e-5 });
    const w = tf.randomNormal(x.shape, 0, 1, "float32", 7);
    const gradients = (layer: tf.layers.Layer) => {
      layer.apply(x); // builds the weights
      const vars = layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
      const f = (input: tf.Tensor) => (layer.apply(input) as tf.Tensor).mul(w).sum() as tf.Scalar;
      const { grads } = tf.variableGrads(() => f(x), vars);
      const dx = tf.grad(f)(x);
      return [dx, ...vars.map((v) => grads[v.name])];
    };
    const a = gradients(ours),
      b = gradients(theirs);
    for (let i = 0; i < a.length; i++) {
      const [u, v] = [a[i].dataSync(), b[i].dataSync()];
      for (let j = 0; j < u.length; j++)
        assert.ok(Math.abs(u[j] - v[j]) <= 1e-3 * Math.max(1, Math.abs(v[j])), `gradient ${i}, element ${j}`);
    }
    const profile = await tf.profile(() => tf.dispose(gradients(ours)));
    assert.deepEqual(
      profile.kernels.filter((k) => k.name === "Tile").map((k) => k.name),
      [],
    );
    tf.dispose([x, w, ...a, ...b]);
    ours.dispose();
    theirs.dispose();
  });

  test("checks epsilon by name and leaks no tensor", () => {
    assert.throws(() => layerNorm({ epsilon: 0 }), /layerNorm epsilon must be a number in \(0, 1\); got 0/);
    const x = input();
    const layer = layerNorm();
    tf.dispose(layer.apply(x) as tf.Tensor);
    const before = tf.memory().numTensors;
    tf.dispose(layer.apply(x) as tf.Tensor);
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
    layer.dispose();
  });
});
