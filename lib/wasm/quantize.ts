// Element-wise quantizers over float32 arrays (byte offsets src, dst; dst may equal src).
// Rounding codes: 0 nearest (ties to even), 1 stochastic, 2 toward zero, 3 floor.
// Element i's random number is h = elementHash(seed, stream, i) (lib/wasm/random.ts). Each kernel
// runs four lanes at a time (SIMD) and the remainder lane by lane with the same formulas, so
// the result of an element does not depend on its position in the array.
import { elementHash, elementHashX4, groupWordsX4 } from "./random";
import { FLOOR, NEAREST, round1, roundX4, STOCHASTIC, ZERO } from "./rounding";

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
  if (mode == NEAREST) fixedLoop(src, dst, n, scale, invScale, qmin, qmax, NEAREST, a, b);
  else if (mode == STOCHASTIC) fixedLoop(src, dst, n, scale, invScale, qmin, qmax, STOCHASTIC, a, b);
  else if (mode == ZERO) fixedLoop(src, dst, n, scale, invScale, qmin, qmax, ZERO, a, b);
  else fixedLoop(src, dst, n, scale, invScale, qmin, qmax, FLOOR, a, b);
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
  mode: i32, a: u32, b: u32,
): void {
  const scaleV = f32x4.splat(scale), invV = f32x4.splat(invScale);
  const mayUnderflow = scale < 1;
  const lo = f32x4.splat(qmin), hi = f32x4.splat(qmax);
  const aV = i32x4.splat(a), bV = i32x4.splat(b);
  const vecN = n & ~15;
  let h0 = i32x4.splat(0), h1 = h0, h2 = h0, h3 = h0;
  let words = mode == STOCHASTIC ? groupWordsX4(aV, bV, 0) : h0;
  // Four vectors (16 elements, four groups of elementHash) per iteration.
  for (let i = 0; i < vecN; i += 16) {
    const at = <usize>i << 2;
    if (mode == STOCHASTIC) {
      h0 = elementHashX4(words, 0);
      h1 = elementHashX4(words, 1);
      h2 = elementHashX4(words, 2);
      h3 = elementHashX4(words, 3);
      // The next block's group words now: their long multiply chain overlaps this block's work.
      words = groupWordsX4(aV, bV, i + 16);
    }
    const q0 = roundX4(scaledX4(v128.load(src + at), scaleV, mayUnderflow), mode, h0);
    const q1 = roundX4(scaledX4(v128.load(src + at + 16), scaleV, mayUnderflow), mode, h1);
    const q2 = roundX4(scaledX4(v128.load(src + at + 32), scaleV, mayUnderflow), mode, h2);
    const q3 = roundX4(scaledX4(v128.load(src + at + 48), scaleV, mayUnderflow), mode, h3);
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
    const q = round1(v, mode, mode == STOCHASTIC ? elementHash(a, b, <u32>i) : 0);
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
  bits: v128, h: v128, mode: i32, k: i32, maskV: v128, notMaskV: v128, half: v128,
  minNormalV: v128, maxV: v128, overflowV: v128, zeroLimitV: v128, up1V: v128, up2V: v128,
  quantumV: v128,
): v128 {
  const sign = v128.and(bits, i32x4.splat(0x80000000));
  const mag = v128.and(bits, i32x4.splat(0x7fffffff));
  // floor: negative lanes round their magnitude up, positive lanes toward zero.
  const negative = i32x4.lt_s(bits, i32x4.splat(0));

  let r = mag;
  if (k > 0) {
    if (mode == NEAREST) r = i32x4.add(r, i32x4.add(half, v128.and(i32x4.shr_u(r, k), i32x4.splat(1))));
    else if (mode == STOCHASTIC) r = i32x4.add(r, i32x4.shr_u(h, 32 - k));
    else if (mode == FLOOR) r = i32x4.add(r, v128.and(maskV, negative));
    r = v128.and(r, notMaskV);
  }
  // Past the largest finite value: floor of a negative value overflows, others per mode.
  const limit = mode == FLOOR ? v128.bitselect(overflowV, zeroLimitV, negative) : zeroLimitV;
  r = v128.bitselect(limit, r, i32x4.gt_s(r, maxV));
  const inf = i32x4.splat(0x7f800000);
  r = v128.bitselect(overflowV, r, i32x4.eq(mag, inf));

  // Below the normal range (rare in most tensors, so skipped when no lane is there).
  const normal = i32x4.ge_s(mag, minNormalV);
  if (!i32x4.all_true(normal)) {
    const v = f32x4.mul(f32x4.mul(mag, up1V), up2V);
    let q: v128;
    if (mode == FLOOR) q = v128.bitselect(f32x4.ceil(v), f32x4.floor(v), negative);
    else q = roundX4(v, mode, h);
    r = v128.bitselect(r, f32x4.mul(q, quantumV), normal);
  }
  return v128.bitselect(bits, v128.or(sign, r), i32x4.gt_s(mag, inf)); // NaN stays NaN
}

/**
 * Floating point with `man` explicit mantissa bits (k = 23 - man bits of float32's dropped),
 * normals from 2^emin (bit pattern minNormalBits) to the largest finite value (maxBits).
 *   normal range: round the bit pattern: nearest adds (2^k/2 - 1) + last kept bit, stochastic
 *     adds the top k bits of h (rounds up with probability exactly dropped / 2^k), floor of a
 *     negative value adds 2^k - 1; then the k low bits are cleared. A carry moves to the next
 *     binade by itself. Past maxBits: `overflow` (maxBits when saturating, else Inf), except
 *     that rounding toward zero stops at maxBits.
 *   below 2^emin: round |x| / quantum to an integer (stochastic: u < fraction), times quantum;
 *     quantum = 2^(emin - man) with subnormals, 2^emin without, given as 2^-s with s <= 149;
 *     1 / quantum = up1 * up2 (two factors, each a float32).
 * NaN stays NaN; +-Inf become +-overflow.
 */
export function quantizeFloat(
  src: usize, dst: usize, n: i32, man: i32, minNormalBits: u32, maxBits: u32, saturate: i32,
  quantum: f32, up1: f32, up2: f32, mode: i32, a: u32, b: u32,
): void {
  if (mode == NEAREST) floatLoop(src, dst, n, man, minNormalBits, maxBits, saturate, quantum, up1, up2, NEAREST, a, b);
  else if (mode == STOCHASTIC) floatLoop(src, dst, n, man, minNormalBits, maxBits, saturate, quantum, up1, up2, STOCHASTIC, a, b);
  else if (mode == ZERO) floatLoop(src, dst, n, man, minNormalBits, maxBits, saturate, quantum, up1, up2, ZERO, a, b);
  else floatLoop(src, dst, n, man, minNormalBits, maxBits, saturate, quantum, up1, up2, FLOOR, a, b);
}

// @ts-ignore: decorator
@inline
function floatLoop(
  src: usize, dst: usize, n: i32, man: i32, minNormalBits: u32, maxBits: u32, saturate: i32,
  quantum: f32, up1: f32, up2: f32, mode: i32, a: u32, b: u32,
): void {
  const k = 23 - man;
  const mask: u32 = (<u32>1 << k) - 1;
  const overflow: u32 = saturate ? maxBits : 0x7f800000;
  const towardZeroLimit: u32 = mode == ZERO || mode == FLOOR ? maxBits : overflow;
  const aV = i32x4.splat(a), bV = i32x4.splat(b);
  const maskV = i32x4.splat(mask), notMaskV = i32x4.splat(~mask), half = i32x4.splat(mask >> 1);
  const minNormalV = i32x4.splat(minNormalBits);
  const maxV = i32x4.splat(maxBits), overflowV = i32x4.splat(overflow);
  const zeroLimitV = i32x4.splat(towardZeroLimit);
  const up1V = f32x4.splat(up1), up2V = f32x4.splat(up2), quantumV = f32x4.splat(quantum);
  const vecN = n & ~15;
  let h0 = i32x4.splat(0), h1 = h0, h2 = h0, h3 = h0;
  let words = mode == STOCHASTIC ? groupWordsX4(aV, bV, 0) : h0;
  // Four vectors (16 elements, four groups of elementHash) per iteration.
  for (let i = 0; i < vecN; i += 16) {
    const at = <usize>i << 2;
    if (mode == STOCHASTIC) {
      h0 = elementHashX4(words, 0);
      h1 = elementHashX4(words, 1);
      h2 = elementHashX4(words, 2);
      h3 = elementHashX4(words, 3);
      // The next block's group words now: their long multiply chain overlaps this block's work.
      words = groupWordsX4(aV, bV, i + 16);
    }
    v128.store(dst + at, floatX4(v128.load(src + at), h0, mode, k, maskV, notMaskV, half,
      minNormalV, maxV, overflowV, zeroLimitV, up1V, up2V, quantumV));
    v128.store(dst + at + 16, floatX4(v128.load(src + at + 16), h1, mode, k, maskV, notMaskV, half,
      minNormalV, maxV, overflowV, zeroLimitV, up1V, up2V, quantumV));
    v128.store(dst + at + 32, floatX4(v128.load(src + at + 32), h2, mode, k, maskV, notMaskV, half,
      minNormalV, maxV, overflowV, zeroLimitV, up1V, up2V, quantumV));
    v128.store(dst + at + 48, floatX4(v128.load(src + at + 48), h3, mode, k, maskV, notMaskV, half,
      minNormalV, maxV, overflowV, zeroLimitV, up1V, up2V, quantumV));
  }
  for (let i = vecN; i < n; i++) {
    const at = <usize>i << 2;
    const bits = load<u32>(src + at);
    const sign = bits & 0x80000000;
    const mag = bits & 0x7fffffff;
    const hi = mode == STOCHASTIC ? elementHash(a, b, <u32>i) : 0;
    const negative = sign != 0;
    let out: u32;
    if (mag > 0x7f800000) {
      out = bits;
    } else if (mag >= minNormalBits) {
      let r = mag;
      if (k > 0) {
        if (mode == NEAREST) r += (mask >> 1) + ((r >> k) & 1);
        else if (mode == STOCHASTIC) r += hi >>> (32 - k);
        else if (mode == FLOOR && negative) r += mask;
        r &= ~mask;
      }
      if (r > maxBits) r = mode == FLOOR && negative ? overflow : towardZeroLimit;
      if (mag == 0x7f800000) r = overflow;
      out = sign | r;
    } else {
      const v = reinterpret<f32>(mag) * up1 * up2;
      const q = mode == FLOOR ? (negative ? ceil<f32>(v) : floor<f32>(v)) : round1(v, mode, hi);
      out = sign | reinterpret<u32>(q * quantum);
    }
    store<u32>(dst + at, out);
  }
}
