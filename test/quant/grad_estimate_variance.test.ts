/**
 * gradEstimateVariance: a Hadamard transform without quantization (rounding nearest, no format)
 * leaves the exact product X^T dY unchanged; nearest rounding alone has no variance; stochastic
 * rounding to MXFP4 with scales that do not clip is unbiased (the bias left after averaging the
 * draws is within 1.5 times the standard error that an unbiased estimator shows: its expected
 * square is exactly standardError^2); the transform lowers the variance when every block holds an
 * outlier; seeded; bad arguments named.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { FP4_E2M1, type GemmRecipe, gradEstimateVariance, mx, type OperandRecipe } from "lowbit/quant";

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

/** A recipe whose GRAD operands are both `operand` (the other GEMMs float32). */
const gradRecipe = (name: string, operand: OperandRecipe): GemmRecipe => ({
  name,
  FWD: { input: {}, weight: {} },
  BWD: { gradOutput: {}, weight: {} },
  GRAD: { input: operand, gradOutput: operand },
});

/** MXFP4 with the scale rounded up: no element clips, so stochastic rounding is unbiased. */
const MXFP4_CEIL = mx({ element: FP4_E2M1, scaleRounding: "ceil" });

/** Activations with a few large rows (outliers along the GRAD GEMM's contraction axis) and gradients. */
function batch(): { x: tf.Tensor2D; dy: tf.Tensor2D } {
  return tf.tidy(() => {
    const rows = tf.tensor1d(Float32Array.from({ length: 64 }, (_, r) => (r % 21 === 3 ? 40 : 1)));
    const x = tf.randomNormal([64, 16], 0, 1, "float32", 1).mul(rows.reshape([64, 1])) as tf.Tensor2D;
    const dy = tf.randomNormal([64, 8], 0, 0.01, "float32", 2) as tf.Tensor2D;
    return { x, dy };
  });
}

describe("gradEstimateVariance", () => {
  test("a Hadamard transform with nearest rounding and no format leaves the product unchanged", () => {
    const { x, dy } = batch();
    const r = gradEstimateVariance(x, dy, gradRecipe("RHT", { rounding: "nearest", hadamard: { blockSize: 32 } }), {
      draws: 4,
    });
    const scale = Math.sqrt(r.variance / r.relativeVariance); // the RMS of the exact dW
    assert.ok(r.bias < 1e-5 * scale, `bias ${r.bias} of ${scale}`);
    assert.ok(r.meanSquaredError < 1e-10 * scale ** 2);
    const nearest = gradEstimateVariance(x, dy, gradRecipe("nearest", { format: MXFP4_CEIL, rounding: "nearest" }), {
      draws: 3,
    });
    assert.equal(nearest.variance, 0);
    assert.ok(nearest.bias > 0);
    tf.dispose([x, dy]);
  });

  test("stochastic rounding is unbiased within 1.5 standard errors, with and without the transform", () => {
    const { x, dy } = batch();
    const sr = gradEstimateVariance(x, dy, gradRecipe("SR", { format: MXFP4_CEIL, rounding: "stochastic" }), {
      draws: 64,
      seed: 5,
    });
    const srRht = gradEstimateVariance(
      x,
      dy,
      gradRecipe("SR RHT", { format: MXFP4_CEIL, rounding: "stochastic", hadamard: { blockSize: 32 } }),
      { draws: 64, seed: 5 },
    );
    for (const r of [sr, srRht]) {
      assert.ok(r.variance > 0);
      assert.ok(r.bias < 1.5 * r.standardError, `bias ${r.bias}, standard error ${r.standardError}`);
      // MSE = variance (over draws, divided by draws - 1 vs draws) + bias^2.
      const mse = (r.variance * (r.draws - 1)) / r.draws + r.bias ** 2;
      assert.ok(Math.abs(r.meanSquaredError - mse) < 1e-6 * mse);
    }
    tf.dispose([x, dy]);
  });

  test("the transform lowers the variance when each block holds an outlier", () => {
    // One row in 32 twenty times larger sets its block's scale; only X is rounded, so the
    // variance is X's rounding alone (dY is transformed with it, not rounded).
    const { x, dy } = tf.tidy(() => {
      const rows = tf.tensor1d(Float32Array.from({ length: 64 }, (_, r) => (r % 32 === 5 ? 20 : 1)));
      return {
        x: tf.randomNormal([64, 16], 0, 1, "float32", 1).mul(rows.reshape([64, 1])) as tf.Tensor2D,
        dy: tf.randomNormal([64, 8], 0, 0.01, "float32", 2) as tf.Tensor2D,
      };
    });
    const xOnly = (hadamard: boolean): GemmRecipe => ({
      ...gradRecipe("X", {}),
      GRAD: {
        input: { format: MXFP4_CEIL, rounding: "stochastic", ...(hadamard ? { hadamard: { blockSize: 32 } } : {}) },
        gradOutput: hadamard ? { hadamard: { blockSize: 32 } } : {},
      },
    });
    const without = gradEstimateVariance(x, dy, xOnly(false), { draws: 32, seed: 5 });
    const withRht = gradEstimateVariance(x, dy, xOnly(true), { draws: 32, seed: 5 });
    // Measured: about a third.
    assert.ok(withRht.variance < 0.6 * without.variance, `with RHT ${withRht.variance}, without ${without.variance}`);
    tf.dispose([x, dy]);
  });

  test("seeded: the same seed the same numbers, another seed others", () => {
    const { x, dy } = batch();
    const recipe = gradRecipe("SR", { format: MXFP4_CEIL, rounding: "stochastic", hadamard: { blockSize: 16 } });
    const a = gradEstimateVariance(x, dy, recipe, { draws: 4, seed: 1 });
    assert.deepEqual(gradEstimateVariance(x, dy, recipe, { draws: 4, seed: 1 }), a);
    assert.notDeepEqual(gradEstimateVariance(x, dy, recipe, { draws: 4, seed: 2 }), a);
    tf.dispose([x, dy]);
  });

  test("bad arguments are refused by name; no tensor leaks", () => {
    const { x, dy } = batch();
    const recipe = gradRecipe("SR", { format: MXFP4_CEIL, rounding: "stochastic" });
    const before = tf.memory().numTensors;
    gradEstimateVariance(x, dy, recipe, { draws: 2 });
    assert.equal(tf.memory().numTensors, before);
    assert.throws(
      () => gradEstimateVariance(x, dy, recipe, { draws: 1 }),
      /RangeError: lowbit: gradEstimateVariance draws must be an integer in \[2, /,
    );
    assert.throws(() => gradEstimateVariance(x, dy, recipe, { seed: -1 }), /gradEstimateVariance seed/);
    assert.throws(
      () => gradEstimateVariance(x, dy.slice(0, 32), recipe),
      /x and dy must have the same rows \(the batch\); got 64 and 32/,
    );
    assert.throws(
      () => gradEstimateVariance(x.reshape([64, 4, 4]) as never, dy, recipe),
      /TypeError: lowbit: gradEstimateVariance x must be a 2-D float32 tensor/,
    );
    assert.throws(
      () => gradEstimateVariance(x, dy, null as never),
      /TypeError: lowbit: gradEstimateVariance recipe must be a GemmRecipe/,
    );
    tf.dispose([x, dy]);
  });
});
