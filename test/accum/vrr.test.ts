/**
 * The analytic VRR model against the bit-true Monte-Carlo (the ground truth), the limits it
 * must reach, and minAccumulatorBits' criterion. Grid: n in {64, 1024, 16384}, mAcc in
 * {6, 8, 10, 14}, plain, chunked (64) and half-sparse. Where the measured VRR is below 0.9 the
 * sum freezes and the model's Gaussian picture of the accumulator is off by up to 0.13
 * (measured: n = 16384, mAcc = 6: model 0.82, Monte-Carlo 0.89): there the test only asks both
 * to agree that swamping is severe, which is all minAccumulatorBits needs from that region.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { minAccumulatorBits, monteCarloVrr, vrr } from "lowbit";

test("vrr is within 0.03 of monteCarloVrr where VRR >= 0.9, with chunking and sparsity", () => {
  for (const [chunk, sparsity] of [[undefined, 0], [64, 0], [undefined, 0.5]] as const) {
    for (const n of [64, 1024, 16384]) {
      for (const mAcc of [6, 8, 10, 14]) {
        const trials = Math.max(150, Math.floor(1.5e6 / n));
        const analytic = vrr({ n, mAcc, mP: 5, chunk, sparsity });
        const measured = monteCarloVrr({ n, mAcc, mP: 5, chunk, sparsity, trials, seed: 1 });
        if (measured < 0.9) {
          assert.ok(analytic < 0.95, `n=${n} mAcc=${mAcc}: model misses the swamping (${analytic} vs ${measured})`);
          continue;
        }
        assert.ok(Math.abs(analytic - measured) <= 0.03,
          `n=${n} mAcc=${mAcc} chunk=${chunk} sparsity=${sparsity}: vrr ${analytic} vs Monte-Carlo ${measured}`);
      }
    }
  }
});

test("vrr tends to 1 as mAcc grows and falls as n grows", () => {
  const byBits = [4, 8, 12, 16, 20].map((mAcc) => vrr({ n: 4096, mAcc, mP: 5 }));
  for (const v of byBits.slice(2)) assert.ok(Math.abs(1 - v) < 1e-3);
  assert.ok(Math.abs(1 - byBits[4]) < 1e-6);
  assert.ok(vrr({ n: 16384, mAcc: 5, mP: 5 }) < vrr({ n: 256, mAcc: 5, mP: 5 }));
});

test("minAccumulatorBits meets its criterion and grows with n; chunking lowers it", () => {
  const plain = minAccumulatorBits({ n: 16384, mP: 5 });
  assert.ok(Math.abs(1 - vrr({ n: 16384, mAcc: plain, mP: 5 })) <= 0.01);
  assert.ok(Math.abs(1 - vrr({ n: 16384, mAcc: plain - 1, mP: 5 })) > 0.01);
  assert.ok(minAccumulatorBits({ n: 64, mP: 5 }) < plain);
  assert.ok(minAccumulatorBits({ n: 16384, mP: 5, chunk: 64 }) <= plain);
  assert.throws(() => minAccumulatorBits({ n: 0, mP: 5 }), /n must be an integer/);
  assert.throws(() => vrr({ n: 10, mAcc: 4, mP: 5, chunk: 11 }), /chunk/);
  assert.throws(() => vrr({ n: 10, mAcc: 4, mP: 5, sparsity: 1 }), /sparsity/);
  assert.throws(() => minAccumulatorBits({ n: 10, mP: 5, criterion: { tolerance: 0 } }), /tolerance/);
});
