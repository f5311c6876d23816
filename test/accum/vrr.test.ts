/**
 * The analytic VRR model against the bit-true Monte-Carlo (the ground truth), the limits it
 * must reach, and minAccumulatorBits' criterion. Grid: n in {64, 256, 1024, 4096, 16384},
 * mAcc in {4, 5, 6, 8, 10, 12, 14}, plain, chunked (64) and half-sparse, mP = 5.
 * "Enough trials": where the sum stalls, the computed and exact sums decorrelate and the
 * Monte-Carlo ratio needs many trials, so each cell starts with 2e6 / n sums and adds trials
 * until the estimate's standard error is below 0.008 (at most 1.2e8 / n sums); the tolerance
 * 0.03 is then asserted as it is.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { minAccumulatorBits, vrr } from "lowbit";
import { monteCarloVrrEstimate } from "lowbit/accum";

test("vrr is within 0.03 of monteCarloVrr over n 64..16384, mAcc 4..14, with chunking and sparsity", () => {
  let worst = { gap: 0, cell: "" };
  for (const [chunk, sparsity] of [
    [undefined, 0],
    [64, 0],
    [undefined, 0.5],
  ] as const) {
    for (const n of [64, 256, 1024, 4096, 16384]) {
      for (const mAcc of [4, 5, 6, 8, 10, 12, 14]) {
        const c = chunk === undefined ? undefined : Math.min(chunk, n);
        const analytic = vrr({ n, mAcc, mP: 5, chunk: c, sparsity });
        const most = Math.floor(1.2e8 / n);
        let trials = Math.max(200, Math.floor(2e6 / n));
        let measured = monteCarloVrrEstimate({ n, mAcc, mP: 5, chunk: c, sparsity, trials, seed: 1 });
        while (measured.standardError > 0.008 && trials < most) {
          trials = Math.min(most, Math.ceil(trials * (measured.standardError / 0.007) ** 2));
          measured = monteCarloVrrEstimate({ n, mAcc, mP: 5, chunk: c, sparsity, trials, seed: 1 });
        }
        const cell = `n=${n} mAcc=${mAcc} chunk=${c} sparsity=${sparsity}`;
        assert.ok(
          measured.standardError <= 0.01,
          `${cell}: Monte-Carlo standard error ${measured.standardError} with ${trials} trials`,
        );
        const gap = Math.abs(analytic - measured.vrr);
        if (gap > worst.gap)
          worst = {
            gap,
            cell: `${cell}: vrr ${analytic.toFixed(4)}, Monte-Carlo ${measured.vrr.toFixed(4)} +- ${measured.standardError.toFixed(4)}`,
          };
        assert.ok(
          gap <= 0.03,
          `${cell}: vrr ${analytic} vs Monte-Carlo ${measured.vrr} +- ${measured.standardError} (${trials} trials)`,
        );
      }
    }
  }
  console.log(`largest gap ${worst.gap.toFixed(4)} at ${worst.cell}`);
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
