/**
 * A float LeNet-5 training step on the wasm backend: no tensor and no wasm-heap buffer leaks
 * across steps, the loss falls on a fixed batch, and the same seed gives the same weights.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { forwardMacs, initBackend, lenet5 } from "lowbit";
import { classifierStep } from "lowbit/train";
import { testData } from "./reference";

describe("LeNet-5 training step on wasm", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("multiply-adds per image: 32C5-MP2-64C5-MP2-512FC-10 on 28x28", () => {
    const model = lenet5();
    // conv1 24*24*32*25, conv2 8*8*64*800, fc 1024*512, out 512*10
    assert.equal(forwardMacs(model), 460800 + 3276800 + 524288 + 5120);
    model.dispose();
  });

  test("tensor count and wasm buffers stay flat; the loss falls", () => {
    const model = lenet5({ seed: 3 });
    const optimizer = tf.train.adam(1e-3);
    const x = tf.tensor4d(
      testData(32 * 28 * 28, 1).map((v) => (v + 1) / 2),
      [32, 28, 28, 1],
    );
    const y = tf
      .oneHot(
        tf.tensor1d(
          Array.from({ length: 32 }, (_, i) => i % 10),
          "int32",
        ),
        10,
      )
      .toFloat();
    const losses: number[] = [];
    const step = () => {
      const loss = classifierStep(model, optimizer, x, y);
      losses.push(loss.dataSync()[0]);
      loss.dispose();
    };
    step(); // the first step creates the optimizer's slots
    const tensors = tf.memory().numTensors,
      buffers = tf.engine().backend.numDataIds();
    for (let i = 0; i < 15; i++) step();
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(tf.engine().backend.numDataIds(), buffers);
    assert.ok(losses[losses.length - 1] < 0.7 * losses[0], `loss ${losses[0]} -> ${losses[losses.length - 1]}`);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });

  test("the same seed gives the same initial weights, another seed others", () => {
    const weights = (seed: number) => {
      const m = lenet5({ seed });
      const w = m.getWeights().map((t) => t.dataSync().slice());
      m.dispose();
      return w;
    };
    assert.deepEqual(weights(5), weights(5));
    assert.notDeepEqual(weights(5)[0], weights(6)[0]);
  });
});
