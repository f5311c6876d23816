/**
 * The random Hadamard transform against a float64 reference written here (Sylvester's H from
 * popcount parity, signs from hash32), orthogonality, its inverse, GEMM invariance, seeds; and
 * the per-GEMM recipes: contraction axes, formats per operand, quantized GEMMs close to float32.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { hash32 } from "../../lib/dist/core/random";
import {
  Float8CurrentScaling,
  GEMM_RECIPES,
  hadamardSigns,
  inverseRandomHadamard,
  MXFP4,
  MXFP4_BWD_SR,
  MXFP4_NEAREST,
  MXFP4_SR_RHT,
  MXFP8BlockScaling,
  NVFP4BlockScaling,
  operandFormat,
  quantize,
  quantizeOperand,
  randomHadamard,
  recipeMatMul,
  type ScaledFormat,
} from "lowbit/quant";

function hadamardReference(v: number[], seed: number): number[] {
  const b = v.length;
  const out: number[] = [];
  for (let i = 0; i < b; i++) {
    let sum = 0;
    for (let j = 0; j < b; j++) {
      let parity = 0;
      for (let bits = i & j; bits; bits &= bits - 1) parity ^= 1;
      const sign = hash32(seed, 0, j) >>> 31 === 1 ? -1 : 1;
      sum += (parity ? -1 : 1) * sign * v[j];
    }
    out.push(sum / Math.sqrt(b));
  }
  return out;
}

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

describe("randomHadamard", () => {
  test("each block is Q v = H D v / sqrt(b), as the float64 reference, along the last and the first axis", () => {
    const x = tf.randomNormal([6, 32], 0, 1, "float32", 3) as tf.Tensor2D;
    const data = x.arraySync();
    for (const b of [2, 8, 16, 32]) {
      const y = randomHadamard(x, { blockSize: b, seed: 9 }).arraySync();
      for (let r = 0; r < 6; r++) {
        for (let start = 0; start < 32; start += b) {
          const ref = hadamardReference(data[r].slice(start, start + b), 9);
          ref.forEach((v, i) => assert.ok(Math.abs(y[r][start + i] - v) < 1e-5, `b=${b} row ${r}`));
        }
      }
    }
    const y0 = randomHadamard(x, { blockSize: 2, seed: 4, axis: 0 }).arraySync();
    for (let c = 0; c < 32; c++) {
      for (let r = 0; r < 6; r += 2) {
        const ref = hadamardReference([data[r][c], data[r + 1][c]], 4);
        assert.ok(Math.abs(y0[r][c] - ref[0]) < 1e-5 && Math.abs(y0[r + 1][c] - ref[1]) < 1e-5);
      }
    }
    x.dispose();
  });
  test("orthogonal: norms kept, the inverse undoes it, a GEMM of transformed operands is unchanged", () => {
    const x = tf.randomNormal([8, 64], 0, 1, "float32", 1) as tf.Tensor2D;
    const w = tf.randomNormal([64, 5], 0, 1, "float32", 2) as tf.Tensor2D;
    const o = { blockSize: 32, seed: 17 };
    const y = randomHadamard(x, o);
    assert.ok(Math.abs(tf.norm(y).dataSync()[0] - tf.norm(x).dataSync()[0]) < 1e-4);
    const back = inverseRandomHadamard(y, o);
    assert.ok(tf.max(tf.abs(tf.sub(back, x))).dataSync()[0] < 1e-5);
    const product = tf.matMul(randomHadamard(x, o), randomHadamard(w, { ...o, axis: 0 }));
    assert.ok(tf.max(tf.abs(tf.sub(product, tf.matMul(x, w)))).dataSync()[0] < 1e-4);
    tf.dispose([x, w, y, back, product]);
  });
  test("seeded: the same seed the same signs, different seeds different ones; gradients flow", () => {
    assert.deepEqual(hadamardSigns(16, 3), hadamardSigns(16, 3));
    assert.notDeepEqual(hadamardSigns(64, 3), hadamardSigns(64, 4));
    const x = tf.randomNormal([4, 16], 0, 1, "float32", 5);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(randomHadamard(v, { blockSize: 16 }))))(x);
    // d/dx |Qx|^2 = 2x for orthogonal Q.
    assert.ok(tf.max(tf.abs(tf.sub(g, tf.mul(2, x)))).dataSync()[0] < 1e-4);
    tf.dispose([x, g]);
  });
  test("bad options name the parameter; no leaks", () => {
    const x = tf.zeros([4, 24]);
    assert.throws(
      () => randomHadamard(x, { blockSize: 12 }),
      /randomHadamard blockSize must be a power of two; got 12/,
    );
    assert.throws(
      () => randomHadamard(x, { blockSize: 16 }),
      /blockSize must divide the length of axis -1 \(24\); got 16/,
    );
    assert.throws(
      () => randomHadamard(x, { blockSize: 8, axis: 2 }),
      /randomHadamard axis must be an integer in \[-2, 1\]/,
    );
    const before = tf.memory().numTensors;
    randomHadamard(x, { blockSize: 8 }).dispose();
    inverseRandomHadamard(x, { blockSize: 4, axis: 0 }).dispose();
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
});

describe("per-GEMM recipes", () => {
  test("blocks run along each operand's contraction axis", () => {
    assert.equal(((operandFormat(MXFP4, 0) as ScaledFormat).granularity as { axis: number }).axis, 0);
    const x = tf.randomNormal([32, 64], 0, 1, "float32", 7) as tf.Tensor2D;
    // GRAD's input X [M, K] contracts over M (axis 0): blocks of 32 down the columns.
    const q = quantizeOperand(x, MXFP4_NEAREST, "GRAD", "input");
    const expected = quantize(x.transpose(), MXFP4).transpose();
    assert.deepEqual(q.dataSync(), expected.dataSync());
    tf.dispose([x, q, expected]);
  });
  test("recipe GEMMs approximate the float32 GEMM, closer with 8 bits than with 4", () => {
    const x = tf.randomNormal([32, 64], 0, 1, "float32", 1) as tf.Tensor2D;
    const w = tf.randomNormal([64, 32], 0, 0.1, "float32", 2) as tf.Tensor2D;
    const dy = tf.randomNormal([32, 32], 0, 0.01, "float32", 3) as tf.Tensor2D;
    const exact = { FWD: tf.matMul(x, w), BWD: tf.matMul(dy, w, false, true), GRAD: tf.matMul(x, dy, true, false) };
    const operands = { FWD: [x, w], BWD: [dy, w], GRAD: [x, dy] } as const;
    const relError = (recipe: typeof MXFP8BlockScaling, gemm: "FWD" | "BWD" | "GRAD") => {
      const [a, b] = operands[gemm];
      const y = recipeMatMul(a, b, recipe, gemm, { seed: 1, hadamardSeed: 5 });
      const e = tf.norm(tf.sub(y, exact[gemm])).dataSync()[0] / tf.norm(exact[gemm]).dataSync()[0];
      y.dispose();
      return e;
    };
    for (const gemm of ["FWD", "BWD", "GRAD"] as const) {
      const e8 = relError(MXFP8BlockScaling, gemm);
      const e4 = relError(MXFP4_NEAREST, gemm);
      assert.ok(e8 < 0.06, `${gemm} MXFP8 ${e8}`);
      assert.ok(e4 < 0.35 && e8 < e4, `${gemm} MXFP4 ${e4} vs MXFP8 ${e8}`);
      assert.ok(relError(NVFP4BlockScaling, gemm) < 0.35);
      assert.ok(relError(Float8CurrentScaling, gemm) < 0.1);
    }
    // Tseng et al.'s recipe: the forward GEMM untouched, the backward ones in MXFP4 with SR and RHT.
    const fwd = recipeMatMul(x, w, MXFP4_SR_RHT, "FWD");
    assert.deepEqual(fwd.dataSync(), exact.FWD.dataSync());
    assert.ok(relError(MXFP4_SR_RHT, "GRAD") < 0.35);
    tf.dispose([x, w, dy, fwd, ...Object.values(exact)]);
  });
  test("stochastic rounding in a recipe is unbiased: the mean of many GEMMs approaches the float32 one", () => {
    const x = tf.randomNormal([32, 32], 0, 1, "float32", 11) as tf.Tensor2D;
    const dy = tf.randomNormal([32, 32], 0, 1, "float32", 12) as tf.Tensor2D;
    const exact = tf.matMul(x, dy, true, false);
    const runs = 64;
    let mean = tf.zerosLike(exact);
    for (let s = 0; s < runs; s++) {
      const y = recipeMatMul(x, dy, MXFP4_SR_RHT, "GRAD", { seed: 3, stream: 2 * s, hadamardSeed: s });
      const next = tf.add(mean, tf.div(y, runs));
      tf.dispose([mean, y]);
      mean = next;
    }
    const one = recipeMatMul(x, dy, MXFP4_SR_RHT, "GRAD", { seed: 3, stream: 0, hadamardSeed: 0 });
    const errMean = tf.norm(tf.sub(mean, exact)).dataSync()[0];
    const errOne = tf.norm(tf.sub(one, exact)).dataSync()[0];
    assert.ok(errMean < errOne / 4, `mean of ${runs}: ${errMean}, one: ${errOne}`);
    tf.dispose([x, dy, exact, mean, one]);
  });
  test("stochastic rounding recipes never clip, so every operand's draws average to it", () => {
    // GRAD's input X [32, 64] contracts over its 32 rows: one block per column. Under OCP's floor
    // rule a column whose largest |x| has a significand of at least 1.5 puts it at 6 or more on
    // FP4's grid, which saturates at 6: a bias no number of draws removes. Check that some do.
    const x = tf.randomNormal([32, 64], 0, 1, "float32", 21) as tf.Tensor2D;
    for (const recipe of [MXFP4_BWD_SR, MXFP4_SR_RHT]) {
      const hadamardSeed = 9;
      const target =
        recipe.GRAD.input.hadamard === undefined
          ? x.clone()
          : randomHadamard(x, { blockSize: 32, seed: hadamardSeed, axis: 0 });
      const t = target.dataSync();
      const blockMax = Array.from({ length: 64 }, (_, c) =>
        Math.max(...Array.from({ length: 32 }, (_, r) => Math.abs(t[r * 64 + c]))),
      );
      const clipsUnderFloor = blockMax.filter((m) => m / 2 ** (Math.floor(Math.log2(m)) - 2) > 6.5).length;
      assert.ok(clipsUnderFloor >= 4, `${recipe.name}: ${clipsUnderFloor} columns would clip by over 0.5 steps`);
      const draws = 1000;
      const sum = new Float64Array(t.length),
        sumSquares = new Float64Array(t.length);
      for (let d = 0; d < draws; d++) {
        const q = quantizeOperand(x, recipe, "GRAD", "input", { seed: 4, stream: d, hadamardSeed });
        const v = q.dataSync();
        q.dispose();
        for (let i = 0; i < v.length; i++) {
          sum[i] += v[i];
          sumSquares[i] += v[i] * v[i];
        }
      }
      for (let i = 0; i < t.length; i++) {
        const mean = sum[i] / draws;
        const sd = Math.sqrt(Math.max(0, sumSquares[i] / draws - mean * mean));
        // 5 standard errors, and room for a rare round-up never drawn: the grid's step is at most
        // 2 X <= 2/3 of the block's largest value (the scale rounded up puts it above 3 X).
        const step = (2 / 3) * blockMax[i % 64];
        assert.ok(
          Math.abs(mean - t[i]) <= (5 * sd) / Math.sqrt(draws) + (4 * step) / draws,
          `${recipe.name} element ${i}: mean ${mean}, value ${t[i]}, sd ${sd}`,
        );
      }
      target.dispose();
    }
    x.dispose();
  });
  test("every preset names each operand of each GEMM", () => {
    for (const r of GEMM_RECIPES) {
      assert.ok(r.FWD.input && r.FWD.weight && r.BWD.gradOutput && r.BWD.weight && r.GRAD.input && r.GRAD.gradOutput);
    }
    assert.equal(NVFP4BlockScaling.GRAD.gradOutput.rounding, "stochastic");
    assert.deepEqual(NVFP4BlockScaling.GRAD.input.hadamard, { blockSize: 16 });
    assert.throws(
      () => quantizeOperand(tf.zeros([2, 2]) as tf.Tensor2D, MXFP4_NEAREST, "FWD", "gradOutput"),
      /operand must be one of "input", "weight" for FWD; got "gradOutput"/,
    );
  });
});
