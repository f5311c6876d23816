/**
 * lowPrecisionMatMul against independent references: each product's rounding against lowbit's
 * quantize() of the same (float32-exact) products, each output element bit for bit against
 * accumulate() on its own row-column product list (every rounding, chunking, bounded
 * exponent, the four-wide and the remainder columns), and lowPrecisionDense's three GEMMs, each
 * emulated or float32, against the same products computed directly, without leaking tensors.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { accumulate, BF16, floatingPoint, FP8_E4M3, FP8_E5M2, lowPrecisionMatMul, quantize, Rng } from "lowbit";
import { lowPrecisionDense, lowPrecisionMatMulArray } from "lowbit/accum";

/** Values with 11 significant bits over binades 2^lo .. 2^hi: products of two are exact in float32. */
function operands(n: number, lo: number, hi: number, seed: number): Float32Array {
  const rng = new Rng(seed, 0);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const m = 1024 + Math.floor(rng.next() * 1024);
    const e = lo + Math.floor(rng.next() * (hi - lo + 1));
    out[i] = (rng.next() < 0.5 ? -1 : 1) * m * 2 ** (e - 10);
  }
  return out;
}

test("each product is rounded once to the product format, as quantize rounds it", () => {
  const formats = [
    FP8_E4M3,
    FP8_E5M2,
    BF16,
    floatingPoint({ exp: 5, man: 5 }),
    floatingPoint({ exp: 4, man: 2, subnormals: false }),
    floatingPoint({ exp: 4, man: 3, saturate: false }),
    floatingPoint({ exp: 8, man: 23 }),
  ];
  // a is 1 x K, b is K x K diagonal: C_0j is the rounded product a_j b_jj itself.
  const K = 400;
  const a = operands(K, -9, 5, 1),
    d = operands(K, -9, 5, 2);
  const b = new Float32Array(K * K);
  for (let j = 0; j < K; j++) b[j * K + j] = d[j];
  const products = a.map((x, j) => x * d[j]);
  for (const product of formats) {
    const expected = quantize(products, product);
    const got = lowPrecisionMatMulArray(
      { values: a, shape: [1, K] },
      { values: b, shape: [K, K] },
      { product, accumulator: { mantissaBits: 23 } },
    );
    // The sum 0 + (-0) is +0: compare values, not the sign of zero. A product overflowing to
    // Inf (saturate: false) makes the accumulator's sum infinite.
    const finite = (v: number): number => (Number.isFinite(v) ? v + 0 : Infinity);
    assert.deepEqual(Array.from(got, finite), Array.from(expected, finite), `format ${JSON.stringify(product)}`);
  }
});

test("every output element equals accumulate() on its row-column product list, bit for bit", () => {
  const M = 5,
    K = 97,
    N = 7; // N = 4 + 3: the four-wide kernel and the remainder
  const a = operands(M * K, -4, 4, 3),
    b = operands(K * N, -4, 4, 4);
  const product = floatingPoint({ exp: 5, man: 5 });
  const settings = [
    { mantissaBits: 6 },
    { mantissaBits: 9, chunk: 16 },
    { mantissaBits: 4, chunk: 1 },
    { mantissaBits: 7, rounding: "zero" as const },
    { mantissaBits: 7, rounding: "zero" as const, chunk: 10 },
    { mantissaBits: 5, rounding: "stochastic" as const, seed: 11, stream: 3 },
    { mantissaBits: 5, rounding: "stochastic" as const, seed: 11, chunk: 32 },
    { mantissaBits: 6, exponentBits: 4 },
    { mantissaBits: 8, exponentBits: 3, rounding: "zero" as const },
  ];
  for (const accumulator of settings) {
    const got = lowPrecisionMatMulArray(
      { values: a, shape: [M, K] },
      { values: b, shape: [K, N] },
      { product, accumulator },
    );
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        const row = new Float32Array(K);
        for (let k = 0; k < K; k++) row[k] = a[i * K + k] * b[k * N + j];
        const list = quantize(row, product);
        const stream = ((accumulator.stream ?? 0) + i * N + j) >>> 0;
        const expected = accumulate(list, { ...accumulator, stream });
        assert.equal(got[i * N + j], expected, `${JSON.stringify(accumulator)} element (${i}, ${j})`);
      }
    }
  }
});

test("lowPrecisionMatMul takes tensors and returns a [M, N] tensor", () => {
  const a = tf.tensor2d(operands(6, -2, 2, 5), [2, 3]),
    b = tf.tensor2d(operands(12, -2, 2, 6), [3, 4]);
  const before = tf.memory().numTensors;
  const c = lowPrecisionMatMul(a, b, {
    product: floatingPoint({ exp: 8, man: 23 }),
    accumulator: { mantissaBits: 23 },
  });
  assert.deepEqual(c.shape, [2, 4]);
  const reference = tf.matMul(a, b);
  const [x, y] = [c.dataSync(), reference.dataSync()];
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i] - y[i]) <= 1e-5 * Math.abs(y[i]) + 1e-6);
  tf.dispose([c, reference]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([a, b]);
});

test("lowPrecisionDense: each of FWD, BWD, GRAD through the emulator or float32 by choice, no leaks", () => {
  const x = tf.tensor2d(operands(8 * 20, -3, 1, 7), [8, 20]),
    w = tf.tensor2d(operands(20 * 6, -3, 1, 8), [20, 6]);
  const accumulator = { mantissaBits: 4 };
  const before = tf.memory().numTensors;
  for (const gemms of [undefined, ["FWD"], ["BWD", "GRAD"]] as const) {
    const options = { product: FP8_E5M2, accumulator: accumulator, gemms: gemms };
    const on = new Set(gemms ?? ["FWD", "BWD", "GRAD"]);
    const { value, grads } = tf.valueAndGrads((xs: tf.Tensor, ws: tf.Tensor) =>
      lowPrecisionDense(xs, ws, options).square().sum(),
    )([x, w]);
    const mm = (a: tf.Tensor2D, b: tf.Tensor2D, emulated: boolean) =>
      emulated ? lowPrecisionMatMul(a, b, { product: FP8_E5M2, accumulator: accumulator }) : tf.matMul(a, b);
    const expected = tf.tidy(() => {
      const forward = mm(x, w, on.has("FWD"));
      const dy = forward.mul(2) as tf.Tensor2D;
      return [forward.square().sum(), mm(dy, w.transpose(), on.has("BWD")), mm(x.transpose(), dy, on.has("GRAD"))];
    });
    assert.equal(value.dataSync()[0], expected[0].dataSync()[0]);
    assert.deepEqual(Array.from(grads[0].dataSync()), Array.from(expected[1].dataSync()), `dx, gemms ${gemms}`);
    assert.deepEqual(Array.from(grads[1].dataSync()), Array.from(expected[2].dataSync()), `dw, gemms ${gemms}`);
    tf.dispose([value, ...grads, ...expected]);
    tf.tidy(() => {
      lowPrecisionDense(x, w, options);
    });
  }
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
  assert.throws(
    () => lowPrecisionDense(x, w, { product: FP8_E5M2, accumulator: accumulator, gemms: ["FWD", "BACK" as "BWD"] }),
    /gemms/,
  );
  tf.dispose([x, w]);
});

test("bad inputs: typed errors naming the parameter", () => {
  const a = { values: new Float32Array(6), shape: [2, 3] as [number, number] };
  const b = { values: new Float32Array(8), shape: [4, 2] as [number, number] };
  const product = FP8_E4M3;
  assert.throws(() => lowPrecisionMatMulArray(a, b, { product, accumulator: { mantissaBits: 4 } }), /inner dimensions/);
  assert.throws(
    () =>
      lowPrecisionMatMulArray(
        a,
        { values: new Float32Array(6), shape: [3, 2] },
        { product, accumulator: { mantissaBits: 0 } },
      ),
    /mantissaBits must be an integer in \[1, 23\]/,
  );
  assert.throws(
    () =>
      lowPrecisionMatMulArray(
        a,
        { values: new Float32Array(6), shape: [3, 2] },
        { product: { kind: "fixed" } as never, accumulator: { mantissaBits: 4 } },
      ),
    /options.product/,
  );
  assert.throws(
    () =>
      lowPrecisionMatMulArray({ values: new Float32Array(5), shape: [2, 3] }, b, {
        product,
        accumulator: { mantissaBits: 4 },
      }),
    /rows \* columns/,
  );
});
