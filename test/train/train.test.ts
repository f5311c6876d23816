/**
 * train(): the same seeds give the same run to the bit; a run resumed from a checkpoint ends
 * with exactly the weights of an uninterrupted one; early stopping; records as a DataFrame.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import {
  dfpQuantizer, initBackend, loadMnist, quantConv2d, quantDense, toDataFrame, train,
} from "lowbit";

/** A small conv net with every tensor in 8-bit dynamic fixed point with stochastic rounding. */
function model(): tf.Sequential {
  const q = (seed: number) => ({
    weight: dfpQuantizer({ bits: 8 }, { rounding: "stochastic", seed }),
    activation: dfpQuantizer({ bits: 8 }, { rounding: "stochastic", seed: seed + 1 }),
    error: dfpQuantizer({ bits: 8, exponent: "overflow", updateEvery: 2 }, { rounding: "stochastic", seed: seed + 2 }),
    gradient: dfpQuantizer({ bits: 8 }, { rounding: "stochastic", seed: seed + 3 }),
  });
  return tf.sequential({
    layers: [
      quantConv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, strides: 2, activation: "relu", quant: q(10), seed: 1, name: "conv" }),
      tf.layers.flatten(),
      quantDense({ units: 10, quant: q(20), seed: 2, name: "fc" }),
    ],
  });
}

describe("train", () => {
  const dir = mkdtempSync(join(tmpdir(), "lowbit-train-"));
  let data: ReturnType<typeof loadMnist>;
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
    const mnist = loadMnist();
    data = { train: mnist.train.subset(320), test: mnist.test.subset(200) };
  });

  const run = async (epochs: number, checkpoint?: string, m = model(), optimizer = tf.train.adam(0.003)) => {
    const result = await train({ model: m, data, epochs, batchSize: 32, optimizer, seed: 5, checkpoint, resume: true, progress: false });
    return { m, result, weights: m.getWeights().map((w) => [...w.dataSync()]) };
  };

  test("the same seeds give the same losses and weights to the bit", async () => {
    const a = await run(1), b = await run(1);
    assert.deepEqual(a.result.history.map((r) => r.loss), b.result.history.map((r) => r.loss));
    assert.deepEqual(a.weights, b.weights);
  });

  test("resuming from a checkpoint ends with exactly the weights of an uninterrupted run", async () => {
    const straight = await run(3);
    const path = join(dir, "resume.json");
    await run(1, path);
    const resumed = await run(3, path); // a fresh model and optimizer: everything comes from the file
    assert.deepEqual(resumed.weights, straight.weights);
    const strip = (h: typeof straight.result.history) => h.map(({ seconds: _s, ...rest }) => rest);
    assert.deepEqual(strip(resumed.result.history), strip(straight.result.history));
    assert.ok(straight.result.history[2].accuracy! > 0.5, `accuracy ${straight.result.history[2].accuracy}`);
  });

  test("early stopping after `patience` epochs without improvement", async () => {
    const result = await train({
      model: model(), data, epochs: 10, batchSize: 64, optimizer: tf.train.sgd(0), seed: 1,
      // (stochastic rounding moves the accuracy a little even with a zero learning rate)
      earlyStop: { patience: 2, minDelta: 0.05 }, progress: false,
    });
    assert.equal(result.stoppedEarly, true);
    assert.equal(result.history.length, 3);
  });

  test("records as a danfojs DataFrame, with per-layer columns", async () => {
    const { result } = await run(1);
    const df = toDataFrame(result.history) as { columns: string[]; shape: number[] };
    assert.deepEqual(df.shape, [1, df.columns.length]);
    for (const c of ["epoch", "loss", "accuracy", "evalLoss", "seconds"]) assert.ok(df.columns.includes(c), c);
    assert.ok(df.columns.some((c) => /\.weightFrac$/.test(c)));
  });

  test("bad options name the parameter", async () => {
    await assert.rejects(train({ model: model(), data, epochs: 0, batchSize: 8, optimizer: tf.train.sgd(0.1) }), /train epochs must be an integer >= 1/);
    await assert.rejects(train({ model: model(), data, epochs: 1, batchSize: 8, optimizer: tf.train.sgd(0.1), loss: "mse" as never }), /train loss must be a function or one of/);
  });
});
