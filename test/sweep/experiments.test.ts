/**
 * lowbit's registered experiments. least-squares-sgd against a re-derivation from its definition
 * (float32 storage: Math.fround is round-to-nearest-even to float32, the same draws of Rng), its
 * paired design (one seed, one problem), and Gupta et al.'s effect (round-to-nearest stalls on a
 * coarse grid, stochastic rounding does not). mnist-mlp: one tiny run.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { FP32, Rng } from "lowbit";
import { EXPERIMENTS, type JsonObject, leastSquaresSgd, loadExperiment, mnistMlp } from "lowbit/sweep";

/** SGD on the experiment's problem with float32 weights, written from the definition. */
function float32Reference(seed: number, steps: number, d: number, lr: number, noise: number) {
  const data = new Rng(seed, 0);
  const u = () => 2 * data.next() - 1;
  const target = Array.from({ length: d }, u);
  const w = new Array<number>(d).fill(0);
  for (let t = 0; t < steps; t++) {
    let y = noise * u();
    const x: number[] = [];
    for (let i = 0; i < d; i++) {
      x.push(u());
      y += target[i] * x[i];
    }
    const prediction = w.reduce((s, wi, i) => s + wi * x[i], 0);
    for (let i = 0; i < d; i++) w[i] = Math.fround(w[i] - lr * (prediction - y) * x[i]);
  }
  const squared = w.reduce((s, wi, i) => s + (wi - target[i]) ** 2, 0);
  return { excessRisk: squared / 3, rmsWeightError: Math.sqrt(squared / d) };
}

describe("least-squares-sgd", () => {
  test("float32 weights with round-to-nearest equal SGD written from the definition, bit for bit", () => {
    for (const [seed, d, lr, noise] of [
      [0, 8, 0.05, 0.1],
      [12345, 3, 0.2, 0],
      [2 ** 32 - 1, 17, 0.01, 2],
    ]) {
      const got = leastSquaresSgd(
        {
          format: FP32 as unknown as JsonObject,
          steps: 300,
          dimension: d,
          learningRate: lr,
          noise,
        },
        { seed },
      );
      assert.deepEqual(got, float32Reference(seed, 300, d, lr, noise), `seed ${seed}`);
    }
  });

  test("deterministic per seed; on 6 bits round-to-nearest stalls while stochastic rounding converges", () => {
    const config = { format: { kind: "fixed", bits: 6, frac: 4 }, steps: 3000, learningRate: 0.02 };
    const a = leastSquaresSgd({ ...config, rounding: "stochastic" }, { seed: 3 });
    assert.deepEqual(leastSquaresSgd({ ...config, rounding: "stochastic" }, { seed: 3 }), a);
    assert.notDeepEqual(leastSquaresSgd({ ...config, rounding: "stochastic" }, { seed: 4 }), a);
    for (const seed of [0, 1, 2]) {
      const nearest = leastSquaresSgd({ ...config, rounding: "nearest" }, { seed });
      const stochastic = leastSquaresSgd({ ...config, rounding: "stochastic" }, { seed });
      // An update below half a step (2^-5) rounds back: lr * error * x is below it once |error| < 1.5.
      assert.ok(
        stochastic.excessRisk * 5 < nearest.excessRisk,
        `seed ${seed}: ${stochastic.excessRisk} vs ${nearest.excessRisk}`,
      );
    }
  });

  test("configuration mistakes name the key and the range", () => {
    const cases: [object, RegExp][] = [
      [
        { step: 5 },
        /has no configuration key "step"; its keys are format, rounding, learningRate, steps, dimension, noise/,
      ],
      [{ steps: 0 }, /least-squares-sgd" steps must be an integer in \[1, 100000000\]; got 0/],
      [{ learningRate: -1 }, /learningRate must be a number in \(0, 1\]; got -1/],
      // Every rounding of lib/quant is allowed (issue 22 added "up", "down", "odd", "nearestAway").
      [
        { rounding: "sideways" },
        /rounding must be one of "nearest", "stochastic", "zero", "floor", .*"odd".*; got "sideways"/,
      ],
      [{ format: { kind: "fixed", bits: 99 } }, /format/],
    ];
    for (const [config, message] of cases) assert.throws(() => leastSquaresSgd(config as never, { seed: 0 }), message);
  });
});

describe("the registry", () => {
  test("names lowbit's experiments; an unknown name or a module without the function is an error", () => {
    assert.deepEqual(Object.keys(EXPERIMENTS), [
      "least-squares-sgd",
      "mnist-mlp",
      "dfp-lenet",
      "dfp-seq2seq",
      "wage-lenet",
      "sq-vgg",
      "qnn-mlp-mnist",
      "char-lstm-devil",
      "accumulation-cnn",
      "fp8-mlp",
      "recipe-lm-devil",
      "recipe-mlp-fashion",
    ]);
    assert.equal(loadExperiment("least-squares-sgd"), leastSquaresSgd);
    assert.throws(
      () => loadExperiment("nope"),
      /unknown experiment "nope"; lowbit's experiments are least-squares-sgd, mnist-mlp, dfp-lenet, dfp-seq2seq, wage-lenet, sq-vgg, qnn-mlp-mnist, char-lstm-devil, accumulation-cnn, fp8-mlp, recipe-lm-devil, recipe-mlp-fashion/,
    );
    assert.throws(() => loadExperiment("nope", "node:path"), /module node:path exports no function "nope"; it exports/);
    assert.throws(
      () => loadExperiment("x", "/no/such/module.js"),
      /cannot load the sweep's module \/no\/such\/module.js/,
    );
  });

  test("mnist-mlp trains a small MLP and reports test accuracy, leaking no tensors", async () => {
    const config = { hidden: 32, trainImages: 500, testImages: 200, batchSize: 50 };
    await mnistMlp(config, { seed: 1 }); // the backend's own first-use tensors
    const before = tf.memory().numTensors;
    const m = await mnistMlp(config, { seed: 1 });
    assert.equal(tf.memory().numTensors, before);
    assert.ok(m.accuracy > 0.3 && m.accuracy <= 1, `accuracy ${m.accuracy}`);
    assert.ok(Number.isFinite(m.loss) && Number.isFinite(m.trainLoss));
    await assert.rejects(mnistMlp({ hiden: 3 }, { seed: 0 }), /no configuration key "hiden"/);
  });
});
