/**
 * lowPrecisionConv2d against independent references: with a float32-wide product format and
 * accumulator it equals tf.conv2d and tf's gradients of it; with narrow ones every element of
 * y, dx and dW equals accumulate() on the product list written out from the definition of the
 * convolution and of its two gradients (padding and stride zeros included). And the layers'
 * `accumulation` option runs it without leaking tensors.
 */
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { accumulate, floatingPoint, initBackend, quantConv2d, quantDense, Rng } from "lowbit";
import { lowPrecisionConv2d } from "lowbit/accum";

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

/** Values with 4 significant bits in [-2, 2]: products of two are exact in a 10-bit format. */
function grid(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => (Math.floor(rng.next() * 31) - 15) / 8),
    shape,
  );
}

const CASES = [
  { x: [2, 7, 6, 3], w: [3, 3, 3, 4], strides: 1, padding: "valid" },
  { x: [2, 7, 6, 3], w: [3, 2, 3, 4], strides: 2, padding: "same" },
  { x: [1, 8, 9, 2], w: [5, 5, 2, 3], strides: [2, 3], padding: "same" },
  { x: [1, 9, 8, 2], w: [2, 3, 2, 5], strides: [3, 2], padding: "valid" },
] as const;

function run(c: (typeof CASES)[number], options: Parameters<typeof lowPrecisionConv2d>[2]) {
  const x = grid([...c.x], 1) as tf.Tensor4D,
    w = grid([...c.w], 2) as tf.Tensor4D;
  const y = lowPrecisionConv2d(x, w, options);
  const r = grid(y.shape, 3);
  const [dx, dw] = tf.grads((xs: tf.Tensor, ws: tf.Tensor) =>
    lowPrecisionConv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, options)
      .mul(r)
      .sum(),
  )([x, w]);
  return { x, w, y, r, dx, dw };
}

test("with float32-wide products and accumulator it is tf.conv2d, gradients included", () => {
  for (const c of CASES) {
    const options = {
      strides: c.strides as number | [number, number],
      padding: c.padding,
      product: floatingPoint({ exp: 8, man: 23 }),
      accumulator: { mantissaBits: 23 },
    };
    const { x, w, y, r, dx, dw } = run(c, options);
    const f = (xs: tf.Tensor, ws: tf.Tensor) =>
      tf.conv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, options.strides, c.padding);
    const [ex, ew] = tf.grads((xs: tf.Tensor, ws: tf.Tensor) => f(xs, ws).mul(r).sum())([x, w]);
    for (const [got, want, what] of [
      [y, f(x, w), "y"],
      [dx, ex, "dx"],
      [dw, ew, "dw"],
    ] as const) {
      assert.deepEqual(got.shape, want.shape, what);
      const [a, b] = [got.dataSync(), want.dataSync()];
      // Every value is on the 2^-9 grid and far below 2^14: float32 sums are exact in any order.
      assert.deepEqual(Array.from(a), Array.from(b), `${what} of ${JSON.stringify(c)}`);
    }
  }
});

test("every element of y, dx, dW is accumulate() of its product list, in im2col order", () => {
  const accumulator = { mantissaBits: 3 };
  for (const c of CASES) {
    const options = {
      strides: c.strides as number | [number, number],
      padding: c.padding,
      product: floatingPoint({ exp: 8, man: 10 }),
      accumulator: accumulator,
    };
    const { x, w, y, r, dx, dw } = run(c, options);
    const [N, H, W, C] = x.shape as number[],
      [kh, kw, , O] = w.shape as number[],
      [, Ho, Wo] = y.shape as number[];
    const [sh, sw] = typeof c.strides === "number" ? [c.strides, c.strides] : c.strides;
    const top = c.padding === "same" ? Math.floor(Math.max((Ho - 1) * sh + kh - H, 0) / 2) : 0;
    const left = c.padding === "same" ? Math.floor(Math.max((Wo - 1) * sw + kw - W, 0) / 2) : 0;
    const X = x.arraySync() as number[][][][],
      Wt = w.arraySync() as number[][][][],
      R = r.arraySync() as number[][][][];
    const xAt = (n: number, p: number, q: number, ch: number) =>
      p >= 0 && p < H && q >= 0 && q < W ? X[n][p][q][ch] : 0;
    const sum = (terms: number[]) => accumulate(Float32Array.from(terms), accumulator);
    const Y = y.arraySync() as number[][][][],
      DX = dx.arraySync() as number[][][][],
      DW = dw.arraySync() as number[][][][];
    for (let n = 0; n < N; n++)
      for (let oy = 0; oy < Ho; oy++)
        for (let ox = 0; ox < Wo; ox++)
          for (let o = 0; o < O; o++) {
            const terms: number[] = [];
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++)
                for (let ch = 0; ch < C; ch++) {
                  terms.push(xAt(n, oy * sh + i - top, ox * sw + j - left, ch) * Wt[i][j][ch][o]);
                }
            assert.equal(Y[n][oy][ox][o], sum(terms), `y[${n},${oy},${ox},${o}]`);
          }
    // dx[p, q] sums over the kernel taps (flipped) and output channels; tap (i', j') reads the
    // dilated dy at row p + top + i' - (kh - 1), which is zero off the stride grid.
    for (let n = 0; n < N; n++)
      for (let p = 0; p < H; p++)
        for (let q = 0; q < W; q++)
          for (let ch = 0; ch < C; ch++) {
            const terms: number[] = [];
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++)
                for (let o = 0; o < O; o++) {
                  const rr = p + top + i - (kh - 1),
                    cc = q + left + j - (kw - 1);
                  const on = rr >= 0 && cc >= 0 && rr % sh === 0 && cc % sw === 0 && rr / sh < Ho && cc / sw < Wo;
                  terms.push(on ? R[n][rr / sh][cc / sw][o] * Wt[kh - 1 - i][kw - 1 - j][ch][o] : 0);
                }
            assert.equal(DX[n][p][q][ch], sum(terms), `dx[${n},${p},${q},${ch}] of ${JSON.stringify(c)}`);
          }
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let ch = 0; ch < C; ch++)
          for (let o = 0; o < O; o++) {
            const terms: number[] = [];
            for (let n = 0; n < N; n++)
              for (let oy = 0; oy < Ho; oy++)
                for (let ox = 0; ox < Wo; ox++) {
                  terms.push(xAt(n, oy * sh + i - top, ox * sw + j - left, ch) * R[n][oy][ox][o]);
                }
            assert.equal(DW[i][j][ch][o], sum(terms), `dW[${i},${j},${ch},${o}]`);
          }
  }
});

test("quantDense and quantConv2d take an accumulation option; training steps leak no tensors", () => {
  const accumulation = { product: floatingPoint({ exp: 5, man: 5 }), accumulator: { mantissaBits: 6, chunk: 16 } };
  const model = tf.sequential({
    layers: [
      quantConv2d({
        filters: 4,
        kernelSize: 3,
        strides: 2,
        padding: "same",
        activation: "relu",
        accumulation: accumulation,
        inputShape: [8, 8, 1],
      }),
      tf.layers.flatten(),
      quantDense({ units: 3, accumulation: accumulation }),
    ],
  });
  const x = grid([4, 8, 8, 1], 5),
    labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1], "int32"), 3);
  const optimizer = tf.train.sgd(0.1);
  const step = () =>
    tf.tidy(() => {
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x) as tf.Tensor) as tf.Scalar);
    });
  step();
  const count = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) step();
  assert.equal(tf.memory().numTensors, count);
  // The emulated forward differs from the float one (6-bit accumulator).
  const plain = tf.sequential({ layers: [quantDense({ units: 3, inputShape: [64] })] });
  const emulated = tf.sequential({ layers: [quantDense({ units: 3, inputShape: [64], accumulation: accumulation })] });
  emulated.setWeights(plain.getWeights());
  const input = grid([4, 64], 6);
  const a = (plain.predict(input) as tf.Tensor).dataSync(),
    b = (emulated.predict(input) as tf.Tensor).dataSync();
  assert.ok(a.some((v, i) => v !== b[i]));
  assert.throws(
    () => quantDense({ units: 3, accumulation: { ...accumulation, gemms: ["FORWARD" as "FWD"] } }),
    /gemms/,
  );
});
