/**
 * presetSwamping: its predictions are vrr() under the documented reading of each preset (an
 * independent call of the public analysis), its predicted onset is the first n past the
 * tolerance (checked on both sides), its simulation is deterministic for a seed and measures
 * the bit-true unit (the FP8 units lose less variance than the truncating accumulator of the
 * analysis predicts: the finding the function exists to show), and bad options get typed errors.
 */
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { presetSwamping } from "lowbit/accum";
import { vrr } from "lowbit";

test("presetSwamping's predictions are vrr() of the preset's documented reading", () => {
  const r = presetSwamping({ preset: "hopper-fp8", lengths: [64, 1000, 4096], trials: 8 });
  assert.deepEqual(r.model, { mAcc: 13, mP: 3, rounding: "zero", chunk: 32, run: undefined });
  for (const row of r.rows)
    assert.equal(row.predictedVrr, vrr({ n: row.n, mAcc: 13, mP: 3, rounding: "zero", chunk: Math.min(32, row.n) }));
  const promoted = presetSwamping({ preset: "hopper-fp8", promoteEvery: 128, lengths: [64, 4096], trials: 8 });
  assert.equal(promoted.rows[1].predictedVrr, vrr({ n: 128, mAcc: 13, mP: 3, rounding: "zero", chunk: 32 }));
  const fma = presetSwamping({ preset: "fp32-sequential", lengths: [100], trials: 4 });
  assert.deepEqual(fma.model, { mAcc: 23, mP: 23, rounding: "nearest", chunk: 1, run: undefined });
  assert.equal(fma.rows[0].predictedVrr, vrr({ n: 100, mAcc: 23, mP: 23, rounding: "nearest" }));
});

test("the predicted onset is the first n whose |1 - VRR| passes the tolerance", () => {
  const tolerance = 0.01;
  const r = presetSwamping({ preset: "hopper-fp8", lengths: [16], trials: 4, tolerance });
  const v = (n: number) => Math.abs(1 - vrr({ n, mAcc: 13, mP: 3, rounding: "zero", chunk: 32 }));
  assert.ok(Number.isFinite(r.predictedOnset));
  assert.ok(v(r.predictedOnset) > tolerance && v(r.predictedOnset - 1) <= tolerance, `onset ${r.predictedOnset}`);
  // More bits, later onset; promotion every 128 keeps the runs short: none up to 2^24.
  assert.equal(presetSwamping({ preset: "hopper-fp16", lengths: [16], trials: 4 }).predictedOnset, Infinity);
  assert.equal(
    presetSwamping({ preset: "hopper-fp8", promoteEvery: 128, lengths: [16], trials: 4 }).predictedOnset,
    Infinity,
  );
});

test("the simulation is deterministic and keeps more variance than the analysis predicts for hopper-fp8", () => {
  const options = { preset: "hopper-fp8" as const, lengths: [256, 65536], trials: 24, seed: 3 };
  const a = presetSwamping(options),
    b = presetSwamping(options);
  assert.deepEqual(a, b);
  assert.ok(Math.abs(1 - a.rows[0].simulatedVrr) < 1e-3);
  const big = a.rows[1];
  assert.ok(big.predictedVrr < 0.96, `predicted ${big.predictedVrr}`);
  assert.ok(big.simulatedVrr > big.predictedVrr + 3 * big.standardError, JSON.stringify(big));
});

test("presetSwamping refuses bad options with typed errors", () => {
  assert.throws(() => presetSwamping({ preset: "blackwell-mxfp4" }), /block-scaled/);
  assert.throws(() => presetSwamping({ preset: "hopper-fp8", lengths: [] }), /lengths must be a non-empty array/);
  assert.throws(() => presetSwamping({ preset: "hopper-fp8", lengths: [0] }), /lengths\[i\]/);
  assert.throws(() => presetSwamping({ preset: "hopper-fp8", trials: 1 }), /trials/);
  assert.throws(() => presetSwamping({ preset: "hopper-fp8", lengths: [2 ** 20], trials: 64 }), /at most 2\^24/);
  assert.throws(() => presetSwamping({ preset: "hopper-fp8", tolerance: 1 }), /tolerance/);
  assert.throws(() => presetSwamping({ preset: "hopper-fp8", promoteEvery: 100 }), /multiple of the unit's group/);
});
