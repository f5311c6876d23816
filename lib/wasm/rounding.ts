// The four roundings of lowbit's quantizers, on one value and on four lanes.
// Codes: 0 nearest (ties to even), 1 stochastic, 2 toward zero, 3 floor.
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

export const NEAREST = 0;
export const STOCHASTIC = 1;
export const ZERO = 2;
export const FLOOR = 3;
const TWO_POW_MINUS_24: f32 = 5.9604644775390625e-8;

/** A uniform number on the 2^-24 grid in [0, 1) from a hash: (h >>> 8) * 2^-24, exact. */
// @ts-ignore: decorator
@inline
export function uniformX4(h: v128): v128 {
  return f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(h, 8)), f32x4.splat(TWO_POW_MINUS_24));
}

/** Rounds v (four lanes) to integers; stochastic as described above. NaN and +-Inf pass. */
// @ts-ignore: decorator
@inline
export function roundX4(v: v128, mode: i32, h: v128): v128 {
  if (mode == NEAREST) return f32x4.nearest(v);
  if (mode == ZERO) return f32x4.trunc(v);
  if (mode == FLOOR) return f32x4.floor(v);
  const one = f32x4.splat(1);
  const a = f32x4.abs(v);
  const whole = f32x4.floor(a);
  const r = f32x4.sub(a, whole);
  const u = uniformX4(h);
  const negative = i32x4.lt_s(v, i32x4.splat(0));
  const away = v128.bitselect(f32x4.ge(r, f32x4.sub(one, u)), f32x4.lt(u, r), negative);
  const magnitude = f32x4.add(whole, v128.and(away, one));
  return v128.or(magnitude, v128.and(v, i32x4.splat(0x80000000)));
}

// @ts-ignore: decorator
@inline
export function round1(v: f32, mode: i32, h: u32): f32 {
  if (mode == NEAREST) return nearest<f32>(v);
  if (mode == ZERO) return trunc<f32>(v);
  if (mode == FLOOR) return floor<f32>(v);
  const a = abs<f32>(v);
  const whole = floor<f32>(a);
  const r = a - whole;
  const u = <f32><i32>(h >>> 8) * TWO_POW_MINUS_24;
  const away = v < 0 ? r >= <f32>1 - u : u < r;
  return copysign<f32>(away ? whole + 1 : whole, v);
}
