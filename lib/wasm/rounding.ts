// The four roundings of lowbit's quantizers, on one value and on four lanes.
// Codes: 0 nearest (ties to even), 1 stochastic, 2 toward zero, 3 floor. Stochastic rounding
// of v rounds up iff u < v - floor(v), u = (h >>> 8) * 2^-24 with h the element's hash.

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

/** Rounds v (four lanes) to integers; stochastic rounds up iff u < v - floor(v). */
// @ts-ignore: decorator
@inline
export function roundX4(v: v128, mode: i32, h: v128): v128 {
  if (mode == NEAREST) return f32x4.nearest(v);
  if (mode == ZERO) return f32x4.trunc(v);
  if (mode == FLOOR) return f32x4.floor(v);
  const fl = f32x4.floor(v);
  const up = f32x4.lt(uniformX4(h), f32x4.sub(v, fl));
  return v128.bitselect(f32x4.add(fl, f32x4.splat(1)), fl, up);
}

// @ts-ignore: decorator
@inline
export function round1(v: f32, mode: i32, h: u32): f32 {
  if (mode == NEAREST) return nearest<f32>(v);
  if (mode == ZERO) return trunc<f32>(v);
  if (mode == FLOOR) return floor<f32>(v);
  const fl = floor<f32>(v);
  return <f32><i32>(h >>> 8) * TWO_POW_MINUS_24 < v - fl ? fl + 1 : fl;
}
