// Element-wise quantizers over float32 arrays (byte offsets src, dst; dst may equal src).
// Rounding codes (lib/wasm/rounding.ts): 0 nearest (ties to even), 1 stochastic, 2 toward zero,
// 3 floor, 4 nearest ties away, 5 up, 6 odd, 7 stochastic with r = mode >> 8 random bits.
// Element i's random number is h = elementHash(seed, stream, i) (lib/wasm/random.ts). Each kernel
// runs four lanes at a time (SIMD) and the remainder lane by lane with the same formulas, so
// the result of an element does not depend on its position in the array.
import { elementHash, elementHashX4, groupWordsX4 } from "./random";
import { floatRange } from "./float_rounding";
import {
  FLOOR, isRandom, NEAREST, NEAREST_AWAY, ODD, round1, roundX4, STOCHASTIC, STOCHASTIC_BITS, UP, ZERO,
} from "./rounding";

/**
 * Fixed point: q = round(x * 2^frac) clamped to [qmin, qmax], y = q * 2^-frac.
 * NaN stays NaN (min/max propagate it); +-Inf saturate. x * 2^frac is exact except where it
 * underflows (scale < 1, |x * scale| <= 2^-150 rounds to 0): there it is replaced by +-2^-149,
 * the smallest float32 of x's sign, which every rounding treats as the exact product (floor of
 * a tiny negative value is -1, stochastic rounding still sees a nonzero fraction).
 */
export function quantizeFixed(
  src: usize, dst: usize, n: i32, scale: f32, invScale: f32, qmin: f32, qmax: f32,
  mode: i32, a: u32, b: u32,
): void {
  // One loop per rounding: with the mode a constant, the optimizer drops the other branches.
  const code = mode & 0xff, rbits = mode >> 8;
  if (code == NEAREST) fixedLoop(src, dst, n, scale, invScale, qmin, qmax, NEAREST, 0, a, b);
  else if (code == STOCHASTIC) fixedLoop(src, dst, n, scale, invScale, qmin, qmax, STOCHASTIC, 0, a, b);
  else if (code == ZERO) fixedLoop(src, dst, n, scale, invScale, qmin, qmax, ZERO, 0, a, b);
  else if (code == FLOOR) fixedLoop(src, dst, n, scale, invScale, qmin, qmax, FLOOR, 0, a, b);
  else if (code == NEAREST_AWAY) fixedLoop(src, dst, n, scale, invScale, qmin, qmax, NEAREST_AWAY, 0, a, b);
  else if (code == UP) fixedLoop(src, dst, n, scale, invScale, qmin, qmax, UP, 0, a, b);
  else if (code == ODD) fixedLoop(src, dst, n, scale, invScale, qmin, qmax, ODD, 0, a, b);
  else fixedLoop(src, dst, n, scale, invScale, qmin, qmax, STOCHASTIC_BITS, rbits, a, b);
}

const SMALLEST: f32 = 1.401298464324817e-45; // 2^-149

/** x * scale (four lanes), a product that underflowed to zero from nonzero x made +-2^-149. */
// @ts-ignore: decorator
@inline
function scaledX4(x: v128, scaleV: v128, mayUnderflow: bool): v128 {
  const v = f32x4.mul(x, scaleV);
  if (!mayUnderflow) return v;
  const zero = f32x4.splat(0);
  const lost = v128.andnot(f32x4.eq(v, zero), f32x4.eq(x, zero));
  const smallest = v128.or(v128.and(x, i32x4.splat(0x80000000)), i32x4.splat(1));
  return v128.bitselect(smallest, v, lost);
}

// @ts-ignore: decorator
@inline
function fixedLoop(
  src: usize, dst: usize, n: i32, scale: f32, invScale: f32, qmin: f32, qmax: f32,
  mode: i32, rbits: i32, a: u32, b: u32,
): void {
  const scaleV = f32x4.splat(scale), invV = f32x4.splat(invScale);
  const mayUnderflow = scale < 1;
  const lo = f32x4.splat(qmin), hi = f32x4.splat(qmax);
  const aV = i32x4.splat(a), bV = i32x4.splat(b);
  const vecN = n & ~15;
  let h0 = i32x4.splat(0), h1 = h0, h2 = h0, h3 = h0;
  let words = isRandom(mode) ? groupWordsX4(aV, bV, 0) : h0;
  // Four vectors (16 elements, four groups of elementHash) per iteration.
  for (let i = 0; i < vecN; i += 16) {
    const at = <usize>i << 2;
    if (isRandom(mode)) {
      h0 = elementHashX4(words, 0);
      h1 = elementHashX4(words, 1);
      h2 = elementHashX4(words, 2);
      h3 = elementHashX4(words, 3);
      // The next block's group words now: their long multiply chain overlaps this block's work.
      words = groupWordsX4(aV, bV, i + 16);
    }
    const q0 = roundX4(scaledX4(v128.load(src + at), scaleV, mayUnderflow), mode, h0, rbits);
    const q1 = roundX4(scaledX4(v128.load(src + at + 16), scaleV, mayUnderflow), mode, h1, rbits);
    const q2 = roundX4(scaledX4(v128.load(src + at + 32), scaleV, mayUnderflow), mode, h2, rbits);
    const q3 = roundX4(scaledX4(v128.load(src + at + 48), scaleV, mayUnderflow), mode, h3, rbits);
    v128.store(dst + at, f32x4.mul(f32x4.max(lo, f32x4.min(hi, q0)), invV));
    v128.store(dst + at + 16, f32x4.mul(f32x4.max(lo, f32x4.min(hi, q1)), invV));
    v128.store(dst + at + 32, f32x4.mul(f32x4.max(lo, f32x4.min(hi, q2)), invV));
    v128.store(dst + at + 48, f32x4.mul(f32x4.max(lo, f32x4.min(hi, q3)), invV));
  }
  for (let i = vecN; i < n; i++) {
    const at = <usize>i << 2;
    const x = load<f32>(src + at);
    let v = x * scale;
    if (v == 0 && x != 0) v = copysign<f32>(SMALLEST, x);
    const q = round1(v, mode, isRandom(mode) ? elementHash(a, b, <u32>i) : 0, rbits);
    store<f32>(dst + at, (q < qmin ? qmin : q > qmax ? qmax : q) * invScale); // NaN passes
  }
}

/**
 * Floating point with `man` explicit mantissa bits (k = 23 - man bits of float32's dropped),
 * normals from 2^emin (bit pattern minNormalBits) to the largest finite value (maxBits).
 *   normal range: round the bit pattern: nearest adds (2^k/2 - 1) + last kept bit, nearest
 *     away 2^k/2, stochastic the top k bits of h (rounds up with probability exactly
 *     dropped / 2^k), floor of a negative value or up of a positive one 2^k - 1; odd sets the
 *     last kept bit when a dropped bit is set; stochastic with r bits adds 2^k when
 *     floor(dropped / 2^(k - r)) + R >= 2^r; then the k low bits are cleared. A carry moves to
 *     the next binade by itself. Past maxBits: overflowBits (maxBits when saturating, else Inf
 *     or NaN), except that a rounding toward zero (zero; floor of a positive value, up of a
 *     negative one) stops at maxBits. +-Inf become +-infBits.
 *   below 2^emin: round |x| / quantum to an integer (stochastic: u < fraction), times quantum;
 *     quantum = 2^(emin - man) with subnormals, 2^emin without, given as 2^-s with s <= 149;
 *     1 / quantum = up1 * up2 (two factors, each a float32).
 * NaN stays NaN; with noNegZero a zero result is +0 (formats without -0). Ties to even and odd
 * look at the last kept bit; for man = 0 that is float32's exponent LSB, whose parity is the
 * format's exponent field's xor parityFlip ((127 - bias) mod 2).
 */
export function quantizeFloat(
  src: usize, dst: usize, n: i32, man: i32, minNormalBits: u32, maxBits: u32, overflowBits: u32,
  infBits: u32, noNegZero: i32, parityFlip: u32, quantum: f32, up1: f32, up2: f32, mode: i32, a: u32, b: u32,
): void {
  floatRange(src, dst, 0, n, man, minNormalBits, maxBits, overflowBits, infBits, noNegZero != 0,
    parityFlip, quantum, up1, up2, mode, a, b);
}

