/**
 * Student's t distribution with nu degrees of freedom (nu > 0, real: Welch's test gives
 * fractional nu), through the regularized incomplete beta function:
 *   F(t) = 1 - I_x(nu/2, 1/2) / 2  for t >= 0,   x = nu / (nu + t^2),   F(-t) = 1 - F(t).
 * I_x(a, b) by its continued fraction (modified Lentz), on the side x < (a+1)/(a+b+2) where it
 * converges fast, using I_x(a, b) = 1 - I_{1-x}(b, a) on the other. Accurate to ~1e-14.
 */
function checkDf(what: string, nu: number): void {
  if (!(nu > 0 && Number.isFinite(nu)))
    throw new RangeError(`lowbit: ${what} degrees of freedom must be a finite number > 0; got ${nu}`);
}

/**
 * ln Gamma(x), x > 0: shift x up to z >= 15 by Gamma(x) = Gamma(x + k) / (x (x+1) ... (x+k-1)),
 * then Stirling's series (x - 1/2) ln z - z + ln(2 pi)/2 + 1/(12z) - 1/(360z^3) + 1/(1260z^5)
 * - 1/(1680z^7) + 1/(1188z^9), whose first omitted term is below 1e-16 at z >= 15.
 */
function logGamma(x: number): number {
  let shift = 0,
    z = x;
  while (z < 15) {
    shift += Math.log(z);
    z += 1;
  }
  const r = 1 / z,
    r2 = r * r;
  const series = r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 / 1188))));
  return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

/** The continued fraction of I_x(a, b) (Numerical Recipes' betacf form), without the prefactor. */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1,
    d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), x in [0, 1], a, b > 0. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1)) throw new RangeError(`lowbit: regularizedBeta x must be in [0, 1]; got ${x}`);
  if (!(a > 0 && b > 0)) throw new RangeError(`lowbit: regularizedBeta a and b must be > 0; got ${a}, ${b}`);
  if (x === 0 || x === 1) return x;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** P(T <= t) for T ~ Student's t with nu degrees of freedom. */
export function studentTCdf(t: number, nu: number): number {
  checkDf("studentTCdf", nu);
  if (Number.isNaN(t)) throw new RangeError("lowbit: studentTCdf t must be a number; got NaN");
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * regularizedBeta(nu / (nu + t * t), nu / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The quantile: t with P(T <= t) = p, p in (0, 1) (bisection on the CDF to ~1e-12). */
export function studentTQuantile(p: number, nu: number): number {
  checkDf("studentTQuantile", nu);
  if (!(p > 0 && p < 1)) throw new RangeError(`lowbit: studentTQuantile p must be in (0, 1); got ${p}`);
  if (p < 0.5) return -studentTQuantile(1 - p, nu);
  let lo = 0,
    hi = 1;
  while (studentTCdf(hi, nu) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, nu) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
