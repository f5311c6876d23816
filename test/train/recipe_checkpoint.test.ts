/**
 * Checkpoints of layers with a GEMM recipe: the layers' call counts (the steps their stochastic
 * rounding and Hadamard signs come from) are saved and restored, so a resumed run ends with the
 * bits of an uninterrupted one; a checkpoint's step counts and the model's recipe layers must
 * match (a count for a layer without a recipe, or a recipe layer without a count, is an error).
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { quantDense, type QuantDense } from "lowbit/layers";
import { type GemmRecipe, MXFP4_SR_RHT } from "lowbit/quant";
import { train } from "lowbit/train";

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

function model(recipe: GemmRecipe | null): tf.Sequential {
  return tf.sequential({
    layers: [
      quantDense({ name: "hidden", units: 32, activation: "relu", recipe, seed: 1, inputShape: [32] }),
      quantDense({ name: "out", units: 32, recipe, seed: 2 }),
    ],
  });
}

/** Two batches per epoch, a function of the epoch (tfjs takes a seed of 0 as none: seeds from 1). */
function* batches(epoch: number) {
  for (let k = 0; k < 2; k++) {
    yield tf.tidy(() => ({
      x: tf.randomNormal([32, 32], 0, 1, "float32", 1 + 10 * epoch + k),
      y: tf.oneHot(tf.tensor1d([...Array(32).keys()], "int32"), 32).toFloat(),
    }));
  }
}

const options = { batches, progress: false, interruptible: false } as const;

describe("checkpoints of recipe layers", () => {
  test("a resumed run ends with the bits and step counts of an uninterrupted one", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-recipe-")), "run.ckpt");
    const whole = model(MXFP4_SR_RHT),
      wholeOptimizer = tf.train.adam(0.01);
    await train({ ...options, model: whole, optimizer: wholeOptimizer, epochs: 2 });

    const first = model(MXFP4_SR_RHT),
      firstOptimizer = tf.train.adam(0.01);
    await train({ ...options, model: first, optimizer: firstOptimizer, epochs: 1, checkpoint: file });
    const resumed = model(MXFP4_SR_RHT),
      resumedOptimizer = tf.train.adam(0.01);
    await train({ ...options, model: resumed, optimizer: resumedOptimizer, epochs: 2, checkpoint: file, resume: true });

    const calls = (m: tf.Sequential) => m.layers.map((l) => (l as QuantDense).recipeCalls);
    assert.deepEqual(calls(resumed), calls(whole));
    assert.deepEqual(calls(whole), [4, 4]);
    const bits = (m: tf.Sequential) =>
      m.getWeights().map((w) => Array.from(new Uint32Array(w.dataSync().slice().buffer)));
    assert.deepEqual(bits(resumed), bits(whole));

    const plain = model(null),
      plainOptimizer = tf.train.adam(0.01);
    await assert.rejects(
      train({ ...options, model: plain, optimizer: plainOptimizer, epochs: 2, checkpoint: file, resume: true }),
      /RangeError: lowbit: checkpoint .* has the recipe step count of layer 0, which has no GEMM recipe in this model/,
    );
    const plainFile = path.join(path.dirname(file), "plain.ckpt");
    await train({ ...options, model: plain, optimizer: plainOptimizer, epochs: 1, checkpoint: plainFile });
    const withRecipe = model(MXFP4_SR_RHT),
      withRecipeOptimizer = tf.train.adam(0.01);
    await assert.rejects(
      train({
        ...options,
        model: withRecipe,
        optimizer: withRecipeOptimizer,
        epochs: 2,
        checkpoint: plainFile,
        resume: true,
      }),
      /RangeError: lowbit: checkpoint .* has no recipe step count for layer 0 \(hidden\), which has a GEMM recipe in this model/,
    );
    for (const m of [whole, first, resumed, plain, withRecipe]) m.dispose();
    for (const o of [wholeOptimizer, firstOptimizer, resumedOptimizer, plainOptimizer, withRecipeOptimizer])
      o.dispose();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
