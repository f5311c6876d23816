/**
 * sampleMean, sampleStd and movingAverage against exact rational arithmetic (BigInt) on
 * integer samples, and brute force.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { movingAverage, sampleMean, sampleStd } from "lowbit/stats";

describe("sample summaries", () => {
  test("mean and sample standard deviation of integer samples: exact sums of squares", () => {
    const xs = [3, -7, 12, 0, 5, 5, 1_000_003, -2];
    const n = BigInt(xs.length);
    const sum = xs.reduce((s, x) => s + BigInt(x), 0n);
    // (n - 1) s^2 = sum x^2 - (sum x)^2 / n  => n (n - 1) s^2 = n sum x^2 - (sum x)^2, exactly.
    const nn1s2 = n * xs.reduce((s, x) => s + BigInt(x) ** 2n, 0n) - sum * sum;
    const variance = Number(nn1s2) / Number(n * (n - 1n));
    assert.equal(sampleMean(xs), Number(sum) / xs.length);
    assert.ok(Math.abs(sampleStd(xs) - Math.sqrt(variance)) <= 1e-12 * Math.sqrt(variance));
    assert.equal(sampleStd([4.5]), 0);
    assert.throws(() => sampleMean([]), /sampleMean needs an array of at least 1 numbers; got 0/);
    assert.throws(() => sampleStd([1, Number.NaN]), /sampleStd must hold finite numbers; got NaN at index 1/);
  });

  test("movingAverage: the mean of the last w values, fewer at the start", () => {
    const ys = Array.from({ length: 40 }, (_, i) => ((i * 37) % 11) - 5);
    for (const w of [1, 3, 25, 100]) {
      const got = movingAverage(ys, w);
      ys.forEach((_, i) => {
        const win = ys.slice(Math.max(0, i - w + 1), i + 1);
        assert.equal(got[i], win.reduce((a, b) => a + b, 0) / win.length, `w ${w}, i ${i}`);
      });
    }
    assert.deepEqual(movingAverage([], 5), []);
    assert.throws(() => movingAverage([1], 0), /movingAverage window must be an integer in \[1, /);
  });
});
