/**
 * lowbit's wasm MaxPoolGrad and BatchMatMul against tfjs's cpu backend and brute force,
 * including ties in the pooling window (the gradient goes to the first maximum).
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { onBackend, readAndDispose, relativeError, testData } from "./reference";

describe("wasm MaxPoolGrad", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  const cases: { shape: [number, number, number, number]; size: number; stride: number; pad: "same" | "valid" }[] = [];
  for (const size of [2, 3]) {
    for (const stride of [1, 2, 3]) {
      for (const pad of ["same", "valid"] as const) cases.push({ shape: [2, 9, 7, 6], size, stride, pad });
    }
  }
  cases.push({ shape: [8, 24, 24, 32], size: 2, stride: 2, pad: "valid" });

  for (const [i, c] of cases.entries()) {
    for (const ties of [false, true]) {
      test(`${c.shape.join("x")} pool ${c.size} stride ${c.stride} ${c.pad}${ties ? " with ties" : ""}`, () => {
        let x = testData(
          c.shape.reduce((a, b) => a * b),
          2 * i + 1,
        );
        // Values from {-1, 0, 1}: most windows then hold several equal maxima.
        if (ties) x = x.map((v) => Math.round(v));
        const grad = () =>
          readAndDispose(
            tf.tidy(() => {
              const xt = tf.tensor4d(x, c.shape);
              const y = tf.maxPool(xt, c.size, c.stride, c.pad);
              // Integer gradients: sums of overlapping windows are exact in any order, so the
              // comparison is exact and checks where each gradient went.
              const dy = tf.tensor(
                testData(y.size, 2 * i + 2).map((v) => Math.round(8 * v)),
                y.shape,
              );
              return tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, c.size, c.stride, c.pad))(xt, dy);
            }),
          );
        const ids = tf.engine().backend.numDataIds();
        const ours = grad();
        assert.equal(tf.engine().backend.numDataIds(), ids);
        assert.deepEqual(ours, onBackend("cpu", grad));
      });
    }
  }
});

describe("wasm BatchMatMul with transposed operands", () => {
  for (const [shapeA, shapeB] of [
    [
      [7, 5],
      [5, 3],
    ],
    [
      [2, 6, 4],
      [2, 4, 9],
    ],
    [
      [128, 1024],
      [1024, 64],
    ],
  ]) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        test(`${shapeA} x ${shapeB}, transposeA ${transposeA}, transposeB ${transposeB}`, () => {
          const swap = (s: number[], t: boolean) => (t ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s);
          const a = testData(
              shapeA.reduce((p, q) => p * q),
              1,
            ),
            b = testData(
              shapeB.reduce((p, q) => p * q),
              2,
            );
          // The operands are stored transposed, so the products are the same for all flags.
          const product = () =>
            readAndDispose(
              tf.tidy(() => {
                const ta = tf.tensor(a, shapeA),
                  tb = tf.tensor(b, shapeB);
                const pa = transposeA
                  ? ta.transpose([...Array(shapeA.length - 2).keys(), shapeA.length - 1, shapeA.length - 2])
                  : ta;
                const pb = transposeB
                  ? tb.transpose([...Array(shapeB.length - 2).keys(), shapeB.length - 1, shapeB.length - 2])
                  : tb;
                assert.deepEqual(pa.shape, swap(shapeA, transposeA));
                return tf.matMul(pa, pb, transposeA, transposeB);
              }),
            );
          assert.ok(relativeError(product(), onBackend("cpu", product)) < 1e-5);
        });
      }
    }
  }
});
