/**
 * Student's t and Welch's test against closed forms (nu = 1: Cauchy, nu = 2) and against values
 * computed with SciPy 1.17 (scipy.stats.t.ppf / t.cdf / ttest_ind(equal_var=False)).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { meanInterval, welchTTest } from "lowbit";
import { studentTCdf, studentTQuantile } from "lowbit/stats";
import { regularizedBeta } from "../../lib/dist/stats/student_t";

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);

describe("Student's t", () => {
  test("CDF equals the closed forms for nu = 1 (Cauchy) and nu = 2", () => {
    for (const t of [-30, -2.5, -0.3, 0, 0.7, 4, 100]) {
      close(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-13, `nu=1, t=${t}`);
      close(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-13, `nu=2, t=${t}`);
    }
  });

  test("CDF and quantile match SciPy, fractional degrees of freedom included", () => {
    close(studentTCdf(-1.3, 7.3), 0.11657077503308287, 1e-12, "cdf(-1.3, 7.3)");
    close(studentTCdf(0.5, 30), 0.6896384975574363, 1e-12, "cdf(0.5, 30)");
    close(studentTCdf(2, 3), 0.9303370157205785, 1e-12, "cdf(2, 3)");
    close(studentTCdf(10, 1.5), 0.9881703224431893, 1e-12, "cdf(10, 1.5)");
    close(studentTQuantile(0.975, 4), 2.7764451051977934, 1e-9, "ppf(0.975, 4)");
    close(studentTQuantile(0.975, 10), 2.228138851986274, 1e-9, "ppf(0.975, 10)");
    close(studentTQuantile(0.995, 2.5), 7.163728138948783, 1e-9, "ppf(0.995, 2.5)");
    close(studentTQuantile(0.9, 1), 3.0776835371752544, 1e-9, "ppf(0.9, 1)");
    close(studentTQuantile(0.025, 4), -2.7764451051977934, 1e-9, "ppf(0.025, 4)");
  });

  test("regularized beta: I_x(1, 1) = x and I_x(a, 1) = x^a", () => {
    for (const x of [0, 0.1, 0.5, 0.93, 1]) {
      close(regularizedBeta(x, 1, 1), x, 1e-14, `I_${x}(1,1)`);
      close(regularizedBeta(x, 3.5, 1), x ** 3.5, 1e-14, `I_${x}(3.5,1)`);
    }
  });
});

describe("Welch's t-test and intervals", () => {
  test("matches SciPy's ttest_ind(equal_var=False), two-sided and one-sided", () => {
    const a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const r = welchTTest(a, b);
    close(r.t, -2.455356398286006, 1e-12, "t");
    close(r.df, 24.988529290231416, 1e-10, "df");
    close(r.p, 0.021378001462866992, 1e-10, "p");
    const a2 = [0.871, 0.874, 0.869, 0.88, 0.872],
      b2 = [0.861, 0.866, 0.858, 0.87, 0.851, 0.862];
    const r2 = welchTTest(a2, b2);
    close(r2.t, 3.624735900208083, 1e-10, "t2");
    close(r2.df, 8.548840592985886, 1e-9, "df2");
    close(r2.p, 0.006025225003155009, 1e-10, "p2");
    close(welchTTest(a2, b2, { alternative: "greater" }).p, 0.0030126125015775044, 1e-10, "p greater");
  });

  test("95% interval of the mean matches SciPy's t.interval", () => {
    const m = meanInterval([0.871, 0.874, 0.869, 0.88, 0.872]);
    close(m.mean, 0.8732, 1e-15, "mean");
    close(m.low, 0.8679761497078777, 1e-11, "low");
    close(m.high, 0.8784238502921222, 1e-11, "high");
  });

  test("bad input: clear RangeErrors", () => {
    assert.throws(() => welchTTest([1], [1, 2]), /welchTTest a needs an array of at least 2 numbers/);
    assert.throws(() => welchTTest([1, 1], [2, 2]), /both samples are constant/);
    assert.throws(() => welchTTest([1, NaN], [2, 3]), /finite numbers; got NaN at index 1/);
    assert.throws(() => welchTTest([1, 2], [2, 3], { alternative: "less" as "greater" }), /alternative must be/);
    assert.throws(() => studentTCdf(1, 0), /degrees of freedom must be a finite number > 0/);
    assert.throws(() => studentTQuantile(1, 3), /p must be in \(0, 1\)/);
    assert.throws(() => meanInterval([1, 2], 95), /level must be in \(0, 1\)/);
  });
});
