/**
 * QNN's XNOR-popcount path: xnorMatMul against a float64 product of the +-1 matrices (brute
 * force) on random shapes, including dimensions that are not multiples of 32 or 128; the
 * packing's bit layout; the binarized MLP's inference through the kernel against the simulated
 * model; and the straight-through gradients of binarization against their definitions.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend, qnnMlp, Rng, quantActivation } from "lowbit";
import { logQuantizer, QuantDense } from "lowbit/layers";
import { packSigns, XnorDense, xnorMatMul, xnorMlp } from "lowbit/models";
import { squaredHinge, trainStep } from "lowbit/train";
import { unpackSigns } from "../../lib/dist/xnor/packed_signs";

/** A [rows, cols] matrix of +-1 drawn from rng. */
function signMatrix(rng: Rng, rows: number, cols: number): Float32Array {
  return Float32Array.from({ length: rows * cols }, () => (rng.uint32() & 1 ? 1 : -1));
}

/** C = A B in float64, A [M, K], B [K, N], row-major. */
function matMulReference(A: Float32Array, B: Float32Array, M: number, K: number, N: number): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[i * K + k] * B[k * N + j];
      C[i * N + j] = s;
    }
  }
  return C;
}

/** Packs the columns of B [K, N] through a tensor (the path xnorMatMul's right operand takes). */
function packColumns(B: Float32Array, K: number, N: number) {
  const t = tf.tensor2d(B, [K, N]);
  const p = packSigns(t, { along: "columns" });
  t.dispose();
  return p;
}

describe("xnorMatMul", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("equals the float product of the +-1 matrices on random shapes", () => {
    const rng = new Rng(11);
    const shapes = [
      [1, 1, 1],
      [3, 5, 31],
      [2, 2, 32],
      [7, 13, 33],
      [2, 9, 127],
      [5, 4, 128],
      [6, 3, 129],
      [17, 6, 300],
      [4, 3, 1000],
      [3, 7, 4100],
      [9, 65, 64],
    ];
    for (let trial = 0; trial < 20; trial++) shapes.push([1 + rng.int(20), 1 + rng.int(20), 1 + rng.int(700)]);
    for (const [M, N, K] of shapes) {
      const A = signMatrix(rng, M, K),
        B = signMatrix(rng, K, N);
      const a = packSigns(A, M, K);
      const b = packColumns(B, K, N);
      const C = xnorMatMul(a, b);
      assert.deepEqual([...C], [...matMulReference(A, B, M, K, N)], `M ${M} N ${N} K ${K}`);
    }
  });

  test("is exact across the kernel's panels (4 columns), column tiles (64) and 64-bit words", () => {
    const rng = new Rng(17);
    // N around multiples of 4 and across tiles of 64; K around multiples of 64 and 128; M = 1.
    const shapes = [
      [1, 1, 64],
      [1, 5, 65],
      [2, 63, 191],
      [3, 64, 192],
      [1, 65, 256],
      [4, 130, 100],
      [5, 131, 320],
      [2, 257, 64],
      [1, 3, 4096],
    ];
    for (const [M, N, K] of shapes) {
      const A = signMatrix(rng, M, K),
        B = signMatrix(rng, K, N);
      assert.deepEqual(
        [...xnorMatMul(packSigns(A, M, K), packColumns(B, K, N))],
        [...matMulReference(A, B, M, K, N)],
        `M ${M} N ${N} K ${K}`,
      );
    }
  });

  test("writes into a given out array and returns it, the same integers as a fresh result, with no tensors", () => {
    const rng = new Rng(23);
    const tensors = tf.memory().numTensors;
    for (const [M, N, K] of [
      [1, 1, 1],
      [3, 7, 129],
      [9, 65, 300],
    ]) {
      const A = signMatrix(rng, M, K),
        B = signMatrix(rng, K, N);
      const a = packSigns(A, M, K),
        b = packColumns(B, K, N);
      const out = new Int32Array(M * N).fill(12345);
      for (let call = 0; call < 2; call++) {
        assert.equal(xnorMatMul(a, b, out), out, `M ${M} N ${N} K ${K}: returns out`);
        assert.deepEqual([...out], [...matMulReference(A, B, M, K, N)], `M ${M} N ${N} K ${K}, call ${call}`);
      }
    }
    assert.equal(tf.memory().numTensors, tensors);
  });

  test("gives K for equal and -K for opposite vectors at every K from 1 to 300 (padding adds nothing)", () => {
    for (let K = 1; K <= 300; K++) {
      const a = Float32Array.from({ length: K }, (_, k) => (k % 3 === 0 ? -1 : 1));
      // B's 6 columns: a, -a, a, -a, a, -a ([K, 6] row-major).
      const B = Float32Array.from({ length: K * 6 }, (_, i) => a[Math.floor(i / 6)] * (i % 2 === 0 ? 1 : -1));
      assert.deepEqual([...xnorMatMul(packSigns(a, 1, K), packColumns(B, K, 6))], [K, -K, K, -K, K, -K], `K ${K}`);
    }
  });

  test("packs bit k of a row into bit k % 32 of word k / 32, 1 iff the value is >= 0, zero-padded to 128 bits", () => {
    const row = new Float32Array(40).fill(-1);
    row[0] = 0;
    row[1] = -0;
    row[2] = 0.5;
    row[3] = NaN;
    row[31] = 1;
    row[32] = 2;
    row[39] = 1e-30;
    const p = packSigns(row, 1, 40);
    assert.equal(p.wordsPerRow, 4);
    assert.deepEqual([...p.words], [(1 | 2 | 4 | (2 ** 31)) >>> 0, 1 | (2 ** 7), 0, 0]);
    assert.deepEqual([...unpackSigns(p)].slice(0, 4), [1, 1, 1, -1]);
    const rng = new Rng(3);
    const x = signMatrix(rng, 5, 200);
    assert.deepEqual([...unpackSigns(packSigns(x, 5, 200))], [...x]);
    const cols = packColumns(x, 5, 200);
    assert.equal(cols.rows, 200);
    assert.equal(cols.cols, 5);
    assert.equal(unpackSigns(cols)[3 * 5 + 2], x[2 * 200 + 3]);
  });

  test("bad input: a clear error naming the parameter", () => {
    const a = packSigns(new Float32Array(6), 2, 3);
    const b = packSigns(new Float32Array(8), 2, 4);
    assert.throws(() => xnorMatMul(a, b), {
      name: "RangeError",
      message: /xnorMatMul needs a.cols = b.cols .* got 3 and 4/,
    });
    const c = packSigns(new Float32Array(6), 2, 3);
    assert.throws(() => xnorMatMul(a, c, new Int32Array(3)), {
      name: "RangeError",
      message: /xnorMatMul out.length must be a.rows \* b.rows = 4; got 3/,
    });
    assert.throws(() => xnorMatMul(a, c, new Int32Array(5)), {
      name: "RangeError",
      message: /xnorMatMul out.length must be a.rows \* b.rows = 4; got 5/,
    });
    assert.throws(() => xnorMatMul(a, c, new Float32Array(4) as unknown as Int32Array), {
      name: "TypeError",
      message: /xnorMatMul out must be an Int32Array/,
    });
    assert.throws(() => packSigns(new Float32Array(5), 2, 3), {
      name: "RangeError",
      message: /packSigns values must hold rows \* cols = 6 numbers; got 5/,
    });
    assert.throws(() => packSigns(new Float32Array(0), 0, 3), {
      name: "RangeError",
      message: /packSigns rows must be an integer in \[1, 2\^53 - 1\]; got 0/,
    });
    const t = tf.zeros([2, 2]) as tf.Tensor2D;
    assert.throws(() => packSigns(t, { along: "diagonal" as "rows" }), {
      name: "RangeError",
      message: /packSigns along must be "rows" or "columns"/,
    });
    t.dispose();
  });
});

describe("binarized MLP inference through xnorMatMul", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  /** A small qnnMlp after a few training steps, with batch norm statistics that include negative gammas. */
  function trainedMlp(): tf.Sequential {
    const model = qnnMlp({ hidden: [45, 70, 33], inputShape: [19], seed: 5 });
    const optimizer = tf.train.adam(0.01);
    const rng = new Rng(8);
    const x = tf.tensor2d(
      Float32Array.from({ length: 64 * 19 }, () => rng.next() * 2 - 1),
      [64, 19],
    );
    const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: 64 }, () => rng.int(10))), 10).toFloat();
    for (let i = 0; i < 3; i++) trainStep(model, optimizer, squaredHinge, x, y).dispose();
    for (const layer of model.layers) {
      if (layer.getClassName() !== "BatchNormalization") continue;
      const [gamma, beta, mean, variance] = layer.getWeights().map((w) => w.dataSync() as Float32Array);
      const n = gamma.length;
      // Varied statistics: negative and zero gammas, offsets that put thresholds inside [-K, K].
      const g = Float32Array.from(gamma, (v, i) => (i % 5 === 0 ? -1.3 : i % 7 === 0 ? 0 : v * (1 + (i % 3))));
      const m = Float32Array.from(mean, (v, i) => v + ((i * 37) % 11) - 5);
      layer.setWeights([
        tf.tensor1d(g),
        tf.tensor1d(beta.map((b, i) => b + ((i % 4) - 1.5) * 0.3)),
        tf.tensor1d(m),
        tf.tensor1d(variance.map((v) => v + 3)),
      ]);
      assert.equal(n, g.length);
    }
    tf.dispose([x, y]);
    optimizer.dispose();
    return model;
  }

  test("logits equal model.predict's bit for bit, and the thresholded signs equal sign(batch norm)", () => {
    const model = trainedMlp();
    const rng = new Rng(9);
    const x = tf.tensor2d(
      Float32Array.from({ length: 300 * 19 }, () => rng.next() * 2 - 1),
      [300, 19],
    );
    const xnor = xnorMlp(model);
    assert.equal(xnor.xnorLayers.length, 3);
    const before = tf.memory().numTensors;
    const logits = xnor.predict(x);
    const simulated = model.predict(x) as tf.Tensor;
    assert.deepEqual([...logits.dataSync()], [...simulated.dataSync()]);
    tf.dispose([logits, simulated]);
    assert.equal(tf.memory().numTensors, before);

    // Layer by layer: sign(BN(h)) from the thresholds against tfjs on the integer h of every unit.
    const layer = xnor.xnorLayers[0];
    const input = packSigns(signMatrix(rng, 50, layer.weights.cols), 50, layer.weights.cols);
    const h = layer.matMul(input);
    const y = tf.tidy(
      () =>
        layer.batchNorm!.apply(tf.tensor2d(Float32Array.from(h), [50, layer.units]), { training: false }) as tf.Tensor,
    );
    const expected = [...y.dataSync()].map((v) => (v >= 0 ? 1 : -1));
    y.dispose();
    assert.deepEqual([...unpackSigns(layer.signs(input))], expected);
    x.dispose();
    model.dispose();
  });

  test("rejects models and layers that are not binarized", () => {
    assert.throws(() => xnorMlp(qnnMlp({ hidden: [8], inputShape: [4], weightBits: 2 })), {
      name: "TypeError",
      message: /whose weights are the signs of its master weights/,
    });
    assert.throws(() => xnorMlp(qnnMlp({ hidden: [8], inputShape: [4], activationBits: 2 })), {
      name: "TypeError",
      message: /expected a sign QuantActivation/,
    });
    assert.throws(() => xnorMlp(qnnMlp({ hidden: [8], inputShape: [4], batchNorm: "shift" })), {
      name: "TypeError",
      message: /expected a BatchNormalization/,
    });
    const dense = new QuantDense({ units: 3, inputShape: [4] });
    tf.sequential({ layers: [dense] });
    assert.throws(() => new XnorDense(dense), { name: "TypeError", message: /float weights/ });
  });
});

describe("straight-through gradients of binarization", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("sign activation: forward sign, backward dy * 1{|x| <= 1} (hard-tanh's derivative)", () => {
    const xs = [-3, -1.0000001, -1, -0.5, -0, 0, 0.25, 1, 1.0000001, 2];
    const dy = xs.map((_, i) => i + 1);
    const x = tf.tensor1d(xs);
    const c = tf.tensor1d(dy);
    const sign = quantActivation({ activation: "sign" }),
      hardTanh = quantActivation({ activation: "hardTanh" });
    const activate = (t: tf.Tensor, a: "sign" | "hardTanh") => (a === "sign" ? sign : hardTanh).apply(t) as tf.Tensor;
    assert.deepEqual(
      [...activate(x, "sign").dataSync()],
      xs.map((v) => (v >= 0 ? 1 : -1)),
    );
    const g = tf.grad((t: tf.Tensor) => activate(t, "sign").mul(c).sum())(x);
    assert.deepEqual(
      [...g.dataSync()],
      xs.map((v, i) => (Math.abs(Math.fround(v)) <= 1 ? dy[i] : 0)),
    );
    const gh = tf.grad((t: tf.Tensor) => activate(t, "hardTanh").mul(c).sum())(x);
    assert.deepEqual([...gh.dataSync()], [...g.dataSync()]);
    tf.dispose([x, c, g, gh]);
  });

  test("binary weights: the gradient of the real weights is the gradient of the binary ones, x^T dy", () => {
    const dense = new QuantDense({
      units: 3,
      useBias: false,
      inputShape: [4],
      weightClip: 1,
      quant: {
        weight: {
          label: "binary",
          bits: 1,
          calls: 0,
          apply: (w) => tf.where(w.greaterEqual(0), tf.onesLike(w), tf.onesLike(w).neg()),
        },
      },
    });
    const model = tf.sequential({ layers: [dense] });
    const x = tf.tensor2d([
      [1, -2, 0.5, 3],
      [0, 1, -1, 2],
    ]);
    const dy = tf.tensor2d([
      [1, 2, -1],
      [0.5, -3, 4],
    ]);
    const { grads } = tf.variableGrads(() => (model.apply(x) as tf.Tensor).mul(dy).sum() as tf.Scalar);
    const g = Object.values(grads)[0];
    const X = x.arraySync(),
      DY = dy.arraySync();
    const expected = [0, 1, 2, 3].flatMap((i) => [0, 1, 2].map((j) => X[0][i] * DY[0][j] + X[1][i] * DY[1][j]));
    assert.deepEqual([...g.dataSync()], expected);
    tf.dispose([x, dy, ...Object.values(grads)]);
    model.dispose();
  });
});

describe("logQuantizer (QNN's 6-bit log gradients)", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("nearest: sign(x) 2^round(log2 |x|) with the top exponent ceil(log2 max|x|), 31 exponents at 6 bits", () => {
    const values = [3e-3, -5e-4, 1.1e-5, 0.7e-3, -2.5e-3, 0];
    const x = tf.tensor1d(values);
    const y = logQuantizer(6).apply(x);
    const eMax = Math.ceil(Math.log2(3e-3));
    const expected = values.map((v) => {
      if (v === 0) return 0;
      const e = Math.min(eMax, Math.round(Math.log2(Math.abs(v))));
      return Math.fround(Math.sign(v) * 2 ** e);
    });
    assert.deepEqual([...y.dataSync()], expected);
    assert.ok(eMax - Math.round(Math.log2(1.1e-5)) <= 30);
    tf.dispose([x, y]);
  });

  test("stochastic: seeded, unbiased in the linear domain", () => {
    const x = tf.fill([20000], 3e-4);
    const q = logQuantizer(6, { rounding: "stochastic", seed: 4 });
    const a = q.apply(x),
      b = logQuantizer(6, { rounding: "stochastic", seed: 4 }).apply(x);
    assert.deepEqual([...a.dataSync()], [...b.dataSync()]);
    const mean = a.mean().dataSync()[0];
    assert.ok(Math.abs(mean / 3e-4 - 1) < 0.01, `${mean}`);
    assert.ok([...a.dataSync()].every((v) => v === 2 ** -12 || v === 2 ** -11));
    tf.dispose([x, a, b]);
    assert.throws(() => logQuantizer(9), {
      name: "RangeError",
      message: /logQuantizer bits must be an integer in \[2, 8\]; got 9/,
    });
  });

  test("qnnMlp with 6-bit log gradients trains without leaking tensors", () => {
    const model = qnnMlp({ hidden: [16], inputShape: [8], gradientBits: 6, seed: 2 });
    const optimizer = tf.train.adam(0.01);
    const x = tf.randomUniform([32, 8], -1, 1, "float32", 1);
    const y = tf.oneHot(tf.randomUniform([32], 0, 10, "int32", 2), 10).toFloat();
    const step = () => trainStep(model, optimizer, squaredHinge, x, y).dispose();
    for (let i = 0; i < 3; i++) step();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) step();
    assert.equal(tf.memory().numTensors, tensors);
    tf.dispose([x, y]);
    model.dispose();
  });
});
