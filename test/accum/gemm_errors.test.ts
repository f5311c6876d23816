/**
 * gemmErrors and summarizeGemmErrors against an independent reference: the exact product by
 * BigInt dyadic arithmetic (test/accum/dyadic.ts), the computed product by mmaDot on each row and
 * column, and the metrics recomputed by hand. Operands span wide magnitudes (fp16 and fp32,
 * cancellation, powers of two), where a plain float64 sum would not be exact. toPresetInput is
 * checked against the format's definition (nearest-even on its grid, saturating).
 */
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "lowbit";
import { gemmErrors, mmaDot, summarizeGemmErrors, toPresetInput } from "lowbit/accum";
import { add, type Dyadic, dyadic, mul, toNumber } from "./dyadic";

function wide(rng: Rng, n: number, spread: number): Float32Array {
  return Float32Array.from({ length: n }, () => {
    const sign = rng.next() < 0.5 ? -1 : 1;
    return Math.fround(sign * (1 + rng.next()) * 2 ** Math.floor((rng.next() - 0.5) * spread));
  });
}

test("gemmErrors: exact product by BigInt, computed product equal to mmaDot, on wide-range fp32 operands", () => {
  const rng = new Rng(3, 0);
  const [M, K, N] = [5, 37, 4];
  const a = wide(rng, M * K, 60),
    b = wide(rng, K * N, 60);
  // Cancellation: a row whose products are +x, -x pairs around a tiny one.
  for (let k = 0; k < K; k++) {
    a[k] = k % 2 === 0 ? 2 ** 20 : -(2 ** 20);
    b[k * N] = k === K - 1 ? 2 ** -30 : 1;
  }
  const e = gemmErrors({ values: a, shape: [M, K] }, { values: b, shape: [K, N] }, { accumulator: "fp32-sequential" });
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s: Dyadic = dyadic(0),
        abs = 0;
      const col = new Float32Array(K),
        row = a.subarray(i * K, (i + 1) * K);
      for (let k = 0; k < K; k++) {
        s = add(s, mul(dyadic(a[i * K + k]), dyadic(b[k * N + j])));
        abs += Math.abs(a[i * K + k] * b[k * N + j]);
        col[k] = b[k * N + j];
      }
      const exact = toNumber(s);
      assert.ok(Math.abs(e.exact[i * N + j] - exact) <= 2 ** -52 * Math.abs(exact), `exact (${i}, ${j})`);
      assert.ok(Math.abs(e.absSum[i * N + j] - abs) <= 2 ** -40 * abs);
      assert.equal(e.computed[i * N + j], mmaDot(row, col, { preset: "fp32-sequential" }), `computed (${i}, ${j})`);
    }
});

test("summarizeGemmErrors: metrics by hand, near-zero sums excluded by the floor", () => {
  const errors = {
    computed: Float32Array.from([1.01, -2, 0.5, 1e-6]),
    exact: Float64Array.from([1, -2.02, 0.5, 1e-9]),
    absSum: Float64Array.from([2, 4, 0.5, 1]),
  };
  const rms = Math.sqrt((1 + 2.02 ** 2 + 0.25 + 1e-18) / 4);
  const s = summarizeGemmErrors(errors, { floor: 0.1 });
  assert.equal(s.count, 4);
  assert.equal(s.excluded, 1); // 1e-9 < 0.1 RMS
  const rel = [Math.abs(Math.fround(1.01) - 1) / 1, 0.02 / 2.02, 0].sort((x, y) => x - y);
  assert.ok(Math.abs(s.relative.max - rel[2]) < 1e-12);
  assert.ok(Math.abs(s.relative.median - rel[1]) < 1e-12);
  assert.ok(0.1 * rms > 1e-9);
  const nw = [Math.abs(Math.fround(1.01) - 1) / 2, 0.02 / 4, 0, Math.abs(Math.fround(1e-6) - 1e-9)].sort(
    (x, y) => x - y,
  );
  assert.ok(Math.abs(s.normwise.max - nw[3]) < 1e-12);
  const all = summarizeGemmErrors(errors, { floor: 0 });
  assert.equal(all.excluded, 0);
  assert.ok(all.relative.max > 900); // the near-zero sum: relative error ~ 1000
  const num = (Math.fround(1.01) - 1) ** 2 + 0.02 ** 2 + (Math.fround(1e-6) - 1e-9) ** 2;
  assert.ok(Math.abs(s.frobenius - Math.sqrt(num / (rms * rms * 4))) < 1e-12);
});

test("toPresetInput: E4M3 nearest-even, saturating at 448, fp16 subnormals; block-scaled presets refused", () => {
  const x = Float32Array.from([1.0625, 1.1875, 500, -1e6, 2 ** -10, 3 * 2 ** -11, NaN]);
  const e4m3 = toPresetInput(x, "hopper-fp8");
  // 1.0625 is halfway between 1 and 1.125: even (1); 1.1875 between 1.125 and 1.25: even (1.25);
  // below the smallest subnormal 2^-9, 2^-10 is a tie (to 0) and 1.5 * 2^-10 rounds up to 2^-9.
  assert.deepEqual(Array.from(e4m3).slice(0, 6), [1, 1.25, 448, -448, 0, 2 ** -9]);
  assert.ok(Number.isNaN(e4m3[6]));
  const h = toPresetInput(Float32Array.from([2 ** -25, 3 * 2 ** -26, 65520]), "hopper-fp16");
  assert.deepEqual([...h], [0, 2 ** -24, 65504]);
  assert.throws(() => toPresetInput(x, "blackwell-mxfp4"), /block-scaled/);
  assert.throws(() => toPresetInput([1] as unknown as Float32Array, "hopper-fp8"), /Float32Array/);
});

test("gemmErrors refuses mismatched shapes and rounded inputs; summarizeGemmErrors a bad floor", () => {
  const m = { values: new Float32Array(4), shape: [2, 2] as [number, number] };
  assert.throws(
    () => gemmErrors(m, { values: new Float32Array(6), shape: [3, 2] }, { accumulator: "hopper-fp8" }),
    /inner dimensions/,
  );
  assert.throws(() => gemmErrors(m, m, { accumulator: "hopper-fp8", inputs: "round" }), /inputs/);
  const e = gemmErrors(m, m, { accumulator: "hopper-fp8" });
  assert.throws(() => summarizeGemmErrors(e, { floor: 2 }), /floor must be a number in \[0, 1\]/);
});
