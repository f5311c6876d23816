// Fixed point with a step per group of elements: element i belongs to group (i / inner) % groups,
// whose scale 2^frac and step 2^-frac are read from the float32 arrays `scales` and `steps`.
// inner = 1, groups = C: one exponent per channel of a channels-last tensor (dynamic fixed
// point per channel); inner = blockSize: one per block of consecutive elements (block floating
// point). Same rounding and saturation as quantizeFixed.
import { elementHash } from "./random";
import { round1, STOCHASTIC } from "./rounding";

export function quantizeFixedGrouped(
  src: usize, dst: usize, n: i32, inner: i32, groups: i32, scales: usize, steps: usize,
  qmin: f32, qmax: f32, mode: i32, a: u32, b: u32,
): void {
  let group = 0, left = inner;
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2, g = <usize>group << 2;
    const q = round1(load<f32>(src + at) * load<f32>(scales + g), mode,
      mode == STOCHASTIC ? elementHash(a, b, <u32>i) : 0);
    store<f32>(dst + at, (q < qmin ? qmin : q > qmax ? qmax : q) * load<f32>(steps + g));
    if (--left == 0) {
      left = inner;
      if (++group == groups) group = 0;
    }
  }
}
