// The fused dot-add matrix unit of lib/accum/fused_dot_add.ts (fusedStep, fusedDot: the
// JavaScript reference) for C = A B with finite operands: the same operations in the same order,
// so the same bits (test/accum/fused_dot_wasm.test.ts). Per group of g products of one output
// element: E = max(exponent of the addend d, ea[k] + eb[k]) (four at a time, i32x4), then the
// terms trunc(a b 2^(F - E)) (or nearest) as float64 pairs: products of float32 values are exact
// in float64 and the scaled products too (powers of two), and the sum of the integer terms stays
// below 2^53 (checked by the caller), so any summation order gives the same exact sum.
// Then d = the sum normalised to the output grid (man, emin; toward zero or nearest-even),
// |d| > outMax becomes Inf. With promoteEvery > 0, each run of that many terms starts from
// d = 0 and its d is added to a float32 accumulator rounded to nearest (the f64 sum of two
// float32 values rounded to float32 is the correctly rounded sum: double rounding is innocuous
// with 53 >= 2 * 24 + 2 bits), a finite overflow saturating at float32's largest value.
//
// `lanes` says how much runs in float32, four per v128, where that is exact too:
//   2  products of at most 24 significant bits and F + 2 + log2(g + 1) <= 24 (FP8 inputs, F = 13):
//      a b, its scaling, the integer terms and their sums, all exact in float32;
//   1  products of at most 24 significant bits (FP16, BF16 inputs): a b, its scaling and each
//      integer term (at most as many significant bits as the product) in float32, the sum in
//      float64 pairs;
//   0  everything in float64 pairs.
// A scale 2^(F - E) beyond float32's range (E far below F: tiny products with a zero addend)
// takes the float64 route. A term below 1 truncates to 0 however float32 rounded it.
//
// Pointers are byte offsets: a [M, K] and bt [N, K] float32 (bt is B transposed), ea and eb
// their operand exponents as i32, out [M, N] float32.

// @ts-ignore: decorator
@inline
function pow2(k: i32): f64 {
  return reinterpret<f64>(<u64>(k + 1023) << 52);
}

const ZERO_EXPONENT = -126;
const F32_MAX: f64 = 3.4028234663852886e38;

/** The addend's exponent: -126 for zero, else max(floor(log2 |d|), emin) (d a float32 value). */
// @ts-ignore: decorator
@inline
function addendExponent(d: f64, emin: i32): i32 {
  if (d == 0) return ZERO_EXPONENT;
  const e = <i32>((reinterpret<u64>(d) >> 52) & 0x7ff) - 1023;
  return e > emin ? e : emin;
}

/** v (an exact float64) rounded to the output grid; overflow to Inf. */
// @ts-ignore: decorator
@inline
function normalise(v: f64, man: i32, emin: i32, max: f64, nearestOut: i32): f64 {
  if (v == 0) return v;
  let e = <i32>((reinterpret<u64>(v) >> 52) & 0x7ff) - 1023;
  if (e < emin) e = emin;
  const n = v * pow2(man - e);
  const r = (nearestOut ? nearest<f64>(n) : trunc<f64>(n)) * pow2(e - man);
  return abs<f64>(r) > max ? copysign<f64>(Infinity, v) : r;
}

/** One fused step of `count` products from a + 4 k and b + 4 k (exponents ea, eb), addend d. */
// @ts-ignore: decorator
@inline
function step(
  a: usize, ea: usize, b: usize, eb: usize, count: i32, d: f64,
  F: i32, alignNearest: i32, man: i32, emin: i32, outMax: f64, nearestOut: i32, lanes: i32,
): f64 {
  let E = addendExponent(d, emin);
  let k = 0;
  let EV = i32x4.splat(E);
  for (; k + 4 <= count; k += 4) {
    const o = <usize>k << 2;
    EV = i32x4.max_s(EV, i32x4.add(v128.load(ea + o), v128.load(eb + o)));
  }
  E = max<i32>(max<i32>(i32x4.extract_lane(EV, 0), i32x4.extract_lane(EV, 1)), max<i32>(i32x4.extract_lane(EV, 2), i32x4.extract_lane(EV, 3)));
  for (let r = k; r < count; r++) {
    const o = <usize>r << 2;
    const e = load<i32>(ea + o) + load<i32>(eb + o);
    if (e > E) E = e;
  }
  const scale = pow2(F - E);
  const SV = f64x2.splat(scale);
  // From +0: a zero sum is +0 whatever the signs of its zero terms (as fusedStep).
  let S: f64 = 0;
  S += alignNearest ? nearest<f64>(d * scale) : trunc<f64>(d * scale);
  let acc = f64x2.splat(0);
  k = 0;
  const f32Scale = F - E <= 100;
  if (lanes == 2 && f32Scale) {
    const S32 = f32x4.splat(<f32>scale);
    let acc32 = f32x4.splat(0);
    if (alignNearest) {
      for (; k + 4 <= count; k += 4) {
        const o = <usize>k << 2;
        acc32 = f32x4.add(acc32, f32x4.nearest(f32x4.mul(f32x4.mul(v128.load(a + o), v128.load(b + o)), S32)));
      }
    } else {
      for (; k + 4 <= count; k += 4) {
        const o = <usize>k << 2;
        acc32 = f32x4.add(acc32, f32x4.trunc(f32x4.mul(f32x4.mul(v128.load(a + o), v128.load(b + o)), S32)));
      }
    }
    S +=
      (<f64>f32x4.extract_lane(acc32, 0) + <f64>f32x4.extract_lane(acc32, 1)) +
      (<f64>f32x4.extract_lane(acc32, 2) + <f64>f32x4.extract_lane(acc32, 3));
  } else if (lanes == 1 && f32Scale) {
    const S32 = f32x4.splat(<f32>scale);
    for (; k + 4 <= count; k += 4) {
      const o = <usize>k << 2;
      const scaled = f32x4.mul(f32x4.mul(v128.load(a + o), v128.load(b + o)), S32);
      const t = alignNearest ? f32x4.nearest(scaled) : f32x4.trunc(scaled);
      const th = i32x4.shuffle(t, t, 2, 3, 2, 3);
      acc = f64x2.add(acc, f64x2.add(f64x2.promote_low_f32x4(t), f64x2.promote_low_f32x4(th)));
    }
  } else if (alignNearest) {
    for (; k + 4 <= count; k += 4) {
      const o = <usize>k << 2;
      const x = v128.load(a + o), y = v128.load(b + o);
      const xh = i32x4.shuffle(x, x, 2, 3, 2, 3), yh = i32x4.shuffle(y, y, 2, 3, 2, 3);
      const lo = f64x2.mul(f64x2.mul(f64x2.promote_low_f32x4(x), f64x2.promote_low_f32x4(y)), SV);
      const hi = f64x2.mul(f64x2.mul(f64x2.promote_low_f32x4(xh), f64x2.promote_low_f32x4(yh)), SV);
      acc = f64x2.add(acc, f64x2.add(f64x2.nearest(lo), f64x2.nearest(hi)));
    }
  } else {
    for (; k + 4 <= count; k += 4) {
      const o = <usize>k << 2;
      const x = v128.load(a + o), y = v128.load(b + o);
      const xh = i32x4.shuffle(x, x, 2, 3, 2, 3), yh = i32x4.shuffle(y, y, 2, 3, 2, 3);
      const lo = f64x2.mul(f64x2.mul(f64x2.promote_low_f32x4(x), f64x2.promote_low_f32x4(y)), SV);
      const hi = f64x2.mul(f64x2.mul(f64x2.promote_low_f32x4(xh), f64x2.promote_low_f32x4(yh)), SV);
      acc = f64x2.add(acc, f64x2.add(f64x2.trunc(lo), f64x2.trunc(hi)));
    }
  }
  S += f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; k < count; k++) {
    const o = <usize>k << 2;
    const p = <f64>load<f32>(a + o) * <f64>load<f32>(b + o) * scale;
    S += alignNearest ? nearest<f64>(p) : trunc<f64>(p);
  }
  return normalise(S * pow2(E - F), man, emin, outMax, nearestOut);
}

/** acc + d rounded to float32 (nearest), a finite overflow saturating. */
// @ts-ignore: decorator
@inline
function promote(acc: f64, d: f64): f64 {
  const r = <f64><f32>(acc + d);
  if ((r == Infinity || r == -Infinity) && abs<f64>(acc) != Infinity && abs<f64>(d) != Infinity) return copysign<f64>(F32_MAX, r);
  return r;
}

export function fusedMatMul(
  a: usize, ea: usize, bt: usize, eb: usize, M: i32, K: i32, N: i32,
  group: i32, F: i32, alignNearest: i32, man: i32, emin: i32, outMax: f64, nearestOut: i32,
  promoteEvery: i32, lanes: i32, out: usize,
): void {
  const every = promoteEvery > 0 ? promoteEvery : K;
  for (let i = 0; i < M; i++) {
    const ra = <usize>i * <usize>K << 2;
    for (let j = 0; j < N; j++) {
      const rb = <usize>j * <usize>K << 2;
      let total: f64 = 0;
      let d: f64 = 0;
      let run = 0; // terms of the current promotion run so far
      for (let k = 0; k < K; k += group) {
        if (run == every) {
          total = promote(total, d);
          d = 0;
          run = 0;
        }
        run += group;
        if (abs<f64>(d) == Infinity) continue; // finite products cannot change an Inf addend
        const count = min<i32>(group, K - k);
        const o = <usize>k << 2;
        d = step(a + ra + o, ea + ra + o, bt + rb + o, eb + rb + o, count, d, F, alignNearest, man, emin, outMax, nearestOut, lanes);
      }
      if (promoteEvery > 0) d = promote(total, d);
      store<f32>(out + ((<usize>i * <usize>N + <usize>j) << 2), <f32>d);
    }
  }
}
