/**
 * The paired t-test (Student 1908; e.g. NIST/SEMATECH e-Handbook 7.3.1): two measurements of the
 * same units (here: two configurations trained from the same seeds, so with the same initial
 * weights and data order), compared through their differences d_i = a_i - b_i:
 *   mean d = sum d_i / n,  s_d^2 = sum (d_i - mean d)^2 / (n - 1),
 *   t = mean d / (s_d / sqrt(n)),  nu = n - 1,
 *   p = two-sided: 2 P(T_nu >= |t|); "greater": P(T_nu >= t) (is a above b?),
 *   interval  mean d +- t_{(1+level)/2, nu} * s_d / sqrt(n).
 * Pairing removes the variation the units share (a seed that is lucky for both configurations),
 * which Welch's test of the two samples would count as noise.
 */
import { sampleStats } from "./sample";
import { studentTCdf, studentTQuantile } from "./student_t";

export interface PairedResult {
  /** Number of pairs. */
  n: number;
  /** mean d = mean of a_i - b_i. */
  difference: number;
  /** s_d, the sample standard deviation of the differences. */
  sd: number;
  t: number;
  df: number;
  p: number;
  level: number;
  /** The t interval of the mean difference at `level`. */
  low: number;
  high: number;
}

export function pairedTTest(
  a: readonly number[],
  b: readonly number[],
  options: { alternative?: "two-sided" | "greater"; level?: number } = {},
): PairedResult {
  const { alternative = "two-sided", level = 0.95 } = options;
  if (alternative !== "two-sided" && alternative !== "greater")
    throw new RangeError(
      `lowbit: pairedTTest alternative must be "two-sided" or "greater"; got ${JSON.stringify(alternative)}`,
    );
  if (!(level > 0 && level < 1)) throw new RangeError(`lowbit: pairedTTest level must be in (0, 1); got ${level}`);
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length)
    throw new RangeError(
      `lowbit: pairedTTest a and b must be arrays of the same length (one value per pair); got ` +
        `${Array.isArray(a) ? a.length : typeof a} and ${Array.isArray(b) ? b.length : typeof b}`,
    );
  sampleStats("pairedTTest a", a, 2);
  sampleStats("pairedTTest b", b, 2);
  const d = sampleStats(
    "pairedTTest differences",
    a.map((x, i) => x - b[i]),
    2,
  );
  if (d.variance === 0)
    throw new RangeError("lowbit: pairedTTest needs some variance: every difference a_i - b_i is the same");
  const se = d.std / Math.sqrt(d.n);
  const t = d.mean / se;
  const df = d.n - 1;
  const p = alternative === "greater" ? 1 - studentTCdf(t, df) : 2 * (1 - studentTCdf(Math.abs(t), df));
  const halfWidth = studentTQuantile((1 + level) / 2, df) * se;
  return {
    n: d.n,
    difference: d.mean,
    sd: d.std,
    t,
    df,
    p,
    level,
    low: d.mean - halfWidth,
    high: d.mean + halfWidth,
  };
}
