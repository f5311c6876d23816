/**
 * The paired t-test against Student's sleep data (Cushny and Peebles; R's datasets::sleep, whose
 * `t.test(extra ~ group, paired = TRUE)` prints t = -4.0621, df = 9, p-value = 0.002833 and the
 * interval (-2.4598858, -0.7001142)), against SciPy 1.17's ttest_rel, and against the closed forms
 * of Student's t CDF for nu = 1 (Cauchy) and nu = 2 computed in float64.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { pairedTTest } from "lowbit/stats";

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);

const DRUG1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const DRUG2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe("pairedTTest", () => {
  test("Student's sleep data: R's published t, df, p and 95% interval", () => {
    const r = pairedTTest(DRUG1, DRUG2);
    assert.equal(r.n, 10);
    assert.equal(r.df, 9);
    close(r.difference, -1.58, 1e-14, "mean difference");
    close(r.t, -4.0621, 5e-5, "t (R, 5 digits)");
    close(r.p, 0.002833, 5e-7, "p (R, 4 digits)");
    close(r.low, -2.4598858, 5e-8, "low (R)");
    close(r.high, -0.7001142, 5e-8, "high (R)");
    // SciPy 1.17 ttest_rel, full precision.
    close(r.t, -4.062127683382037, 1e-12, "t (SciPy)");
    close(r.p, 0.002832890197384273, 1e-12, "p (SciPy)");
    close(r.low, -2.459885763276983, 1e-9, "low (SciPy)");
    close(r.high, -0.7001142367230175, 1e-9, "high (SciPy)");
    close(pairedTTest(DRUG2, DRUG1, { alternative: "greater" }).p, 0.0014164450986921364, 1e-12, "p greater");
  });

  test("accuracies of two configurations over six shared seeds, 90% interval, match SciPy", () => {
    const a = [0.912, 0.905, 0.921, 0.899, 0.915, 0.908],
      b = [0.901, 0.899, 0.915, 0.897, 0.902, 0.903];
    const r = pairedTTest(a, b, { level: 0.9 });
    close(r.t, 4.312958341782086, 1e-9, "t");
    close(r.p, 0.0076212408180944095, 1e-10, "p");
    close(r.low, 0.0038183431113504194, 1e-10, "low");
    close(r.high, 0.010514990221982923, 1e-10, "high");
  });

  test("two and three pairs: p from the closed forms of the t CDF for nu = 1 and nu = 2", () => {
    for (const [a, b] of [
      [
        [1, 5],
        [0.5, 2],
      ],
      [
        [1e-9, 3e-9],
        [2e-9, 1e-9],
      ],
      [
        [1e6, 1e6 + 3],
        [1e6 - 1, 1e6 + 0.5],
      ],
    ]) {
      const d = a.map((x, i) => x - b[i]);
      const mean = (d[0] + d[1]) / 2,
        sd = Math.abs(d[0] - d[1]) / Math.SQRT2;
      const t = mean / (sd / Math.SQRT2);
      const r = pairedTTest(a, b);
      close(r.t, t, 1e-9 * Math.abs(t), `t of ${a} vs ${b}`);
      close(r.p, 1 - (2 / Math.PI) * Math.atan(Math.abs(t)), 1e-12, `p (Cauchy) of ${a} vs ${b}`);
      // The 97.5% quantile of nu = 1 (95% two-sided) is tan(0.475 pi).
      close(r.high - r.difference, Math.tan(0.475 * Math.PI) * (sd / Math.SQRT2), 1e-7 * sd, "half width");
    }
    const a = [3, 7, 2],
      b = [1, 2, 2];
    const d = [2, 5, 0],
      mean = 7 / 3;
    const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / 2);
    const t = mean / (sd / Math.sqrt(3));
    const r = pairedTTest(a, b);
    close(r.t, t, 1e-14, "t, nu = 2");
    close(r.p, 1 - Math.abs(t) / Math.sqrt(2 + t * t), 1e-12, "p (closed form, nu = 2)");
  });

  test("refuses unequal lengths, fewer than two pairs, non-finite values and constant differences", () => {
    assert.throws(() => pairedTTest([1, 2, 3], [1, 2]), /same length.*got 3 and 2/);
    assert.throws(() => pairedTTest([1], [2]), /at least 2 numbers/);
    assert.throws(
      () => pairedTTest([1, Number.NaN], [2, 3]),
      /pairedTTest a must hold finite numbers; got NaN at index 1/,
    );
    assert.throws(() => pairedTTest([1, 2, 3], [0, 1, 2]), /every difference a_i - b_i is the same/);
    assert.throws(() => pairedTTest([1, 2], [0, 2], { level: 1 }), /level must be in \(0, 1\)/);
    assert.throws(
      () => pairedTTest([1, 2], [0, 2], { alternative: "less" as "greater" }),
      /alternative must be "two-sided" or "greater"/,
    );
  });
});
