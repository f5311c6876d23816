/**
 * lowPrecisionMatMul with a matrix-unit preset as accumulator: every element bit for bit equal
 * to mmaDot of its row and column (both the four-column kernel and the remainder columns, with
 * and without promotion, with specials that send a block of columns to the general path);
 * inputs: "round" equal to rounding the operands first; lowPrecisionDense and lowPrecisionConv2d
 * running their three GEMMs through a preset; typed errors; no tensor leaks.
 */
import * as assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "lowbit/tf";
import { FP8_E4M3, lowPrecisionMatMul, quantDense, quantize, Rng } from "lowbit";
import { lowPrecisionConv2d, lowPrecisionDense, lowPrecisionMatMulArray, MMA_PRESETS, mmaDot } from "lowbit/accum";

/** E4M3 values (lowbit's FP8_E4M3 grid, max 240, a subset of OCP E4M3) of random scale. */
function fp8(n: number, seed: number, spread = 12): Float32Array {
  const rng = new Rng(seed, 0);
  const x = new Float32Array(n).map(() => (rng.next() - 0.5) * 2 ** Math.floor(rng.next() * spread - spread / 2));
  return quantize(x, FP8_E4M3);
}

function column(b: Float32Array, K: number, N: number, j: number): Float32Array {
  return Float32Array.from({ length: K }, (_, k) => b[k * N + j]);
}

test("lowPrecisionMatMul with a preset equals mmaDot element by element, bit for bit", () => {
  for (const [preset, promoteEvery] of [
    ["hopper-fp8", undefined],
    ["hopper-fp8", 64],
    ["ada-fp8", 32],
    ["blackwell-fp8", undefined],
    ["fp32-sequential", undefined],
    ["fp32-sequential", 5],
  ] as const) {
    for (const [M, K, N] of [
      [3, 200, 7],
      [2, 33, 4],
      [1, 1, 5],
      [4, 96, 9],
    ]) {
      const a = fp8(M * K, M + K),
        b = fp8(K * N, N + K);
      if (K > 10) {
        b[3 * N + 1] = NaN; // column 1: a NaN product sends columns 0..3 to the general path
        a[K + 2] = 0;
      }
      const got = lowPrecisionMatMulArray(
        { values: a, shape: [M, K] },
        { values: b, shape: [K, N] },
        { accumulator: preset, promoteEvery },
      );
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          const want = mmaDot(a.subarray(i * K, (i + 1) * K), column(b, K, N, j), { preset, promoteEvery });
          const g = got[i * N + j];
          assert.ok(
            Object.is(g, Math.fround(want)) || (g === 0 && want === 0),
            `${preset} ${promoteEvery} [${M},${K},${N}] (${i},${j}): ${g} vs ${want}`,
          );
        }
    }
  }
});

test('lowPrecisionMatMul inputs: "round" rounds operands to the input format; "check" refuses them', () => {
  const rng = new Rng(4, 0);
  const a = new Float32Array(4 * 40).map(() => rng.next() * 3 - 1.5),
    b = new Float32Array(40 * 5).map(() => rng.next() * 600 - 300);
  const A = { values: a, shape: [4, 40] as [number, number] },
    B = { values: b, shape: [40, 5] as [number, number] };
  assert.throws(() => lowPrecisionMatMulArray(A, B, { accumulator: "hopper-fp8" }), /lowPrecisionMatMul a\[0\].*e4m3/);
  const got = lowPrecisionMatMulArray(A, B, { accumulator: "hopper-fp8", inputs: "round" });
  // Rounding to E4M3 (max 448, saturating) by an independent route: nearest on the 3-bit grid.
  const e4m3 = (x: number) => {
    const m = Math.abs(x);
    const e = Math.max(Math.floor(Math.log2(m)), -6);
    const q = 2 ** (e - 3);
    let n = Math.round(m / q);
    if (Math.abs(m / q - Math.trunc(m / q) - 0.5) === 0 && n % 2 === 1) n -= 1;
    return Math.sign(x) * Math.min(448, n * q);
  };
  const want = lowPrecisionMatMulArray(
    { values: a.map(e4m3), shape: [4, 40] },
    { values: b.map(e4m3), shape: [40, 5] },
    { accumulator: "hopper-fp8" },
  );
  assert.deepEqual(Array.from(got), Array.from(want));
});

test("lowPrecisionMatMul preset options: typed errors", () => {
  const A = { values: new Float32Array(4), shape: [2, 2] as [number, number] };
  assert.throws(() => lowPrecisionMatMulArray(A, A, { accumulator: "h100" as "hopper-fp8" }), /preset must be one of/);
  assert.throws(
    () => lowPrecisionMatMulArray(A, A, { accumulator: "hopper-fp8", product: FP8_E4M3 }),
    /product do not apply/,
  );
  assert.throws(
    () => lowPrecisionMatMulArray(A, A, { accumulator: "hopper-fp8", promoteEvery: 48 }),
    /multiple of the unit's group 32/,
  );
  assert.throws(
    () => lowPrecisionMatMulArray(A, A, { accumulator: "blackwell-mxfp4" }),
    /scalesA must be a Float32Array of 2 block scales/,
  );
  assert.throws(
    () =>
      lowPrecisionMatMulArray(A, A, { accumulator: "blackwell-mxfp4", inputs: "round", scalesA: new Float32Array(2) }),
    /inputs "round" computes the block scales/,
  );
  assert.throws(
    () => lowPrecisionMatMulArray(A, A, { accumulator: "hopper-fp8", scalesA: new Float32Array(2) }),
    /block-scaled presets/,
  );
  assert.throws(
    () =>
      lowPrecisionMatMulArray(A, A, {
        accumulator: { mantissaBits: 8 },
        product: FP8_E4M3,
        scalesB: new Float32Array(2),
      }),
    /need a matrix-unit preset/,
  );
  assert.throws(
    () => lowPrecisionMatMulArray(A, A, { accumulator: { mantissaBits: 8 }, product: FP8_E4M3, promoteEvery: 32 }),
    /need a matrix-unit preset/,
  );
  assert.throws(
    () => lowPrecisionMatMulArray(A, A, { accumulator: "hopper-fp8", inputs: "cast" as "round" }),
    /inputs must be one of/,
  );
  assert.ok(MMA_PRESETS["hopper-fp8"].unit.kind === "fused");
});

test("lowPrecisionDense and lowPrecisionConv2d run FWD, BWD and GRAD through a preset, without leaks", () => {
  const x = tf.tensor2d(fp8(8 * 40, 1, 6), [8, 40]),
    w = tf.tensor2d(fp8(40 * 6, 2, 6), [40, 6]);
  const options = { accumulator: "hopper-fp8" as const, promoteEvery: 32, inputs: "round" as const };
  const before = tf.memory().numTensors;
  const { value, grads } = tf.valueAndGrads((xs: tf.Tensor, ws: tf.Tensor) => lowPrecisionDense(xs, ws, options).sum())(
    [x, w],
  );
  // d(sum y)/dx = 1 w^T and d/dw = x^T 1: the GEMMs of the preset on those operands.
  const [dx, dw, sum] = tf.tidy(() => {
    const ones = tf.ones([8, 6]) as tf.Tensor2D;
    return [
      lowPrecisionMatMul(ones, w.transpose(), options),
      lowPrecisionMatMul(x.transpose(), ones, options),
      lowPrecisionMatMul(x, w, options).sum(),
    ];
  });
  assert.equal(value.dataSync()[0], sum.dataSync()[0]);
  assert.deepEqual(Array.from(grads[0].dataSync()), Array.from(dx.dataSync()));
  assert.deepEqual(Array.from(grads[1].dataSync()), Array.from(dw.dataSync()));
  tf.dispose([value, ...grads, dx, dw, sum]);
  const x4 = tf.tensor4d(fp8(2 * 5 * 5 * 3, 3, 4), [2, 5, 5, 3]),
    w4 = tf.tensor4d(fp8(3 * 3 * 3 * 4, 4, 4), [3, 3, 3, 4]);
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    lowPrecisionConv2d(a as tf.Tensor4D, b as tf.Tensor4D, {
      accumulator: "hopper-fp8",
      inputs: "round",
      padding: "same",
    }).sum(),
  )([x4, w4]);
  const ref = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same").sum())([
    x4,
    w4,
  ]);
  // Products of FP8 values summed in short groups: close to float32, not equal.
  for (let i = 0; i < 2; i++) {
    const [d, m] = tf.tidy(() => [tf.sub(g[i], ref[i]).abs().max().dataSync()[0], tf.abs(ref[i]).max().dataSync()[0]]);
    assert.ok(d < 0.05 * m + 1e-6, `conv grad ${i}: ${d}`);
  }
  tf.dispose([...g, ...ref, x4, w4]);
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
  tf.dispose([x, w]);
});

test("quantDense layers train with a preset in all three GEMMs: the loss falls, same bits on every run, no leaks", () => {
  const run = () => {
    const accumulation = { accumulator: "hopper-fp8" as const, promoteEvery: 64, inputs: "round" as const };
    const model = tf.sequential({
      layers: [
        quantDense({ units: 16, activation: "relu", inputShape: [40], seed: 1, accumulation }),
        quantDense({ units: 3, seed: 2, accumulation }),
      ],
    });
    const x = tf.tensor2d(fp8(32 * 40, 9, 4), [32, 40]);
    const y = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 32 }, (_, i) => i % 3),
        "int32",
      ),
      3,
    );
    const optimizer = tf.train.sgd(0.05);
    const losses: number[] = [];
    const before = tf.memory().numTensors;
    for (let i = 0; i < 8; i++) {
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
        true,
      ) as tf.Scalar;
      losses.push(loss.dataSync()[0]);
      loss.dispose();
    }
    assert.equal(tf.memory().numTensors, before, "tensors leaked");
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
    return losses;
  };
  const a = run(),
    b = run();
  assert.deepEqual(a, b);
  assert.ok(a[7] < a[0], `loss ${a[0]} -> ${a[7]}`);
});

const E2M1 = [0, 0.5, 1, 1.5, 2, 3, 4, 6];

/** Nearest-even on a binary grid with `man` bits, smallest normal exponent emin, saturating at max (test's own). */
/** floor(log2 m) for m > 0 by comparisons with exact powers of two, at least emin. */
function floorLog2(m: number, emin = -200): number {
  let e = emin;
  while (2 ** (e + 1) <= m) e++;
  return e;
}

function roundGrid(x: number, man: number, emin: number, max: number): number {
  const m = Math.abs(x);
  if (m === 0) return 0;
  const e = floorLog2(m, emin);
  const q = 2 ** (e - man);
  const f = Math.floor(m / q),
    r = m / q - f;
  const n = r > 0.5 || (r === 0.5 && f % 2 === 1) ? f + 1 : f;
  return Math.sign(x) * Math.min(max, n * q);
}

test("block-scaled presets in lowPrecisionMatMul: explicit scales equal mmaDot; inputs round applies the MX / NVFP4 rules", () => {
  const rng = new Rng(12, 0);
  for (const preset of ["blackwell-mxfp4", "blackwell-nvfp4"] as const) {
    const size = preset === "blackwell-mxfp4" ? 32 : 16;
    const [M, K, N] = [3, 100, 5];
    const nb = Math.ceil(K / size);
    const element = () => (rng.next() < 0.5 ? -1 : 1) * E2M1[Math.floor(rng.next() * 8)];
    const scale = () =>
      preset === "blackwell-mxfp4"
        ? 2 ** Math.floor(rng.next() * 20 - 10)
        : roundGrid(rng.next() * 100, 3, -6, 448) || 1;
    const a = new Float32Array(M * K).map(element),
      b = new Float32Array(K * N).map(element);
    const sa = new Float32Array(M * nb).map(scale),
      sb = new Float32Array(nb * N).map(scale);
    const got = lowPrecisionMatMulArray(
      { values: a, shape: [M, K] },
      { values: b, shape: [K, N] },
      { accumulator: preset, scalesA: sa, scalesB: sb },
    );
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        const want = mmaDot(a.subarray(i * K, (i + 1) * K), column(b, K, N, j), {
          preset,
          scalesA: sa.subarray(i * nb, (i + 1) * nb),
          scalesB: Float32Array.from({ length: nb }, (_, h) => sb[h * N + j]),
        });
        assert.equal(got[i * N + j], Math.fround(want), `${preset} (${i},${j})`);
      }
    // inputs "round": the scale rule and element rounding written out here.
    const x = new Float32Array(M * K).map(() => (rng.next() - 0.5) * 2 ** Math.floor(rng.next() * 16 - 8)),
      y = new Float32Array(K * N).map(() => (rng.next() - 0.5) * 2 ** Math.floor(rng.next() * 16 - 8));
    const quantizeBlocks = (v: number[]) => {
      const amax = Math.max(...v.map(Math.abs));
      let s = 1;
      if (amax > 0) {
        if (preset === "blackwell-mxfp4") s = 2 ** (floorLog2(amax) - 2);
        else s = roundGrid(amax / 6, 3, -6, 448) || 1;
      }
      return { s, e: v.map((t) => roundGrid(t / s, 1, 0, 6)) };
    };
    const rounded = lowPrecisionMatMulArray(
      { values: x, shape: [M, K] },
      { values: y, shape: [K, N] },
      { accumulator: preset, inputs: "round" },
    );
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        const rowBlocks = [],
          colBlocks = [];
        for (let h = 0; h < nb; h++) {
          const ks = Array.from({ length: Math.min(K, (h + 1) * size) - h * size }, (_, t) => h * size + t);
          rowBlocks.push(quantizeBlocks(ks.map((k) => x[i * K + k])));
          colBlocks.push(quantizeBlocks(ks.map((k) => y[k * N + j])));
        }
        const want = mmaDot(
          new Float32Array(rowBlocks.flatMap((q) => q.e)),
          new Float32Array(colBlocks.flatMap((q) => q.e)),
          {
            preset,
            scalesA: new Float32Array(rowBlocks.map((q) => q.s)),
            scalesB: new Float32Array(colBlocks.map((q) => q.s)),
          },
        );
        assert.equal(rounded[i * N + j], Math.fround(want), `${preset} round (${i},${j})`);
      }
  }
});
