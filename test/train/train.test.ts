/**
 * train(): the same seeds give the same run to the bit; a run resumed from a checkpoint ends
 * with exactly the weights of an uninterrupted one; early stopping; records as a DataFrame.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "lowbit/tf";
import { dfpQuantizer, fixedPoint, formatQuantizer, initBackend, loadMnist, quantConv2d, quantDense } from "lowbit";
import { toDataFrame } from "lowbit/notebook";
import { quantizeUpdates, shiftAdaMax, train } from "lowbit/train";

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
      quantConv2d({
        inputShape: [28, 28, 1],
        filters: 6,
        kernelSize: 5,
        strides: 2,
        activation: "relu",
        quant: q(10),
        seed: 1,
        name: "conv",
      }),
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
    const result = await train({
      model: m,
      data,
      epochs,
      batchSize: 32,
      optimizer,
      seed: 5,
      checkpoint,
      resume: true,
      progress: false,
    });
    return { m, result, weights: m.getWeights().map((w) => [...w.dataSync()]) };
  };

  test("the same seeds give the same losses and weights to the bit", async () => {
    const a = await run(1),
      b = await run(1);
    assert.deepEqual(
      a.result.history.map((r) => r.loss),
      b.result.history.map((r) => r.loss),
    );
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
      model: model(),
      data,
      epochs: 10,
      batchSize: 64,
      optimizer: tf.train.sgd(0),
      seed: 1,
      // (stochastic rounding moves the accuracy a little even with a zero learning rate)
      earlyStop: { patience: 2, minDelta: 0.05 },
      progress: false,
    });
    assert.equal(result.stoppedEarly, true);
    assert.equal(result.history.length, 3);
  });

  test("records as a danfojs DataFrame, with per-layer columns", async () => {
    const { result } = await run(1);
    const df = toDataFrame(result.history) as { columns: string[]; shape: number[] };
    assert.deepEqual(df.shape, [1, df.columns.length]);
    for (const c of ["epoch", "loss", "accuracy", "evalLoss", "seconds"]) assert.ok(df.columns.includes(c), c);
    assert.ok(df.columns.some((c) => c.endsWith(".weightFrac")));
  });

  test("bad options name the parameter", async () => {
    await assert.rejects(
      train({ model: model(), data, epochs: 0, batchSize: 8, optimizer: tf.train.sgd(0.1) }),
      /train epochs must be an integer in \[1, 2\^53 - 1\]/,
    );
    await assert.rejects(
      train({ model: model(), data, epochs: 1, batchSize: 8, optimizer: tf.train.sgd(0.1), loss: "mse" as never }),
      /train loss must be a function or one of/,
    );
  });
});

describe("quantizeUpdates", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("the weights move by the quantized update of the inner optimizer", () => {
    const w = tf.variable(tf.tensor1d([0.5, -0.25, 1]), true, "quantized_update_w");
    const step = fixedPoint({ bits: 8, frac: 4 }); // updates on a 1/16 grid
    const optimizer = quantizeUpdates(tf.train.sgd(0.1), formatQuantizer(step));
    optimizer.applyGradients({ [w.name]: tf.tensor1d([0.3, -1, 0.05]) });
    // sgd: w - 0.1 g = [0.47, -0.15, 0.995]; updates -0.03, 0.1, -0.005 round to 0, 0.125 (2/16), 0
    assert.deepEqual([...w.dataSync()], [0.5, -0.125, 1]);
    assert.equal(optimizer.iterations, 1);
  });

  test("with stochastic rounding small updates move the weights on average", () => {
    const w = tf.variable(tf.zeros([20000]), true, "quantized_update_sr");
    const optimizer = quantizeUpdates(
      tf.train.sgd(1),
      formatQuantizer(fixedPoint({ bits: 8, frac: 4 }), { rounding: "stochastic", seed: 3 }),
    );
    optimizer.applyGradients({ [w.name]: tf.fill([20000], -0.01) }); // update 0.01 = 0.16 of a step
    const mean = w.mean().dataSync()[0];
    assert.ok(Math.abs(mean - 0.01) < (4 * Math.sqrt((0.16 * 0.84) / 20000)) / 16, `mean ${mean}`);
  });
});

describe("shiftAdaMax", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("three steps equal a float64 reference of the shift-based update", () => {
    const w0 = [0.5, -0.3, 0.02],
      grads = [
        [0.1, -0.4, 0.003],
        [0.2, 0.1, -0.5],
        [-0.05, 0.3, 0.2],
      ];
    const w = tf.variable(tf.tensor1d(w0), true, "shift_adamax_w");
    const optimizer = shiftAdaMax(0.01);
    const ap2 = (x: number) => (x === 0 ? 0 : Math.sign(x) * 2 ** Math.round(Math.log2(Math.abs(x))));
    const ref = [...w0],
      m = [0, 0, 0],
      v = [0, 0, 0];
    grads.forEach((g, step) => {
      optimizer.applyGradients({ [w.name]: tf.tensor1d(g) });
      const size = ap2(0.01 / (1 - 0.9 ** (step + 1)));
      for (let i = 0; i < 3; i++) {
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        v[i] = Math.max(0.999 * v[i], Math.abs(g[i]));
        ref[i] -= size * m[i] * ap2(1 / (v[i] + 1e-8));
      }
      const got = w.dataSync();
      for (let i = 0; i < 3; i++)
        assert.ok(Math.abs(got[i] - ref[i]) < 1e-6, `step ${step} w[${i}] = ${got[i]}, expected ${ref[i]}`);
    });
  });
});
