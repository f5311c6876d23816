/** train()'s argument checks: an empty split and a bad seed are clear errors before any step. */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend, lenet5, loadMnist } from "lowbit";
import { shiftAdaMax, train } from "lowbit/train";

describe("train arguments", () => {
  let mnist: ReturnType<typeof loadMnist>;
  before(async () => {
    await initBackend({ backend: "cpu", quiet: true });
    mnist = loadMnist();
  });

  it("refuses an empty training or evaluation split instead of returning loss NaN", async () => {
    const model = lenet5();
    const options = { model, epochs: 1, batchSize: 8, optimizer: tf.train.sgd(0.1), progress: false };
    const before = tf.memory().numTensors;
    await assert.rejects(train({ ...options, data: { train: mnist.train.subset(0), test: mnist.test.subset(8) } }), {
      name: "RangeError",
      message: "lowbit: train data.train is empty (0 examples); it needs at least 1",
    });
    await assert.rejects(train({ ...options, data: { train: mnist.train.subset(8), test: mnist.test.subset(0) } }), {
      name: "RangeError",
      message: /train data\.test is empty/,
    });
    await assert.rejects(
      train({
        ...options,
        data: { train: mnist.train.subset(8), validation: mnist.test.subset(0), test: mnist.test.subset(8) },
      }),
      { name: "RangeError", message: /train data\.validation is empty/ },
    );
    assert.equal(tf.memory().numTensors, before, "no tensor leaked");
    model.dispose();
  });

  it("refuses a seed that is not an integer in [0, 2^32 - 1]", async () => {
    const model = lenet5();
    const data = { train: mnist.train.subset(8), test: mnist.test.subset(8) };
    for (const seed of [NaN, -1, 0.5, 2 ** 32]) {
      await assert.rejects(
        train({ model, data, epochs: 1, batchSize: 8, optimizer: tf.train.sgd(0.1), seed, progress: false }),
        { name: "RangeError", message: `lowbit: train seed must be an integer in [0, 2^32 - 1]; got ${seed}` },
      );
    }
    model.dispose();
  });
});

describe("shiftAdaMax arguments", () => {
  it("refuses a learning rate that is not a finite number > 0 (Infinity used to pass)", () => {
    for (const bad of [0, -1, NaN, Infinity]) {
      assert.throws(() => shiftAdaMax(bad), {
        name: "RangeError",
        message: /shiftAdaMax learningRate must be a finite number > 0/,
      });
    }
  });
});
