// The roundings of lowbit's quantizers (lib/quant/rounding.ts), on one value and on four lanes.
// Codes: 0 nearest (ties to even), 1 stochastic, 2 toward zero, 3 floor (= down), 4 nearest
// ties away from zero, 5 up (toward +Inf), 6 odd, 7 stochastic with r random bits (r = mode >> 8
// is passed beside the code as `rbits`).
//
// Stochastic rounding of v rounds up (toward +Inf) iff u < frac, with frac = v - floor(v) the
// exact fractional part and u = k * 2^-24, k = h >>> 8 the top 24 bits of the element's hash h.
// So P(up) = ceil(frac * 2^24) / 2^24: the fraction rounded up to the 2^-24 grid, exact when
// frac is a multiple of 2^-24 and never more than 2^-24 too high (a fraction in (0, 2^-24]
// rounds up with probability 2^-24, not 0 and not frac).
// The comparison is exact: on |v| = floor|v| + r (r exact in float32), a positive v rounds up
// iff u < r, a negative one rounds down (away from zero) iff r >= 1 - u (1 - u is exact), which
// is u < frac for frac = 1 - r. (Computing v - floor(v) directly would round 1 - r for a
// negative v in (-1, 0) whose bits reach below 2^-24.)
// With r random bits (code 7), on the magnitude: away from zero iff floor(r * 2^rbits) >=
// 2^rbits - R, R = h >>> (32 - rbits) (MPTorch's rbits; every quantity an exact float32).
// Odd: an integer v stays; otherwise the one of floor(v), floor(v) + 1 that is odd.

export const NEAREST = 0;
export const STOCHASTIC = 1;
export const ZERO = 2;
export const FLOOR = 3;
export const NEAREST_AWAY = 4;
export const UP = 5;
export const ODD = 6;
export const STOCHASTIC_BITS = 7;
const TWO_POW_MINUS_24: f32 = 5.9604644775390625e-8;

/** Whether a rounding code draws random numbers. */
// @ts-ignore: decorator
@inline
export function isRandom(mode: i32): bool {
  return mode == STOCHASTIC || mode == STOCHASTIC_BITS;
}

/** A uniform number on the 2^-24 grid in [0, 1) from a hash: (h >>> 8) * 2^-24, exact. */
// @ts-ignore: decorator
@inline
export function uniformX4(h: v128): v128 {
  return f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(h, 8)), f32x4.splat(TWO_POW_MINUS_24));
}

/** Rounds v (four lanes) to integers as described above. NaN and +-Inf pass. */
// @ts-ignore: decorator
@inline
export function roundX4(v: v128, mode: i32, h: v128, rbits: i32): v128 {
  if (mode == NEAREST) return f32x4.nearest(v);
  if (mode == ZERO) return f32x4.trunc(v);
  if (mode == FLOOR) return f32x4.floor(v);
  if (mode == UP) return f32x4.ceil(v);
  const one = f32x4.splat(1);
  if (mode == ODD) {
    const f = f32x4.floor(v);
    const half = f32x4.mul(f, f32x4.splat(0.5));
    const odd = f32x4.ne(half, f32x4.floor(half));
    const keep = v128.or(f32x4.eq(f, v), odd);
    return v128.bitselect(f, f32x4.add(f, one), keep);
  }
  const a = f32x4.abs(v);
  const whole = f32x4.floor(a);
  const r = f32x4.sub(a, whole);
  let away: v128;
  if (mode == NEAREST_AWAY) away = f32x4.ge(r, f32x4.splat(0.5));
  else if (mode == STOCHASTIC_BITS) {
    const scale = <f32>(<u32>1 << rbits);
    const t = f32x4.floor(f32x4.mul(r, f32x4.splat(scale)));
    const draw = f32x4.convert_i32x4_s(i32x4.shr_u(h, 32 - rbits));
    away = f32x4.ge(t, f32x4.sub(f32x4.splat(scale), draw));
  } else {
    const u = uniformX4(h);
    const negative = i32x4.lt_s(v, i32x4.splat(0));
    away = v128.bitselect(f32x4.ge(r, f32x4.sub(one, u)), f32x4.lt(u, r), negative);
  }
  const magnitude = f32x4.add(whole, v128.and(away, one));
  return v128.or(magnitude, v128.and(v, i32x4.splat(0x80000000)));
}

// @ts-ignore: decorator
@inline
export function round1(v: f32, mode: i32, h: u32, rbits: i32): f32 {
  if (mode == NEAREST) return nearest<f32>(v);
  if (mode == ZERO) return trunc<f32>(v);
  if (mode == FLOOR) return floor<f32>(v);
  if (mode == UP) return ceil<f32>(v);
  if (mode == ODD) {
    const f = floor<f32>(v);
    const half = f * 0.5;
    return f == v || half != floor<f32>(half) ? f : f + 1;
  }
  const a = abs<f32>(v);
  const whole = floor<f32>(a);
  const r = a - whole;
  let away: bool;
  if (mode == NEAREST_AWAY) away = r >= 0.5;
  else if (mode == STOCHASTIC_BITS) {
    const scale = <f32>(<u32>1 << rbits);
    away = floor<f32>(r * scale) >= scale - <f32>(h >>> (32 - rbits));
  } else {
    const u = <f32><i32>(h >>> 8) * TWO_POW_MINUS_24;
    away = v < 0 ? r >= <f32>1 - u : u < r;
  }
  return copysign<f32>(away ? whole + 1 : whole, v);
}

/** round1 in float64 (the grouped kernels, whose scaled values need more than float32's range). */
// @ts-ignore: decorator
@inline
export function round64(v: f64, mode: i32, h: u32, rbits: i32): f64 {
  if (mode == NEAREST) return nearest<f64>(v);
  if (mode == ZERO) return trunc<f64>(v);
  if (mode == FLOOR) return floor<f64>(v);
  if (mode == UP) return ceil<f64>(v);
  if (mode == ODD) {
    const f = floor<f64>(v);
    const half = f * 0.5;
    return f == v || half != floor<f64>(half) ? f : f + 1;
  }
  const a = abs<f64>(v);
  const whole = floor<f64>(a);
  const r = a - whole; // exact: v has at most 24 significant bits
  let away: bool;
  if (mode == NEAREST_AWAY) away = r >= 0.5;
  else if (mode == STOCHASTIC_BITS) {
    const scale = <f64>(<u32>1 << rbits);
    away = floor<f64>(r * scale) >= scale - <f64>(h >>> (32 - rbits));
  } else {
    const u = <f64>(h >>> 8) * 5.9604644775390625e-8;
    away = v < 0 ? r >= 1 - u : u < r;
  }
  return copysign<f64>(away ? whole + 1 : whole, v);
}
