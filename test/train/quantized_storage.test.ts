/**
 * storeQuantized: stored weights land on the quantizer's grid; with nearest rounding an update
 * below half a step never moves a weight, with stochastic rounding it moves it by the update
 * on average (the expectation checked against the binomial bound).
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { dfpQuantizer, fixedPoint, formatQuantizer, initBackend } from "lowbit";
import { storeQuantized } from "lowbit/train";

describe("storeQuantized", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("weights are stored on the grid: q(w - lr g)", () => {
    const w = tf.variable(tf.tensor1d([0.5, -0.25, 1]), true, "stored_w");
    const optimizer = storeQuantized(tf.train.sgd(0.1), () => formatQuantizer(fixedPoint({ bits: 8, frac: 4 })));
    optimizer.applyGradients({ [w.name]: tf.tensor1d([0.3, -1, 0.05]) });
    // w - 0.1 g = [0.47, -0.15, 0.995] -> nearest on the 1/16 grid: [0.5, -0.125, 1]
    assert.deepEqual([...w.dataSync()], [0.5, -0.125, 1]);
    assert.equal(optimizer.iterations, 1);
    w.dispose();
  });

  test("nearest freezes updates below half a step; stochastic rounding moves by the update on average", () => {
    const n = 20000,
      steps = 10,
      update = 0.01; // 0.16 of a 1/16 step per step
    const run = (rounding: "nearest" | "stochastic") => {
      const w = tf.variable(tf.zeros([n]), true, `stored_${rounding}`);
      const optimizer = storeQuantized(tf.train.sgd(1), () =>
        formatQuantizer(fixedPoint({ bits: 8, frac: 4 }), { rounding: rounding, seed: 7 }),
      );
      const g = tf.fill([n], -update);
      const before_ = tf.memory().numTensors;
      for (let i = 0; i < steps; i++) optimizer.applyGradients({ [w.name]: g });
      assert.equal(tf.memory().numTensors, before_, "no tensor leaks across steps");
      const mean = tf.tidy(() => w.mean().dataSync()[0]);
      tf.dispose([w, g]);
      return mean;
    };
    assert.equal(run("nearest"), 0);
    // Sum of 10 steps, each a Bernoulli(0.16) multiple of 1/16 per weight (from 0 the grid point keeps the fraction).
    const mean = run("stochastic");
    const sd = Math.sqrt((steps * 0.16 * 0.84) / n) / 16;
    assert.ok(Math.abs(mean - steps * update) < 5 * sd, `mean ${mean}, expected ${steps * update}`);
  });

  test("each variable gets its own quantizer (dynamic fixed point keeps one exponent per tensor)", () => {
    const a = tf.variable(tf.tensor1d([1, 0.5]), true, "stored_a"),
      b = tf.variable(tf.tensor1d([0.01, 0.002]), true, "stored_b");
    const optimizer = storeQuantized(tf.train.sgd(0), () => dfpQuantizer({ bits: 8 }));
    optimizer.applyGradients({ [a.name]: tf.zeros([2]), [b.name]: tf.zeros([2]) });
    const fracOf = (name: string) => (optimizer.quantizers.get(name) as ReturnType<typeof dfpQuantizer>).dfp.frac;
    assert.deepEqual(fracOf(a.name), [6]); // max 1 = 2^0 needs 1 integer bit: frac = 8 - 2 - 0
    assert.deepEqual(fracOf(b.name), [13]); // max 0.01: floor(log2 0.01) = -7, frac = 6 + 7
    tf.dispose([a, b]);
  });

  test("bad input", () => {
    assert.throws(() => storeQuantized(tf.train.sgd(1), undefined as never), TypeError);
  });
});
