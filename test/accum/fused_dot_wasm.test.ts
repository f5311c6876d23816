/**
 * The wasm fused dot-add kernel (lib/wasm/fused_dot.ts, through lowPrecisionMatMul) against the
 * JavaScript reference (mmaDot, fused_dot_add.ts) bit for bit: every plain preset (the FP8 ones
 * on the kernel's float32 lanes, the others on float64 lanes), custom units (narrow and wide)
 * that round the aligned terms to nearest and the output to float16 (nearest), group sizes that
 * do not divide K or 4, promotion to float32, wide exponent ranges with subnormals and zeros,
 * sums that overflow to Inf in the middle of a chain, and the sign of zero sums.
 */
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { lowPrecisionMatMulArray, MMA_PRESETS, type MmaPreset, mmaDot } from "lowbit/accum";
import { Rng } from "lowbit";

/** Random values of a unit format (man bits, emin, max) over a wide exponent range. */
function values(rng: Rng, n: number, man: number, emin: number, max: number, spread: number): Float32Array {
  return new Float32Array(n).map(() => {
    if (rng.next() < 0.1) return 0;
    const e = Math.max(emin - man, Math.floor(Math.log2(max)) - Math.floor(rng.next() * spread));
    const step = 2 ** (Math.max(e, emin) - man);
    const v = Math.min(max, Math.floor(rng.next() * 2 ** (man + 1)) * step);
    return rng.next() < 0.5 ? -v : v;
  });
}

const column = (b: Float32Array, K: number, N: number, j: number) =>
  Float32Array.from({ length: K }, (_, k) => b[k * N + j]);

function check(preset: MmaPreset, promoteEvery: number | undefined, seed: number, spread: number): void {
  const rng = new Rng(seed, 0);
  const M = 1 + Math.floor(rng.next() * 4),
    N = 1 + Math.floor(rng.next() * 6),
    K = 1 + Math.floor(rng.next() * 150);
  const f = preset.input;
  const a = values(rng, M * K, f.man, f.emin, f.maxFinite, spread),
    b = values(rng, K * N, f.man, f.emin, f.maxFinite, spread);
  const got = lowPrecisionMatMulArray(
    { values: a, shape: [M, K] },
    { values: b, shape: [K, N] },
    { accumulator: preset, promoteEvery },
  );
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      const want = Math.fround(mmaDot(a.subarray(i * K, (i + 1) * K), column(b, K, N, j), { preset, promoteEvery }));
      if (!Object.is(got[i * N + j], want))
        assert.fail(
          `${preset.name} N ${promoteEvery} seed ${seed} (${i},${j}) of [${M},${K},${N}]: ${got[i * N + j]} vs ${want}`,
        );
    }
}

test("the wasm kernel equals the JavaScript reference on every plain preset", () => {
  for (const [name, p] of Object.entries(MMA_PRESETS)) {
    if (p.unit.kind !== "fused" || "blockSum" in p.unit) continue;
    for (let seed = 0; seed < 150; seed++) {
      check(p, undefined, seed, [4, 12, 40][seed % 3]);
      if (seed % 3 === 0) check(p, p.unit.group * (1 + (seed % 4)), seed, 12);
    }
    assert.ok(name.length > 0);
  }
});

test("the wasm kernel equals the reference for custom units: nearest alignment, float16 output, odd groups", () => {
  const base = MMA_PRESETS["hopper-fp16"];
  const fp16Out = { name: "fp16", man: 10, emin: -14, maxFinite: 65504, rounding: "nearest" as const };
  for (const unit of [
    { ...base.unit, alignment: "nearest" as const },
    { ...base.unit, output: fp16Out },
    { ...base.unit, group: 5, fractionalBits: 9 },
    { ...base.unit, group: 8, fractionalBits: 12, alignment: "nearest" as const },
    { ...base.unit, group: 3, fractionalBits: 30, alignment: "nearest" as const, output: fp16Out },
  ]) {
    const p = { ...base, name: "custom", unit };
    for (let seed = 0; seed < 150; seed++) check(p, undefined, seed, [4, 12, 40][seed % 3]);
  }
});

test("the wasm kernel: overflow to Inf mid-chain stays Inf; zero sums are +0", () => {
  const p = MMA_PRESETS["hopper-bf16"];
  const big = 3.3895313892515355e38; // bf16's largest value
  const K = 40;
  const a = new Float32Array(K).fill(big),
    b = new Float32Array(K).fill(1);
  b[35] = -1;
  const got = lowPrecisionMatMulArray({ values: a, shape: [1, K] }, { values: b, shape: [K, 1] }, { accumulator: p });
  assert.equal(got[0], Infinity);
  assert.equal(got[0], mmaDot(a, b, { preset: p }));
  const z = lowPrecisionMatMulArray(
    { values: new Float32Array([-0, 1, -1, -0]), shape: [1, 4] },
    { values: new Float32Array([1, 1, 1, -0]), shape: [4, 1] },
    { accumulator: "hopper-fp16" },
  );
  assert.ok(Object.is(z[0], 0));
  assert.ok(
    Object.is(mmaDot(new Float32Array([-0, 1, -1, -0]), new Float32Array([1, 1, 1, -0]), { preset: "hopper-fp16" }), 0),
  );
});
