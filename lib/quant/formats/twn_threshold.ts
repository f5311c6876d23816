/**
 * TWN's threshold (Li & Liu, "Ternary Weight Networks", 2016): Delta = t * E|W|, estimated as
 * t / n * sum |W_i| with t = 0.7 (the paper's approximation of the optimal threshold for
 * uniformly or normally distributed weights; the authors' Caffe code computes exactly this,
 * 0.7 * asum(W) / count). The one definition of lowbit's ternary format and of SQ's TWN.
 *
 * Why not the SQ authors' version: their released Caffe layers (Dong et al. 2017) compute
 * t / n * sum |W_i - mean W|, centring W first. For weights of mean near zero, as TWN's analysis
 * assumes, the two agree; lowbit follows TWN, the source of the formula, so that "TWN" means
 * one thing wherever it appears.
 *
 * Over the finite values only (n counts them): a NaN or +-Inf weight says nothing about the
 * scale of the others, and would make Delta NaN or Inf and so zero every weight. No finite
 * value: Delta = 0. The sum runs in float64; Delta is rounded once to float32.
 */
export function twnThreshold(x: Float32Array, threshold: number): number {
  let sum = 0,
    n = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (Number.isFinite(a)) {
      sum += a;
      n++;
    }
  }
  return n > 0 ? Math.fround(threshold * (sum / n)) : 0;
}
