// Binarization (QNN): deterministic y = +1 for x >= 0 (and -0), -1 otherwise; stochastic
// y = +1 with probability hard_sigmoid(x) = clip((x + 1) / 2, 0, 1) (float32), i.e. iff
// u < hard_sigmoid(x) with u = (h >>> 8) * 2^-24. NaN stays NaN.
import { elementHash } from "./random";

export function binarize(src: usize, dst: usize, n: i32, stochastic: i32, a: u32, b: u32): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const x = load<f32>(src + at);
    let y: f32;
    if (x != x) y = x;
    else if (stochastic) {
      const p = min<f32>(<f32>1, max<f32>(<f32>0, (x + 1) * <f32>0.5));
      y = <f32><i32>(elementHash(a, b, <u32>i) >>> 8) * <f32>5.9604644775390625e-8 < p ? 1 : -1;
    } else y = x >= 0 ? 1 : -1;
    store<f32>(dst + at, y);
  }
}
