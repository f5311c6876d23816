/**
 * Summary statistics of a sample and the t confidence interval of its mean:
 *   mean, variance s^2 = sum (x - mean)^2 / (n - 1),
 *   interval  mean +- t_{(1+level)/2, n-1} * s / sqrt(n).
 */
import { studentTQuantile } from "./student_t";

export interface SampleStats {
  n: number;
  mean: number;
  /** Unbiased sample variance (n - 1 in the denominator). */
  variance: number;
  std: number;
}

export function sampleStats(what: string, xs: readonly number[], minSize = 1): SampleStats {
  if (!Array.isArray(xs) || xs.length < minSize)
    throw new RangeError(
      `lowbit: ${what} needs an array of at least ${minSize} numbers; got ${Array.isArray(xs) ? xs.length : typeof xs}`,
    );
  xs.forEach((x, i) => {
    if (!Number.isFinite(x)) throw new RangeError(`lowbit: ${what} must hold finite numbers; got ${x} at index ${i}`);
  });
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  return { n, mean, variance, std: Math.sqrt(variance) };
}

/** The mean of a sample (sum / n, summed left to right). */
export function sampleMean(xs: readonly number[]): number {
  return sampleStats("sampleMean", xs).mean;
}

/** The sample standard deviation sqrt(sum (x - mean)^2 / (n - 1)); 0 for one value. */
export function sampleStd(xs: readonly number[]): number {
  return sampleStats("sampleStd", xs).std;
}

export interface MeanInterval extends SampleStats {
  level: number;
  low: number;
  high: number;
  /** t * s / sqrt(n). */
  halfWidth: number;
}

/** The mean and its t confidence interval (default 95%); needs n >= 2. */
export function meanInterval(xs: readonly number[], level = 0.95): MeanInterval {
  if (!(level > 0 && level < 1)) throw new RangeError(`lowbit: meanInterval level must be in (0, 1); got ${level}`);
  const s = sampleStats("meanInterval", xs, 2);
  const halfWidth = (studentTQuantile((1 + level) / 2, s.n - 1) * s.std) / Math.sqrt(s.n);
  return { ...s, level, low: s.mean - halfWidth, high: s.mean + halfWidth, halfWidth };
}
