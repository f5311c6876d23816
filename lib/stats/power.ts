/**
 * Power of the paired (one-sample) t-test, and the smallest difference a design detects.
 * With n pairs whose differences have standard deviation sigma, a true mean difference delta,
 * and the two-sided test at level alpha (critical value c = t_{1-alpha/2, n-1}), the statistic
 * is noncentral t with nu = n - 1 degrees of freedom and noncentrality lambda = delta sqrt(n) / sigma:
 *   T = (Z + lambda) / sqrt(V / nu),  Z ~ N(0, 1),  V ~ chi^2_nu,
 *   power = P(|T| > c) = E_V[ Phi(lambda - c sqrt(V/nu)) + Phi(-lambda - c sqrt(V/nu)) ].
 * The expectation over V is integrated numerically (Simpson's rule over the chi-square density,
 * in the variable u = sqrt(V), where the integrand is smooth for every nu >= 2).
 * minimalDetectableDifference solves power(delta) = target for delta (bisection): the smallest
 * true difference the design finds with that probability. A difference smaller than it may be
 * real; the design is just unlikely to show it.
 */
import { twoSidedTail } from "./normal";
import { studentTQuantile } from "./student_t";

/** Phi(x), the standard normal distribution function. */
function normalCdf(x: number): number {
  return x >= 0 ? 1 - twoSidedTail(x) / 2 : twoSidedTail(-x) / 2;
}

/** ln Gamma(x) for x = k / 2 (the chi-square density's normaliser), exact by recursion. */
function logGammaHalf(twiceX: number): number {
  let value = twiceX % 2 === 0 ? 0 : 0.5 * Math.log(Math.PI);
  for (let k = twiceX % 2 === 0 ? 2 : 1; k < twiceX; k += 2) value += Math.log(k / 2);
  return value;
}

function checkDesign(what: string, n: number, alpha: number): void {
  if (!(Number.isInteger(n) && n >= 3 && n <= 100000))
    throw new RangeError(`lowbit: ${what} n must be an integer in [3, 100000] (pairs); got ${n}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`lowbit: ${what} alpha must be in (0, 1); got ${alpha}`);
}

/**
 * Power of the two-sided paired t-test at level `alpha` with `n` pairs, for a true mean
 * difference of `effect` standard deviations of the differences (delta / sigma).
 */
export function pairedTTestPower(effect: number, n: number, options: { alpha?: number } = {}): number {
  const { alpha = 0.05 } = options;
  checkDesign("pairedTTestPower", n, alpha);
  if (!Number.isFinite(effect))
    throw new RangeError(`lowbit: pairedTTestPower effect must be a finite number; got ${effect}`);
  const nu = n - 1;
  const c = studentTQuantile(1 - alpha / 2, nu);
  const lambda = Math.abs(effect) * Math.sqrt(n);
  // V = u^2: density of u is 2u f_chi2(u^2); it vanishes beyond sqrt(nu) + 9 to below 1e-15.
  const logNorm = -(nu / 2) * Math.log(2) - logGammaHalf(nu);
  const top = Math.sqrt(nu) + 9;
  const intervals = 2000;
  const h = top / intervals;
  let sum = 0;
  for (let i = 0; i <= intervals; i++) {
    const u = i * h;
    const density = u === 0 ? 0 : 2 * Math.exp(logNorm + (nu - 1) * Math.log(u) - (u * u) / 2);
    const s = (c * u) / Math.sqrt(nu);
    const weight = i === 0 || i === intervals ? 1 : i % 2 === 1 ? 4 : 2;
    sum += weight * density * (normalCdf(lambda - s) + normalCdf(-lambda - s));
  }
  return Math.min(1, (sum * h) / 3);
}

/**
 * The smallest true mean difference (in the unit of `sd`) that the two-sided paired t-test at
 * level `alpha` detects with probability `power`, with `n` pairs whose differences have
 * standard deviation `sd` (e.g. the sample's, as a plug-in estimate).
 */
export function minimalDetectableDifference(
  sd: number,
  n: number,
  options: { alpha?: number; power?: number } = {},
): number {
  const { alpha = 0.05, power = 0.8 } = options;
  checkDesign("minimalDetectableDifference", n, alpha);
  if (!(sd >= 0 && Number.isFinite(sd)))
    throw new RangeError(`lowbit: minimalDetectableDifference sd must be a finite number >= 0; got ${sd}`);
  if (!(power > alpha && power < 1))
    throw new RangeError(
      `lowbit: minimalDetectableDifference power must be in (alpha, 1) = (${alpha}, 1); got ${power}`,
    );
  let low = 0,
    high = 1;
  while (pairedTTestPower(high, n, { alpha }) < power) high *= 2;
  for (let k = 0; k < 60; k++) {
    const mid = (low + high) / 2;
    if (pairedTTestPower(mid, n, { alpha }) < power) low = mid;
    else high = mid;
  }
  return sd * ((low + high) / 2);
}
