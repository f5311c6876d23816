/**
 * The standard normal distribution's two-sided tail P(|Z| > a) = erfc(a / sqrt 2) and partial
 * first moments, accurate to about 1e-13 absolute: what the analytic VRR model (lib/accum/vrr.ts)
 * integrates and power calculations use.
 * Series of erf below 2.5, a continued fraction of erfc above (both classical expansions,
 * evaluated to convergence).
 */
const SQRT_PI = Math.sqrt(Math.PI);

function erfc(z: number): number {
  if (z < 2.5) {
    // erf z = 2/sqrt(pi) * sum_k (-1)^k z^(2k+1) / (k! (2k+1))
    let term = z,
      sum = z;
    for (let k = 1; k < 200; k++) {
      term *= -(z * z) / k;
      const add = term / (2 * k + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / SQRT_PI) * sum;
  }
  // erfc z = exp(-z^2)/sqrt(pi) * 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))), evaluated backward.
  let f = z;
  for (let k = 60; k >= 1; k--) f = z + k / 2 / f;
  return Math.exp(-z * z) / (SQRT_PI * f);
}

/** P(|Z| > a) for a standard normal Z and a >= 0. */
export function twoSidedTail(a: number): number {
  return a === Infinity ? 0 : erfc(a / Math.SQRT2);
}

/** E[|Z| 1{a <= |Z| < b}] = sqrt(2/pi) (exp(-a^2/2) - exp(-b^2/2)). */
export function absMomentBetween(a: number, b: number): number {
  return Math.sqrt(2 / Math.PI) * (Math.exp((-a * a) / 2) - (b === Infinity ? 0 : Math.exp((-b * b) / 2)));
}
