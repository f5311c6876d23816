// Element-wise quantizers over float32 arrays (byte offsets src, dst; dst may equal src).
// Rounding codes (lib/wasm/rounding.ts): 0 nearest (ties to even), 1 stochastic, 2 toward zero,
// 3 floor, 4 nearest ties away, 5 up, 6 odd, 7 stochastic with r = mode >> 8 random bits.
// Element i's random number is h = elementHash(seed, stream, i) (lib/wasm/random.ts). Each kernel
// runs four lanes at a time (SIMD) and the remainder lane by lane with the same formulas, so
// the result of an element does not depend on its position in the array.
import { elementHash, elementHashX4, groupWordsX4 } from "./random";
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
 * quantizeFloat's rounding of four lanes (`bits`) with random words `h`; see quantizeFloat.
 * Magnitudes and bit limits are below 2^31, so signed compares (single x86 instructions, where
 * the unsigned ones take three) give the same answers.
 */
// @ts-ignore: decorator
@inline
function floatX4(
  bits: v128, h: v128, mode: i32, rbits: i32, k: i32, maskV: v128, notMaskV: v128, half: v128,
  minNormalV: v128, maxV: v128, posLimitV: v128, negLimitV: v128, infV: v128, noNegZero: bool,
  flipV: v128, up1V: v128, up2V: v128, quantumV: v128,
): v128 {
  let sign = v128.and(bits, i32x4.splat(0x80000000));
  const mag = v128.and(bits, i32x4.splat(0x7fffffff));
  // floor: negative lanes round their magnitude up, positive lanes toward zero; up the reverse.
  const negative = i32x4.lt_s(bits, i32x4.splat(0));

  let r = mag;
  if (k > 0) {
    if (mode == NEAREST) r = i32x4.add(r, i32x4.add(half, v128.and(v128.xor(i32x4.shr_u(r, k), flipV), i32x4.splat(1))));
    else if (mode == NEAREST_AWAY) r = i32x4.add(r, i32x4.add(half, i32x4.splat(1)));
    else if (mode == STOCHASTIC) r = i32x4.add(r, i32x4.shr_u(h, 32 - k));
    else if (mode == FLOOR) r = i32x4.add(r, v128.and(maskV, negative));
    else if (mode == UP) r = i32x4.add(r, v128.andnot(maskV, negative));
    if (mode == ODD) {
      // Inexact: the kept part, or the next one when the kept part's code is even.
      const inexact = v128.not(i32x4.eq(v128.and(r, maskV), i32x4.splat(0)));
      const even = i32x4.eq(v128.and(v128.xor(i32x4.shr_u(r, k), flipV), i32x4.splat(1)), i32x4.splat(0));
      r = i32x4.add(v128.and(r, notMaskV), v128.and(v128.and(inexact, even), i32x4.splat(1 << k)));
    } else if (mode == STOCHASTIC_BITS) {
      // floor(d / 2^k * 2^rbits) + R >= 2^rbits, d the k dropped bits (d < 2^23, t < 2^24).
      const d = v128.and(r, maskV);
      const t = rbits <= k ? i32x4.shr_u(d, k - rbits) : i32x4.shl(d, rbits - k);
      const up = i32x4.ge_s(i32x4.add(t, i32x4.shr_u(h, 32 - rbits)), i32x4.splat(1 << rbits));
      r = i32x4.add(v128.and(r, notMaskV), v128.and(up, i32x4.splat(1 << k)));
    } else r = v128.and(r, notMaskV);
  }
  // Past the largest finite value: the overflow value, or the largest when rounding inward.
  r = v128.bitselect(v128.bitselect(negLimitV, posLimitV, negative), r, i32x4.gt_s(r, maxV));
  const inf = i32x4.splat(0x7f800000);
  r = v128.bitselect(infV, r, i32x4.eq(mag, inf));

  // Below the normal range (rare in most tensors, so skipped when no lane is there).
  const normal = i32x4.ge_s(mag, minNormalV);
  if (!i32x4.all_true(normal)) {
    const v = f32x4.mul(f32x4.mul(mag, up1V), up2V);
    let q: v128;
    if (mode == FLOOR) q = v128.bitselect(f32x4.ceil(v), f32x4.floor(v), negative);
    else if (mode == UP) q = v128.bitselect(f32x4.floor(v), f32x4.ceil(v), negative);
    else q = roundX4(v, mode, h, rbits);
    r = v128.bitselect(r, f32x4.mul(q, quantumV), normal);
  }
  if (noNegZero) sign = v128.andnot(sign, i32x4.eq(r, i32x4.splat(0)));
  return v128.bitselect(bits, v128.or(sign, r), i32x4.gt_s(mag, inf)); // NaN stays NaN
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

/**
 * quantizeFloat over elements [start, end) (element i's hash is elementHash(a, b, i)): the
 * block-scaled kernels call it block by block with each block's limits.
 */
// @ts-ignore: decorator
@inline
export function floatRange(
  src: usize, dst: usize, start: i32, end: i32, man: i32, minNormalBits: u32, maxBits: u32,
  overflowBits: u32, infBits: u32, noNegZero: bool, parityFlip: u32, quantum: f32, up1: f32, up2: f32,
  mode: i32, a: u32, b: u32,
): void {
  const code = mode & 0xff, rbits = mode >> 8;
  if (code == NEAREST) floatLoop(src, dst, start, end, man, minNormalBits, maxBits, overflowBits, infBits, noNegZero, parityFlip, quantum, up1, up2, NEAREST, 0, a, b);
  else if (code == STOCHASTIC) floatLoop(src, dst, start, end, man, minNormalBits, maxBits, overflowBits, infBits, noNegZero, parityFlip, quantum, up1, up2, STOCHASTIC, 0, a, b);
  else if (code == ZERO) floatLoop(src, dst, start, end, man, minNormalBits, maxBits, overflowBits, infBits, noNegZero, parityFlip, quantum, up1, up2, ZERO, 0, a, b);
  else if (code == FLOOR) floatLoop(src, dst, start, end, man, minNormalBits, maxBits, overflowBits, infBits, noNegZero, parityFlip, quantum, up1, up2, FLOOR, 0, a, b);
  else if (code == NEAREST_AWAY) floatLoop(src, dst, start, end, man, minNormalBits, maxBits, overflowBits, infBits, noNegZero, parityFlip, quantum, up1, up2, NEAREST_AWAY, 0, a, b);
  else if (code == UP) floatLoop(src, dst, start, end, man, minNormalBits, maxBits, overflowBits, infBits, noNegZero, parityFlip, quantum, up1, up2, UP, 0, a, b);
  else if (code == ODD) floatLoop(src, dst, start, end, man, minNormalBits, maxBits, overflowBits, infBits, noNegZero, parityFlip, quantum, up1, up2, ODD, 0, a, b);
  else floatLoop(src, dst, start, end, man, minNormalBits, maxBits, overflowBits, infBits, noNegZero, parityFlip, quantum, up1, up2, STOCHASTIC_BITS, rbits, a, b);
}

/** One lane of floatX4 (the same formulas). */
// @ts-ignore: decorator
@inline
function float1(
  bits: u32, hi: u32, mode: i32, rbits: i32, k: i32, mask: u32, minNormalBits: u32, maxBits: u32,
  posLimit: u32, negLimit: u32, infBits: u32, noNegZero: bool, flip: u32, up1: f32, up2: f32, quantum: f32,
): u32 {
  let sign = bits & 0x80000000;
  const mag = bits & 0x7fffffff;
  const negative = sign != 0;
  if (mag > 0x7f800000) return bits;
  let r: u32;
  if (mag >= minNormalBits) {
    r = mag;
    if (k > 0) {
      if (mode == NEAREST) r += (mask >> 1) + (((r >> k) ^ flip) & 1);
      else if (mode == NEAREST_AWAY) r += (mask >> 1) + 1;
      else if (mode == STOCHASTIC) r += hi >>> (32 - k);
      else if (mode == FLOOR && negative) r += mask;
      else if (mode == UP && !negative) r += mask;
      if (mode == ODD) r = (r & ~mask) + ((r & mask) != 0 && (((r >> k) ^ flip) & 1) == 0 ? <u32>1 << k : 0);
      else if (mode == STOCHASTIC_BITS) {
        const d = r & mask;
        const t = rbits <= k ? d >> (k - rbits) : d << (rbits - k);
        r = (r & ~mask) + (t + (hi >>> (32 - rbits)) >= (<u32>1 << rbits) ? <u32>1 << k : 0);
      } else r &= ~mask;
    }
    if (r > maxBits) r = negative ? negLimit : posLimit;
    if (mag == 0x7f800000) r = infBits;
  } else {
    const v = reinterpret<f32>(mag) * up1 * up2;
    let q: f32;
    if (mode == FLOOR) q = negative ? ceil<f32>(v) : floor<f32>(v);
    else if (mode == UP) q = negative ? floor<f32>(v) : ceil<f32>(v);
    else q = round1(v, mode, hi, rbits);
    r = reinterpret<u32>(q * quantum);
  }
  if (noNegZero && r == 0) sign = 0;
  return sign | r;
}

// @ts-ignore: decorator
@inline
function floatLoop(
  src: usize, dst: usize, start: i32, end: i32, man: i32, minNormalBits: u32, maxBits: u32,
  overflowBits: u32, infBits: u32, noNegZero: bool, parityFlip: u32, quantum: f32, up1: f32, up2: f32,
  mode: i32, rbits: i32, a: u32, b: u32,
): void {
  const k = 23 - man;
  const mask: u32 = (<u32>1 << k) - 1;
  // Rounding toward zero stops at the largest finite value (zero; floor of a positive value, up
  // of a negative one).
  const posLimit: u32 = mode == ZERO || mode == FLOOR ? maxBits : overflowBits;
  const negLimit: u32 = mode == ZERO || mode == UP ? maxBits : overflowBits;
  const aV = i32x4.splat(a), bV = i32x4.splat(b);
  const maskV = i32x4.splat(mask), notMaskV = i32x4.splat(~mask), half = i32x4.splat(mask >> 1);
  const minNormalV = i32x4.splat(minNormalBits);
  const maxV = i32x4.splat(maxBits), infV = i32x4.splat(infBits);
  const posLimitV = i32x4.splat(posLimit), negLimitV = i32x4.splat(negLimit);
  const up1V = f32x4.splat(up1), up2V = f32x4.splat(up2), quantumV = f32x4.splat(quantum);
  const flipV = i32x4.splat(parityFlip);
  // The vector loop needs start on a group of four (the hashes' groups).
  const vecEnd = (start & 3) == 0 ? start + ((end - start) & ~15) : start;
  let h0 = i32x4.splat(0), h1 = h0, h2 = h0, h3 = h0;
  let words = isRandom(mode) ? groupWordsX4(aV, bV, start) : h0;
  // Four vectors (16 elements, four groups of elementHash) per iteration.
  for (let i = start; i < vecEnd; i += 16) {
    const at = <usize>i << 2;
    if (isRandom(mode)) {
      h0 = elementHashX4(words, 0);
      h1 = elementHashX4(words, 1);
      h2 = elementHashX4(words, 2);
      h3 = elementHashX4(words, 3);
      // The next block's group words now: their long multiply chain overlaps this block's work.
      words = groupWordsX4(aV, bV, i + 16);
    }
    v128.store(dst + at, floatX4(v128.load(src + at), h0, mode, rbits, k, maskV, notMaskV, half,
      minNormalV, maxV, posLimitV, negLimitV, infV, noNegZero, flipV, up1V, up2V, quantumV));
    v128.store(dst + at + 16, floatX4(v128.load(src + at + 16), h1, mode, rbits, k, maskV, notMaskV, half,
      minNormalV, maxV, posLimitV, negLimitV, infV, noNegZero, flipV, up1V, up2V, quantumV));
    v128.store(dst + at + 32, floatX4(v128.load(src + at + 32), h2, mode, rbits, k, maskV, notMaskV, half,
      minNormalV, maxV, posLimitV, negLimitV, infV, noNegZero, flipV, up1V, up2V, quantumV));
    v128.store(dst + at + 48, floatX4(v128.load(src + at + 48), h3, mode, rbits, k, maskV, notMaskV, half,
      minNormalV, maxV, posLimitV, negLimitV, infV, noNegZero, flipV, up1V, up2V, quantumV));
  }
  for (let i = vecEnd; i < end; i++) {
    const at = <usize>i << 2;
    const hi = isRandom(mode) ? elementHash(a, b, <u32>i) : 0;
    store<u32>(dst + at, float1(load<u32>(src + at), hi, mode, rbits, k, mask, minNormalBits, maxBits,
      posLimit, negLimit, infBits, noNegZero, parityFlip, up1, up2, quantum));
  }
}
