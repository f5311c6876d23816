/**
 * quantizationError: a block of 32 worked by hand (one outlier sets the MXFP4 scale and flushes
 * the rest), tensors keep their block axis, non-finite values are left out, and bad input is
 * refused by name.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { FP32, MXFP4, mx, FP4_E2M1, quantizationError } from "lowbit/quant";

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

describe("quantizationError", () => {
  test("one outlier of a block flushes its small values (worked by hand)", () => {
    // max 6: X = 2^(floor(log2 6) - 2) = 1; 0.2 lies below half of FP4's smallest step 0.5.
    const x = new Float32Array(32).fill(0.2);
    x[5] = 6;
    const e = quantizationError(x, MXFP4);
    assert.equal(e.flushedToZero, 31 / 32);
    const noise = 31 * Math.fround(0.2) ** 2;
    assert.ok(Math.abs(e.relativeMse - noise / (36 + noise)) < 1e-12);
    assert.deepEqual(quantizationError(x, FP32), { relativeMse: 0, flushedToZero: 0 });
    // Without the outlier, 0.2 sets the scale: X = 2^(floor(log2 0.2) - 2) = 2^-5, 0.2 = 6.4 X -> 6 X.
    const alone = quantizationError(new Float32Array(32).fill(0.2), MXFP4);
    assert.equal(alone.flushedToZero, 0);
    assert.ok(Math.abs(alone.relativeMse - (0.4 / 6.4) ** 2) < 1e-6);
  });

  test("a tensor keeps its blocks' axis; non-finite values are left out", () => {
    // Blocks of 32 down the columns (axis 0): each column is the hand-worked block above.
    const column = new Float32Array(32).fill(0.2);
    column[5] = 6;
    const values = new Float32Array(64);
    for (let r = 0; r < 32; r++) {
      values[2 * r] = column[r];
      values[2 * r + 1] = column[r];
    }
    const t = tf.tensor2d(values, [32, 2]);
    const byColumn = quantizationError(t, mx({ element: FP4_E2M1, axis: 0 }));
    assert.equal(byColumn.flushedToZero, 31 / 32);
    const withSpecials = Float32Array.from([1, Number.POSITIVE_INFINITY, 1e-30, Number.NaN]);
    assert.deepEqual(quantizationError(withSpecials, FP32), { relativeMse: 0, flushedToZero: 0 });
    assert.throws(
      () => quantizationError(tf.tensor1d([1, 2], "int32"), MXFP4),
      /quantizationError x must be a float32 tensor or a Float32Array/,
    );
    t.dispose();
  });
});
