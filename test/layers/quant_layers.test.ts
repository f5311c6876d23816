/**
 * Quantized layers against float64 references of the papers' formulas: WAGE's forward pass,
 * the error quantizer acting on the backward signal only, straight-through gradients to the
 * master weights, WAGE's layer scales, no leaks over many steps, and clear errors.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { formatQuantizer, fixedPoint, initBackend, quantDense } from "lowbit";
import { wageActivation, wageError, wageGradient, wageInit, wageWeight } from "lowbit/layers";
import { sumSquaredError, trainStep } from "lowbit/train";

/** WAGE's Q(x, k) in float64: clip(sigma * round(x / sigma), -1 + sigma, 1 - sigma), ties to even. */
function Q(x: number, k: number): number {
  const s = 2 ** (1 - k),
    v = x / s,
    f = Math.floor(v);
  const r = v - f > 0.5 ? f + 1 : v - f < 0.5 ? f : f % 2 === 0 ? f : f + 1;
  return Math.min(1 - s, Math.max(-1 + s, r * s));
}

function data(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 31 - 1) * scale;
  });
}

describe("quantized layers", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("WAGE layer scales reproduce the authors' logged MNIST values with sqrt(3 / fanIn)", () => {
    assert.deepEqual(
      [25, 800, 1024, 512].map((n) => wageInit(n, 2, { gain: 3 }).alpha),
      [2, 16, 16, 8],
    );
    assert.equal(wageInit(25, 2).limit, 0.75); // max(sqrt(6/25) = 0.49, 1.5 * 0.5)
  });

  test("WAGE dense forward equals Q(relu(x Q(W, 2)) / alpha, 8) computed in float64", () => {
    const [batch, inDim, units, alpha] = [6, 40, 7, 4];
    // Inputs on the 8-bit grid and ternary weights: every product and sum is exact in float32.
    const x = data(batch * inDim, 1).map((v) => Q(v, 8));
    const layer = quantDense({
      units,
      activation: "relu",
      useBias: false,
      scale: alpha,
      quant: { weight: wageWeight(2), activation: wageActivation(8) },
    });
    const y = layer.apply(tf.tensor2d(x, [batch, inDim])) as tf.Tensor;
    const w = layer.masterKernel().dataSync();
    const expected: number[] = [];
    for (let b = 0; b < batch; b++) {
      for (let u = 0; u < units; u++) {
        let z = 0;
        for (let i = 0; i < inDim; i++) z += x[b * inDim + i] * Q(w[i * units + u], 2);
        expected.push(Q(Math.max(0, z / alpha), 8));
      }
    }
    assert.deepEqual(
      [...y.dataSync()].map((v) => v + 0),
      expected.map((v) => v + 0),
    );
    // (-0 and 0 compare equal: + 0 turns -0 into 0)
    assert.deepEqual(
      [...layer.quantizedKernel().dataSync()].map((v) => v + 0),
      [...w].map((v) => Q(v, 2) + 0),
    );
  });

  test("the error quantizer changes only the backward signal, which is Q(e / Shift(max|e|), 8)", () => {
    const x = tf.tensor2d(data(4 * 5, 2), [4, 5]);
    const r = tf.tensor2d(data(4 * 3, 3, 7), [4, 3]);
    const make = (error: boolean) => {
      const layer = quantDense({ units: 3, useBias: false, seed: 9, quant: error ? { error: wageError(8) } : {} });
      layer.build([4, 5]);
      return layer;
    };
    const plain = make(false),
      quantized = make(true);
    const f = (layer: ReturnType<typeof make>) => (t: tf.Tensor) => (layer.apply(t) as tf.Tensor).mul(r).sum();
    assert.deepEqual([...(plain.apply(x) as tf.Tensor).dataSync()], [...(quantized.apply(x) as tf.Tensor).dataSync()]);
    const gx = tf.grad(f(quantized))(x).dataSync();
    // Reference: e = r (dL/dy), m = max|e|, eq = Q(e / 2^round(log2 m), 8), dx = eq W^T.
    const e = r.dataSync(),
      m = Math.max(...e.map(Math.abs)),
      shift = 2 ** Math.round(Math.log2(m));
    const w = quantized.masterKernel().dataSync();
    for (let b = 0; b < 4; b++) {
      for (let i = 0; i < 5; i++) {
        let d = 0;
        for (let u = 0; u < 3; u++) d += Math.fround(Q(e[b * 3 + u] / shift, 8)) * w[i * 3 + u];
        assert.ok(Math.abs(gx[b * 5 + i] - d) < 1e-6, `dx[${b},${i}] = ${gx[b * 5 + i]}, expected ${d}`);
      }
    }
  });

  test("straight-through: the master weights get the gradient computed with the quantized weights", () => {
    const x = tf.tensor2d(data(3 * 4, 4), [3, 4]);
    const layer = quantDense({
      units: 2,
      useBias: false,
      quant: { weight: formatQuantizer(fixedPoint({ bits: 3, frac: 1 })) },
    });
    layer.build([3, 4]);
    const w = layer.masterKernel() as tf.Variable;
    const { grads } = tf.variableGrads(() => (layer.apply(x) as tf.Tensor).square().sum() as tf.Scalar, [w]);
    const wq = layer.quantizedKernel();
    const expected = tf.grad((v: tf.Tensor) => tf.matMul(x, v).square().sum())(wq);
    assert.deepEqual([...grads[w.name].dataSync()], [...expected.dataSync()]);
  });

  test("tensor count is the same after 10 and after 500 WAGE training steps", () => {
    const model = tf.sequential({
      layers: [
        quantDense({
          inputShape: [16],
          units: 12,
          activation: "relu",
          useBias: false,
          weightClip: 1 - 2 ** -7,
          quant: {
            weight: wageWeight(2),
            activation: wageActivation(8),
            error: wageError(8),
            gradient: wageGradient(8, { seed: 1 }),
          },
        }),
        quantDense({
          units: 4,
          useBias: false,
          quant: {
            weight: wageWeight(2),
            activation: wageActivation(8),
            error: wageError(8),
            gradient: wageGradient(8, { seed: 2 }),
          },
        }),
      ],
    });
    const optimizer = tf.train.sgd(1);
    const x = tf.tensor2d(data(8 * 16, 5), [8, 16]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], "int32"), 4).toFloat();
    const steps = (n: number) => {
      for (let i = 0; i < n; i++) trainStep(model, optimizer, sumSquaredError, x, y).dispose();
    };
    steps(10);
    const after10 = tf.memory().numTensors,
      buffers = tf.engine().backend.numDataIds();
    steps(490);
    assert.equal(tf.memory().numTensors, after10);
    assert.equal(tf.engine().backend.numDataIds(), buffers);
    const w = (model.layers[0] as ReturnType<typeof quantDense>).masterKernel().dataSync();
    assert.ok(
      w.every((v) => Math.abs(v) <= 1 - 2 ** -7 + 1e-7),
      "master weights clipped",
    );
  });

  test("bad configs are clear errors", () => {
    assert.throws(
      () => quantDense({ units: 3, quant: { weights: wageWeight(2) } as never }),
      /unknown entry "weights"; allowed: weight, activation, gradient, error/,
    );
    assert.throws(
      () => quantDense({ units: 3, quant: { weight: fixedPoint({ bits: 8, frac: 2 }) as never } }),
      /quant.weight must be a quantizer/,
    );
    assert.throws(
      () => quantDense({ units: 3, activation: "tanh" as never }),
      /activation must be one of linear, relu, hardTanh, sign/,
    );
    assert.throws(() => quantDense({ units: 0 }), /quantDense units must be an integer in \[1, 2\^53 - 1\]/);
    assert.throws(() => wageWeight(2) && fixedPoint({ bits: 0, frac: 0 }), /fixedPoint bits/);
  });
});
