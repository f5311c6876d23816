// Linear integer quantization with any step (QNN's LinearQuant, DoReFa's k-bit grid):
// q = round(x / step) clamped to [qmin, qmax], y = q * step. Division, not multiplication by
// 1 / step, so that q is the rounding of the exact quotient.
import { elementHash } from "./random";
import { round1, STOCHASTIC } from "./rounding";

export function quantizeLinear(
  src: usize, dst: usize, n: i32, step: f32, qmin: f32, qmax: f32, mode: i32, a: u32, b: u32,
): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const q = round1(load<f32>(src + at) / step, mode, mode == STOCHASTIC ? elementHash(a, b, <u32>i) : 0);
    store<f32>(dst + at, (q < qmin ? qmin : q > qmax ? qmax : q) * step);
  }
}
