/**
 * A different accumulator per GEMM (EmulatedAccumulation.accumulators): in lowPrecisionDense
 * and lowPrecisionConv2d the forward value, dx and dw each equal, to the bit, what a run with
 * that GEMM's accumulator for all three gives; a bad entry is a clear error.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { floatingPoint, initBackend, quantDense } from "lowbit";
import { lowPrecisionConv2d, lowPrecisionDense } from "lowbit/accum";

const product = floatingPoint({ exp: 8, man: 5 });
const A = { mantissaBits: 4 },
  B = { mantissaBits: 7 },
  C = floatingPoint({ exp: 6, man: 3 });

function grads(f: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor, x: tf.Tensor, w: tf.Tensor, dy: tf.Tensor) {
  const { value, grads: g } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => f(a, b).mul(dy).sum())([x, w]);
  const y = f(x, w);
  const out = [y.dataSync(), g[0].dataSync(), g[1].dataSync()];
  tf.dispose([value, y, ...g]);
  return out;
}

describe("a different accumulator per GEMM", () => {
  before(async () => {
    await initBackend({ backend: "cpu", quiet: true });
  });

  test("lowPrecisionDense: FWD, BWD and GRAD each use their own accumulator", () => {
    const x = tf.randomNormal([12, 40], 0, 1, "float32", 1),
      w = tf.randomNormal([40, 9], 0, 1, "float32", 2),
      dy = tf.randomNormal([12, 9], 0, 1, "float32", 3);
    const mixed = grads(
      (a, b) => lowPrecisionDense(a, b, { product, accumulator: A, accumulators: { BWD: B, GRAD: C } }),
      x,
      w,
      dy,
    );
    const all = (acc: typeof A | typeof C) =>
      grads((a, b) => lowPrecisionDense(a, b, { product, accumulator: acc }), x, w, dy);
    assert.deepEqual(mixed[0], all(A)[0]);
    assert.deepEqual(mixed[1], all(B)[1]);
    assert.deepEqual(mixed[2], all(C)[2]);
    assert.notDeepEqual(all(A)[1], all(B)[1], "the accumulators differ in this case");
    tf.dispose([x, w, dy]);
  });

  test("lowPrecisionConv2d: FWD, BWD and GRAD each use their own accumulator", () => {
    const x = tf.randomNormal([2, 7, 7, 3], 0, 1, "float32", 4),
      w = tf.randomNormal([3, 3, 3, 5], 0, 1, "float32", 5),
      dy = tf.randomNormal([2, 4, 4, 5], 0, 1, "float32", 6);
    const conv = (acc: object) => (a: tf.Tensor, b: tf.Tensor) =>
      lowPrecisionConv2d(a as tf.Tensor4D, b as tf.Tensor4D, { product, strides: 2, padding: "same", ...acc } as never);
    const mixed = grads(conv({ accumulator: B, accumulators: { FWD: C, GRAD: A } }), x, w, dy);
    assert.deepEqual(mixed[0], grads(conv({ accumulator: C }), x, w, dy)[0]);
    assert.deepEqual(mixed[1], grads(conv({ accumulator: B }), x, w, dy)[1]);
    assert.deepEqual(mixed[2], grads(conv({ accumulator: A }), x, w, dy)[2]);
    tf.dispose([x, w, dy]);
  });

  test("a layer takes accumulators; a bad key or accumulator names the option", () => {
    const layer = quantDense({ units: 3, accumulation: { product, accumulator: A, accumulators: { GRAD: B } } });
    assert.deepEqual(layer.accumulation?.accumulators, { GRAD: B });
    assert.throws(
      () => quantDense({ units: 3, accumulation: { product, accumulator: A, accumulators: { BACK: B } as never } }),
      /accumulation accumulators key must be one of "FWD", "BWD", "GRAD"; got "BACK"/,
    );
    assert.throws(
      () =>
        quantDense({
          units: 3,
          accumulation: { product, accumulator: A, accumulators: { BWD: { mantissaBits: -1 } } },
        }),
      /accumulators\.BWD/,
    );
  });
});
