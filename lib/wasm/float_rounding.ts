// Rounding of float32 values to a floating-point grid (lib/quant/formats/floating_point.ts), on
// a range of elements: quantizeFloat runs it over a whole array, the block-scaled kernels
// (quantize_block_scaled.ts) block by block with each block's limits.
import { elementHash, elementHashX4, groupWordsX4 } from "./random";
import {
  FLOOR, isRandom, NEAREST, NEAREST_AWAY, ODD, round1, roundX4, STOCHASTIC, STOCHASTIC_BITS, uniformX4, UP, ZERO,
} from "./rounding";

/**
 * quantizeFloat's rounding of four lanes (`bits`) with random words `h`; see quantizeFloat.
 * Magnitudes and bit limits are below 2^31, so signed compares (single x86 instructions, where
 * the unsigned ones take three) give the same answers.
 */
// @ts-ignore: decorator
@inline
export function floatX4(
  bits: v128, h: v128, mode: i32, rbits: i32, k: i32, maskV: v128, notMaskV: v128, half: v128,
  minNormalV: v128, maxV: v128, posLimitV: v128, negLimitV: v128, infV: v128, noNegZero: bool,
  flipV: v128, up1V: v128, up2V: v128, quantumV: v128, branchless: bool = false,
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

  // Below the normal range (rare in most tensors, so skipped when no lane is there; `branchless`
  // computes it always, where a branch would be mispredicted: block scales put many elements there).
  const normal = i32x4.ge_s(mag, minNormalV);
  if (branchless || !i32x4.all_true(normal)) {
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
  const plainNearest = code == NEAREST && man > 0 && man < 23 && overflowBits == maxBits && infBits == maxBits && !noNegZero;
  if (plainNearest) nearestSaturatingLoop(src, dst, start, end, man, minNormalBits, maxBits, quantum, up1, up2);
  else if (code == NEAREST) floatLoop(src, dst, start, end, man, minNormalBits, maxBits, overflowBits, infBits, noNegZero, parityFlip, quantum, up1, up2, NEAREST, 0, a, b);
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
export function float1(
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
export function floatLoop(
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

/**
 * floatX4 for its most common case, with fewer operations: round to nearest even on a format
 * that saturates (+-Inf to the largest value too), has -0, and has mantissa bits (k < 23, no
 * parity flip). Bit for bit floatX4's result there: a carry past the largest value, or an
 * infinite input, becomes the largest value by an unsigned min; NaN stays NaN.
 */
// @ts-ignore: decorator
@inline
export function nearestSaturatingX4(
  bits: v128, k: i32, half: v128, notMaskV: v128, minNormalV: v128, maxV: v128, up1V: v128, up2V: v128,
  quantumV: v128,
): v128 {
  const mag = v128.and(bits, i32x4.splat(0x7fffffff));
  const even = v128.and(i32x4.shr_u(mag, k), i32x4.splat(1));
  const r = i32x4.min_u(v128.and(i32x4.add(mag, i32x4.add(half, even)), notMaskV), maxV);
  const sub = f32x4.mul(f32x4.nearest(f32x4.mul(f32x4.mul(mag, up1V), up2V)), quantumV);
  const q = v128.bitselect(r, sub, i32x4.ge_s(mag, minNormalV));
  const out = v128.or(q, v128.and(bits, i32x4.splat(0x80000000)));
  return v128.bitselect(bits, out, i32x4.gt_s(mag, i32x4.splat(0x7f800000))); // NaN stays NaN
}

/**
 * floatX4 with stochastic rounding (full resolution) on a format that saturates (+-Inf to the
 * largest value too) and has -0 and a bit dropped (k > 0), with fewer operations: bit for bit
 * floatX4's result there. A carry past the largest value, or an infinite input, becomes the
 * largest value by an unsigned min; below the normal range the rounding works on the magnitude,
 * which is never negative, so roundX4's rule for negative values drops out; NaN stays NaN.
 */
// @ts-ignore: decorator
@inline
export function stochasticSaturatingX4(
  bits: v128, h: v128, k: i32, notMaskV: v128, minNormalV: v128, maxV: v128, up1V: v128, up2V: v128,
  quantumV: v128,
): v128 {
  const mag = v128.and(bits, i32x4.splat(0x7fffffff));
  const r = i32x4.min_u(v128.and(i32x4.add(mag, i32x4.shr_u(h, 32 - k)), notMaskV), maxV);
  const v = f32x4.mul(f32x4.mul(mag, up1V), up2V);
  const whole = f32x4.floor(v);
  const up = v128.and(f32x4.lt(uniformX4(h), f32x4.sub(v, whole)), f32x4.splat(1));
  const sub = f32x4.mul(f32x4.add(whole, up), quantumV);
  const q = v128.bitselect(r, sub, i32x4.ge_s(mag, minNormalV));
  const out = v128.or(q, v128.and(bits, i32x4.splat(0x80000000)));
  return v128.bitselect(bits, out, i32x4.gt_s(mag, i32x4.splat(0x7f800000))); // NaN stays NaN
}

/** nearestSaturatingX4 over elements [start, end) (the rest lane by lane with float1's formulas). */
// @ts-ignore: decorator
@inline
function nearestSaturatingLoop(
  src: usize, dst: usize, start: i32, end: i32, man: i32, minNormalBits: u32, maxBits: u32, quantum: f32,
  up1: f32, up2: f32,
): void {
  const k = 23 - man;
  const mask: u32 = (<u32>1 << k) - 1;
  const half = i32x4.splat(mask >> 1), notMaskV = i32x4.splat(~mask);
  const minNormalV = i32x4.splat(minNormalBits), maxV = i32x4.splat(maxBits);
  const up1V = f32x4.splat(up1), up2V = f32x4.splat(up2), quantumV = f32x4.splat(quantum);
  const vecEnd = start + ((end - start) & ~3);
  for (let i = start; i < vecEnd; i += 4) {
    const at = <usize>i << 2;
    v128.store(dst + at, nearestSaturatingX4(v128.load(src + at), k, half, notMaskV, minNormalV, maxV, up1V, up2V,
      quantumV));
  }
  for (let i = vecEnd; i < end; i++) {
    const at = <usize>i << 2;
    store<u32>(dst + at, float1(load<u32>(src + at), 0, NEAREST, 0, k, mask, minNormalBits, maxBits, maxBits, maxBits,
      maxBits, false, 0, up1, up2, quantum));
  }
}
