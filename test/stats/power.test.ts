/**
 * Power of the paired t-test and the minimal detectable difference, against SciPy 1.17: power as
 * integrate.quad of chi2.pdf(v, n-1) * (norm.cdf(l - c sqrt(v/(n-1))) + norm.cdf(-l - c sqrt(v/(n-1))))
 * with c = t.ppf(1 - alpha/2, n-1) and l = effect sqrt(n) (which equals nct.sf(c) + nct.cdf(-c)
 * where SciPy's noncentral t is stable: 0.40138991737 for effect 1, n 5), and the minimal
 * detectable difference as brentq of that power to the target (xtol 1e-13).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { minimalDetectableDifference, pairedTTestPower } from "lowbit/stats";

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);

describe("pairedTTestPower", () => {
  test("SciPy's noncentral-t power of the two-sided paired test", () => {
    const cases: [number, number, number][] = [
      [0.5, 5, 0.1405166899902982],
      [1, 5, 0.4013899173717958],
      [2, 3, 0.47074943127843505],
      [0.3, 30, 0.35546273116552385],
    ];
    for (const [effect, n, expected] of cases)
      close(pairedTTestPower(effect, n), expected, 1e-9, `effect ${effect}, n ${n}`);
  });

  test("no effect: the power is the level; the sign of the effect does not matter", () => {
    close(pairedTTestPower(0, 5), 0.05, 1e-10, "alpha 0.05");
    close(pairedTTestPower(0, 12, { alpha: 0.01 }), 0.01, 1e-10, "alpha 0.01");
    close(pairedTTestPower(-1, 5), pairedTTestPower(1, 5), 1e-15, "symmetric");
  });

  test("bad arguments name the parameter and its range", () => {
    assert.throws(
      () => pairedTTestPower(1, 2),
      /pairedTTestPower n must be an integer in \[3, 100000\] \(pairs\); got 2/,
    );
    assert.throws(() => pairedTTestPower(1, 5, { alpha: 1 }), /pairedTTestPower alpha must be in \(0, 1\); got 1/);
    assert.throws(() => pairedTTestPower(Number.NaN, 5), /pairedTTestPower effect must be a finite number; got NaN/);
  });
});

describe("minimalDetectableDifference", () => {
  test("SciPy's solution of power = 80% at 5% and of 90% at 1%, scaled by sd", () => {
    const cases: [number, number, number][] = [
      [3, 3.2640435497007836, 8.763665580684172],
      [5, 1.6819969659555467, 3.0270740892153807],
      [10, 0.9960013714554439, 1.5097344855749375],
      [30, 0.5292356151129586, 0.7477403442396832],
    ];
    for (const [n, at80, at90] of cases) {
      close(minimalDetectableDifference(1, n), at80, 1e-8, `n ${n}, 80%`);
      close(minimalDetectableDifference(0.4, n), 0.4 * at80, 1e-8, `n ${n}, sd 0.4`);
      close(minimalDetectableDifference(1, n, { alpha: 0.01, power: 0.9 }), at90, 1e-8, `n ${n}, 90% at 1%`);
    }
    assert.equal(minimalDetectableDifference(0, 5), 0);
  });

  test("bad arguments name the parameter and its range", () => {
    assert.throws(() => minimalDetectableDifference(-1, 5), /sd must be a finite number >= 0; got -1/);
    assert.throws(
      () => minimalDetectableDifference(1, 5, { power: 0.01 }),
      /power must be in \(alpha, 1\) = \(0.05, 1\); got 0.01/,
    );
    assert.throws(
      () => minimalDetectableDifference(1, 3.5),
      /n must be an integer in \[3, 100000\] \(pairs\); got 3.5/,
    );
  });
});
