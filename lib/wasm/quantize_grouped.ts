// Fixed point with a step per group of elements: element i belongs to group (i / inner) % groups,
// whose fractional bits frac (an int32 in [-1022, 1023]) are read from the array `fracs`:
// q = round(x * 2^frac) clamped to [qmin, qmax], y = q * 2^-frac.
// inner = 1, groups = C: one exponent per channel of a channels-last tensor (dynamic fixed
// point per channel); inner = blockSize: one per block of consecutive elements (block floating
// point, whose fracs reach 149 for blocks of float32 subnormals).
// Computed in float64, where x * 2^frac and q * 2^-frac are exact for every float32 x and every
// frac a float32 grid can have (2^149 is no float32, and x * 2^frac can underflow in float32);
// q * 2^-frac is then a float32 exactly (|q| < 2^24, a multiple of 2^-149 when frac <= 149).
// Rounding as lib/wasm/rounding.ts (every code): stochastic rounds up iff u < frac(v) exactly.
// NaN stays NaN; +-Inf saturate.
import { elementHash } from "./random";
import { isRandom, round64 } from "./rounding";

/** 2^e as a float64, for an integer e in [-1022, 1023]. */
// @ts-ignore: decorator
@inline
function pow2(e: i32): f64 {
  return reinterpret<f64>(<u64>(1023 + e) << 52);
}

export function quantizeFixedGrouped(
  src: usize, dst: usize, n: i32, inner: i32, groups: i32, fracs: usize,
  qmin: f64, qmax: f64, mode: i32, a: u32, b: u32,
): void {
  const code = mode & 0xff, rbits = mode >> 8;
  let group = 0, left = inner;
  let frac = load<i32>(fracs);
  let scale = pow2(frac), step = pow2(-frac);
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const q = round64(<f64>load<f32>(src + at) * scale, code, isRandom(code) ? elementHash(a, b, <u32>i) : 0, rbits);
    store<f32>(dst + at, <f32>((q < qmin ? qmin : q > qmax ? qmax : q) * step)); // NaN passes
    if (--left == 0) {
      left = inner;
      if (++group == groups) group = 0;
      frac = load<i32>(fracs + (<usize>group << 2));
      scale = pow2(frac);
      step = pow2(-frac);
    }
  }
}
