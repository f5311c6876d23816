/**
 * setLearningRate / learningRateOf on every optimizer lowbit trains with: an optimizer made
 * at rate a and set to b before its first step updates exactly (to the bit) as one made at b,
 * for two steps, state included; a wrapper passes the rate to the optimizer it wraps.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { dfpQuantizer, initBackend } from "lowbit";
import { learningRateOf, setLearningRate, shiftAdaMax, storeQuantized } from "lowbit/train";

const MAKERS: [string, (lr: number) => tf.Optimizer][] = [
  ["sgd", (lr) => tf.train.sgd(lr)],
  ["momentum", (lr) => tf.train.momentum(lr, 0.9)],
  ["adam", (lr) => tf.train.adam(lr)],
  ["adamax", (lr) => tf.train.adamax(lr)],
  ["rmsprop", (lr) => tf.train.rmsprop(lr)],
  ["adagrad", (lr) => tf.train.adagrad(lr)],
  ["adadelta", (lr) => tf.train.adadelta(lr)],
  ["shiftAdaMax", (lr) => shiftAdaMax(lr)],
  ["storeQuantized(adam)", (lr) => storeQuantized(tf.train.adam(lr), () => dfpQuantizer({ bits: 12 }))],
];

function twoSteps(optimizer: tf.Optimizer, rate?: number): Float32Array {
  const w = tf.variable(tf.tensor1d([0.5, -1.25, 2, 0.01]));
  const target = tf.tensor1d([1, 1, -1, 0.5]);
  if (rate !== undefined) setLearningRate(optimizer, rate);
  for (let i = 0; i < 2; i++) optimizer.minimize(() => w.sub(target).square().sum() as tf.Scalar, false, [w]);
  const out = w.dataSync() as Float32Array;
  tf.dispose([w, target]);
  optimizer.dispose();
  return out;
}

describe("setLearningRate", () => {
  before(async () => {
    await initBackend({ backend: "cpu", quiet: true });
  });
  for (const [name, make] of MAKERS) {
    test(`${name}: made at 0.3 and set to 0.02 updates as made at 0.02`, () => {
      const o = make(0.3);
      assert.equal(learningRateOf(o), 0.3);
      const set = twoSteps(o, 0.02);
      assert.equal(learningRateOf(o), 0.02);
      assert.deepEqual(set, twoSteps(make(0.02)));
      assert.notDeepEqual(set, twoSteps(make(0.3)));
    });
  }
  test("a rate that is not a finite number > 0, or not an optimizer, is a clear error", () => {
    assert.throws(
      () => setLearningRate(tf.train.adam(0.1), 0),
      /setLearningRate value must be a finite number > 0; got 0/,
    );
    assert.throws(() => setLearningRate({} as tf.Optimizer, 0.1), /setLearningRate optimizer must be a tf.Optimizer/);
    assert.throws(() => learningRateOf(undefined as never), /learningRateOf optimizer must be a tf.Optimizer/);
  });
});
