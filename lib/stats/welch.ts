/**
 * Welch's unequal-variance t-test of two independent samples (means m, variances s^2 with n - 1,
 * sizes n):
 *   t = (m_a - m_b) / sqrt(s_a^2/n_a + s_b^2/n_b)
 *   nu = (s_a^2/n_a + s_b^2/n_b)^2 / ((s_a^2/n_a)^2/(n_a - 1) + (s_b^2/n_b)^2/(n_b - 1))   (Welch-Satterthwaite)
 *   p = two-sided: 2 P(T_nu >= |t|); "greater": P(T_nu >= t) (is mean a above mean b?).
 */
import { sampleStats } from "./sample";
import { studentTCdf } from "./student_t";

export interface WelchResult {
  t: number;
  df: number;
  p: number;
  /** m_a - m_b. */
  difference: number;
}

export function welchTTest(
  a: readonly number[],
  b: readonly number[],
  options: { alternative?: "two-sided" | "greater" } = {},
): WelchResult {
  const { alternative = "two-sided" } = options;
  if (alternative !== "two-sided" && alternative !== "greater")
    throw new RangeError(
      `lowbit: welchTTest alternative must be "two-sided" or "greater"; got ${JSON.stringify(alternative)}`,
    );
  const sa = sampleStats("welchTTest a", a, 2),
    sb = sampleStats("welchTTest b", b, 2);
  const va = sa.variance / sa.n,
    vb = sb.variance / sb.n;
  if (va + vb === 0) throw new RangeError("lowbit: welchTTest needs some variance: both samples are constant");
  const t = (sa.mean - sb.mean) / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (sa.n - 1) + vb ** 2 / (sb.n - 1));
  const p = alternative === "greater" ? 1 - studentTCdf(t, df) : 2 * (1 - studentTCdf(Math.abs(t), df));
  return { t, df, p, difference: sa.mean - sb.mean };
}
