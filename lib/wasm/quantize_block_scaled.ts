// Block-scaled quantizers over blocks of consecutive float32 elements (byte offsets src, dst;
// dst may equal src): OCP MX (a power-of-two scale per block, from the block's max) and NVFP4
// (an E4M3 scale per block under one FP32 scale per tensor). lib/quant/scaled/block_kernels.ts
// states the definitions and passes the parameters; element i's random word is
// elementHash(seed, stream, i) as in every quantizer.
import { float1, floatX4, nearestSaturatingX4, stochasticSaturatingX4 } from "./float_rounding";
import { elementHash, elementHashAtX4, elementHashX4, groupWordsX4 } from "./random";
import {
  FLOOR, isRandom, NEAREST, NEAREST_AWAY, ODD, round64, STOCHASTIC, STOCHASTIC_BITS, UP, ZERO,
} from "./rounding";

const FLT_MAX: f64 = 3.4028234663852886e38;
const F32_MAX: f32 = 3.4028234663852886e38;

/** 2^e as a float64, for an integer e in [-1022, 1023]. */
// @ts-ignore: decorator
@inline
function pow2(e: i32): f64 {
  return reinterpret<f64>(<u64>(1023 + e) << 52);
}

/** floor(log2 r) of a positive normal float64, from its exponent field (exact). */
// @ts-ignore: decorator
@inline
function floorLog2(r: f64): i32 {
  return <i32>((reinterpret<u64>(r) >> 52) & 0x7ff) - 1023;
}

/**
 * Largest finite |x| of elements [start, end) (as float32 bits), and whether one is NaN or +-Inf
 * (bit 32). Four lanes at a time when start is a multiple of four: the largest magnitude pattern
 * says whether a special value is there; only then is the finite maximum searched element by
 * element.
 */
// @ts-ignore: decorator
@inline
function blockMax(src: usize, start: i32, end: i32): u64 {
  let top: u32 = 0;
  let i = start;
  if ((start & 3) == 0) {
    let m = i32x4.splat(0);
    const magnitude = i32x4.splat(0x7fffffff);
    for (; i + 4 <= end; i += 4) m = i32x4.max_u(m, v128.and(v128.load(src + (<usize>i << 2)), magnitude));
    top = max<u32>(
      max<u32>(i32x4.extract_lane(m, 0), i32x4.extract_lane(m, 1)),
      max<u32>(i32x4.extract_lane(m, 2), i32x4.extract_lane(m, 3)),
    );
  }
  for (; i < end; i++) top = max<u32>(top, load<u32>(src + (<usize>i << 2)) & 0x7fffffff);
  if (top < 0x7f800000) return <u64>top;
  top = 0;
  for (let j = start; j < end; j++) {
    const mag = load<u32>(src + (<usize>j << 2)) & 0x7fffffff;
    if (mag < 0x7f800000 && mag > top) top = mag;
  }
  return (<u64>1 << 32) | <u64>top;
}

/**
 * One element z (exact in float64) rounded to a float element format, as the float kind's
 * reference (lib/quant/formats/floating_point.ts) rounds: the fallback of blocks whose scaled
 * grid float32 cannot hold (tiny blocks, or scales rounded up near float32's largest value).
 */
function roundFloatElement(
  z: f64, code: i32, rbits: i32, h: u32, man: i32, bias: i32, minNormal: f64, maxElem: f64,
  overflow: f64, inf: f64, subQuantum: f64,
): f64 {
  if (isNaN(z)) return z;
  const negative = (reinterpret<u64>(z) >> 63) != 0;
  const a = abs<f64>(z);
  // Directed roundings of the magnitude: toward zero (inward) or away from it (outward).
  const inward = code == ZERO || (negative ? code == UP : code == FLOOR);
  const outward = negative ? code == FLOOR : code == UP;
  const mode = inward ? ZERO : outward ? UP : code;
  let q: f64;
  if (a == Infinity) q = inf;
  else if (a >= minNormal) {
    const ea = floorLog2(a);
    const quantum = pow2(ea - man);
    const v = a / quantum;
    const whole = floor<f64>(v);
    const k = 23 - man;
    let n: f64;
    const parityOdd = man == 0 ? ((<i32>whole + ea + bias - 1) & 1) != 0 : (<i64>whole & 1) != 0;
    if (mode == STOCHASTIC && k > 0) {
      n = <f64>(h >>> (32 - k)) + (v - whole) * pow2(k) >= pow2(k) ? whole + 1 : whole;
    } else if (mode == NEAREST) {
      const d = v - whole;
      n = d > 0.5 || (d == 0.5 && parityOdd) ? whole + 1 : whole;
    } else if (mode == ODD) {
      n = v == whole || parityOdd ? whole : whole + 1;
    } else n = round64(v, mode, h, rbits);
    q = n * quantum;
    if (q > maxElem) q = mode == ZERO ? maxElem : overflow;
  } else {
    const v = a / subQuantum;
    let n: f64;
    if (mode == NEAREST) n = nearest<f64>(v);
    else n = round64(v, mode, h, rbits);
    q = n * subQuantum;
  }
  return negative ? -q : q;
}

/**
 * OCP MX: blocks of `blockSize` consecutive elements (the last may be shorter: n need not be a
 * multiple). Per block: m = largest finite |x|; a block with NaN or +-Inf is all NaN when
 * `poison` (the OCP rule: its scale is NaN); X = rounding of log2(m / target) (0 floor, 1 ceil,
 * 2 nearest; exact on float64), clamped to [minExp, maxExp]; a block without a finite nonzero
 * value takes X = emptyExp. Elements y = float32(2^X * Q(x * 2^-X)), x * 2^-X exact:
 *   float elements (isFloat): Q rounds to the element format (man, bias; its smallest normal
 *     2^emin, largest maxElem, subnormal quantum 2^(emin - man)); overflow as the element's
 *     flags say (saturate, propagateInf, hasInf: Inf or NaN). The rounding runs on x itself with
 *     the block's grid (quantizeFloat's kernel with every limit times 2^X), or element by
 *     element in float64 where that grid is not float32's (2^(emin + X) below 2^-126, or
 *     maxElem * 2^X beyond float32); noNegZero: a zero is +0 (fnuz and P3109 elements);
 *   fixed elements: q = round(x * 2^(frac - X)) clamped to [qmin, qmax], y = q * 2^(X - frac)
 *     (float64, exact).
 */
export function quantizeMx(
  src: usize, dst: usize, n: i32, blockSize: i32, isFloat: i32, man: i32, bias: i32, maxElem: f64,
  saturate: i32, propagateInf: i32, hasInf: i32, noNegZero: i32, frac: i32, qmin: f64, qmax: f64, target: f64,
  scaleRounding: i32, minExp: i32, maxExp: i32, emptyExp: i32, poison: i32, mode: i32, a: u32, b: u32,
): void {
  // One loop per rounding: with the mode a constant, the optimizer drops the other branches.
  const code = mode & 0xff, rbits = mode >> 8;
  if (code == NEAREST) mxLoop(src, dst, n, blockSize, isFloat, man, bias, maxElem, saturate, propagateInf, hasInf, noNegZero, frac, qmin, qmax, target, scaleRounding, minExp, maxExp, emptyExp, poison, NEAREST, 0, a, b);
  else if (code == STOCHASTIC) mxLoop(src, dst, n, blockSize, isFloat, man, bias, maxElem, saturate, propagateInf, hasInf, noNegZero, frac, qmin, qmax, target, scaleRounding, minExp, maxExp, emptyExp, poison, STOCHASTIC, 0, a, b);
  else if (code == ZERO) mxLoop(src, dst, n, blockSize, isFloat, man, bias, maxElem, saturate, propagateInf, hasInf, noNegZero, frac, qmin, qmax, target, scaleRounding, minExp, maxExp, emptyExp, poison, ZERO, 0, a, b);
  else if (code == FLOOR) mxLoop(src, dst, n, blockSize, isFloat, man, bias, maxElem, saturate, propagateInf, hasInf, noNegZero, frac, qmin, qmax, target, scaleRounding, minExp, maxExp, emptyExp, poison, FLOOR, 0, a, b);
  else if (code == NEAREST_AWAY) mxLoop(src, dst, n, blockSize, isFloat, man, bias, maxElem, saturate, propagateInf, hasInf, noNegZero, frac, qmin, qmax, target, scaleRounding, minExp, maxExp, emptyExp, poison, NEAREST_AWAY, 0, a, b);
  else if (code == UP) mxLoop(src, dst, n, blockSize, isFloat, man, bias, maxElem, saturate, propagateInf, hasInf, noNegZero, frac, qmin, qmax, target, scaleRounding, minExp, maxExp, emptyExp, poison, UP, 0, a, b);
  else if (code == ODD) mxLoop(src, dst, n, blockSize, isFloat, man, bias, maxElem, saturate, propagateInf, hasInf, noNegZero, frac, qmin, qmax, target, scaleRounding, minExp, maxExp, emptyExp, poison, ODD, 0, a, b);
  else mxLoop(src, dst, n, blockSize, isFloat, man, bias, maxElem, saturate, propagateInf, hasInf, noNegZero, frac, qmin, qmax, target, scaleRounding, minExp, maxExp, emptyExp, poison, STOCHASTIC_BITS, rbits, a, b);
}

// @ts-ignore: decorator
@inline
function mxLoop(
  src: usize, dst: usize, n: i32, blockSize: i32, isFloat: i32, man: i32, bias: i32, maxElem: f64,
  saturate: i32, propagateInf: i32, hasInf: i32, noNegZero: i32, frac: i32, qmin: f64, qmax: f64, target: f64,
  scaleRounding: i32, minExp: i32, maxExp: i32, emptyExp: i32, poison: i32, code: i32, rbits: i32, a: u32, b: u32,
): void {
  const emin = 1 - bias;
  const special: f64 = hasInf ? Infinity : NaN;
  const specialBits: u32 = hasInf ? 0x7f800000 : 0x7fc00000;
  // The float element's constants, the same for every block.
  const k = 23 - man;
  const mask: u32 = (<u32>1 << k) - 1;
  const aV = i32x4.splat(a), bV = i32x4.splat(b);
  const maskV = i32x4.splat(mask), notMaskV = i32x4.splat(~mask), half = i32x4.splat(mask >> 1);
  const negZeroOff = noNegZero != 0;
  // Nearest on a saturating element with -0 and mantissa bits: the shorter rounding.
  const plain = saturate != 0 && propagateInf == 0 && noNegZero == 0 && man > 0;
  // Four blocks at a time where they can (mxQuad): plain float elements, nearest or stochastic.
  const quads = (code == NEAREST || code == STOCHASTIC) && isFloat && plain && k > 0 && (blockSize & 15) == 0;
  const quadSize = 4 * blockSize;
  const maxElemBits = reinterpret<u32>(<f32>maxElem);
  for (let start = 0; start < n; start += blockSize) {
    if (quads && start % quadSize == 0 && start + quadSize <= n) {
      if (mxQuad(src, dst, start, blockSize, code, k, half, notMaskV, emin, man, maxElemBits, target, scaleRounding,
        minExp, maxExp, emptyExp, aV, bV)) {
        start += quadSize - blockSize;
        continue;
      }
    }
    const end = min<i32>(n, start + blockSize);
    const stats = blockMax(src, start, end);
    if (poison && stats >> 32 != 0) {
      for (let i = start; i < end; i++) store<f32>(dst + (<usize>i << 2), NaN);
      continue;
    }
    const m = <f64>reinterpret<f32>(<u32>stats);
    let X: i32;
    if (m == 0) X = emptyExp;
    else {
      const r = m / target;
      const e = floorLog2(r);
      if (scaleRounding == 0) X = e;
      else if (scaleRounding == 1) X = r > pow2(e) ? e + 1 : e;
      else X = r * r >= pow2(2 * e + 1) ? e + 1 : e;
      X = min<i32>(maxExp, max<i32>(minExp, X));
    }
    if (!isFloat) {
      const up = pow2(frac - X),
        down = pow2(X - frac);
      let i = start;
      if (code == NEAREST && (start & 3) == 0) {
        // Four lanes in float32, each scaling by two powers of two (2^(frac - X) can pass float32's
        // range): exact where float64's is, and where float32's product falls below 2^-126
        // (inexact) both round to a zero of x's sign; q * 2^(X - frac) is a float32 (q < 2^24,
        // X - frac >= -149), so its float64 product rounds to the same.
        const e = frac - X;
        const up1 = f32x4.splat(<f32>pow2((e + 1) >> 1)), up2 = f32x4.splat(<f32>pow2(e >> 1));
        const down1 = f32x4.splat(<f32>pow2(-((e + 1) >> 1))), down2 = f32x4.splat(<f32>pow2(-(e >> 1)));
        const qminV = f32x4.splat(<f32>qmin), qmaxV = f32x4.splat(<f32>qmax);
        for (; i + 4 <= end; i += 4) {
          const at = <usize>i << 2;
          const q = f32x4.nearest(f32x4.mul(f32x4.mul(v128.load(src + at), up1), up2));
          const clamped = f32x4.min(qmaxV, f32x4.max(qminV, q)); // NaN passes
          v128.store(dst + at, f32x4.mul(f32x4.mul(clamped, down1), down2));
        }
      }
      for (; i < end; i++) {
        const at = <usize>i << 2;
        const h = isRandom(code) ? elementHash(a, b, <u32>i) : 0;
        const q = round64(<f64>load<f32>(src + at) * up, code, h, rbits);
        store<f32>(dst + at, <f32>((q < qmin ? qmin : q > qmax ? qmax : q) * down)); // NaN passes
      }
      continue;
    }
    const scale = pow2(X);
    const blockMaxValue = maxElem * scale;
    if (emin + X >= -126 && blockMaxValue <= FLT_MAX && (start & 3) == 0) {
      // The element's grid times 2^X, four vectors (16 elements, four hash groups) at a time.
      const maxBits = reinterpret<u32>(<f32>blockMaxValue);
      const overflowBits: u32 = saturate ? maxBits : specialBits;
      const infBits: u32 = saturate && !propagateInf ? maxBits : specialBits;
      const posLimit: u32 = code == ZERO || code == FLOOR ? maxBits : overflowBits;
      const negLimit: u32 = code == ZERO || code == UP ? maxBits : overflowBits;
      const s = man - emin - X; // 1 / quantum = 2^s, s <= 149 here
      const flip: u32 = man == 0 ? <u32>((X + 127 - bias) & 1) : 0;
      const minNormalBits = reinterpret<u32>(<f32>pow2(emin + X));
      const quantum = <f32>pow2(-s),
        up1 = <f32>pow2((s + 1) >> 1),
        up2 = <f32>pow2(s >> 1);
      const minNormalV = i32x4.splat(minNormalBits), maxV = i32x4.splat(maxBits);
      const posLimitV = i32x4.splat(posLimit), negLimitV = i32x4.splat(negLimit), infV = i32x4.splat(infBits);
      const flipV = i32x4.splat(flip);
      const up1V = f32x4.splat(up1), up2V = f32x4.splat(up2), quantumV = f32x4.splat(quantum);
      const vecEnd = start + ((end - start) & ~15);
      let h0 = i32x4.splat(0), h1 = h0, h2 = h0, h3 = h0;
      let words = isRandom(code) ? groupWordsX4(aV, bV, start) : h0;
      if (code == NEAREST && plain && k > 0) {
        for (let i = start; i < vecEnd; i += 4) {
          const at = <usize>i << 2;
          v128.store(dst + at, nearestSaturatingX4(v128.load(src + at), k, half, notMaskV, minNormalV, maxV, up1V,
            up2V, quantumV));
        }
      } else if (code == STOCHASTIC && plain && k > 0) {
        for (let i = start; i < vecEnd; i += 16) {
          const at = <usize>i << 2;
          h0 = elementHashX4(words, 0);
          h1 = elementHashX4(words, 1);
          h2 = elementHashX4(words, 2);
          h3 = elementHashX4(words, 3);
          words = groupWordsX4(aV, bV, i + 16);
          v128.store(dst + at, stochasticSaturatingX4(v128.load(src + at), h0, k, notMaskV, minNormalV, maxV, up1V,
            up2V, quantumV));
          v128.store(dst + at + 16, stochasticSaturatingX4(v128.load(src + at + 16), h1, k, notMaskV, minNormalV, maxV,
            up1V, up2V, quantumV));
          v128.store(dst + at + 32, stochasticSaturatingX4(v128.load(src + at + 32), h2, k, notMaskV, minNormalV, maxV,
            up1V, up2V, quantumV));
          v128.store(dst + at + 48, stochasticSaturatingX4(v128.load(src + at + 48), h3, k, notMaskV, minNormalV, maxV,
            up1V, up2V, quantumV));
        }
      } else for (let i = start; i < vecEnd; i += 16) {
        const at = <usize>i << 2;
        if (isRandom(code)) {
          h0 = elementHashX4(words, 0);
          h1 = elementHashX4(words, 1);
          h2 = elementHashX4(words, 2);
          h3 = elementHashX4(words, 3);
          words = groupWordsX4(aV, bV, i + 16);
        }
        v128.store(dst + at, floatX4(v128.load(src + at), h0, code, rbits, k, maskV, notMaskV, half, minNormalV,
          maxV, posLimitV, negLimitV, infV, negZeroOff, flipV, up1V, up2V, quantumV, true));
        v128.store(dst + at + 16, floatX4(v128.load(src + at + 16), h1, code, rbits, k, maskV, notMaskV, half,
          minNormalV, maxV, posLimitV, negLimitV, infV, negZeroOff, flipV, up1V, up2V, quantumV, true));
        v128.store(dst + at + 32, floatX4(v128.load(src + at + 32), h2, code, rbits, k, maskV, notMaskV, half,
          minNormalV, maxV, posLimitV, negLimitV, infV, negZeroOff, flipV, up1V, up2V, quantumV, true));
        v128.store(dst + at + 48, floatX4(v128.load(src + at + 48), h3, code, rbits, k, maskV, notMaskV, half,
          minNormalV, maxV, posLimitV, negLimitV, infV, negZeroOff, flipV, up1V, up2V, quantumV, true));
      }
      for (let i = vecEnd; i < end; i++) {
        const at = <usize>i << 2;
        const hi = isRandom(code) ? elementHash(a, b, <u32>i) : 0;
        store<u32>(dst + at, float1(load<u32>(src + at), hi, code, rbits, k, mask, minNormalBits, maxBits, posLimit,
          negLimit, infBits, negZeroOff, flip, up1, up2, quantum));
      }
      continue;
    }
    const unscale = pow2(-X);
    const overflow: f64 = saturate ? maxElem : special;
    const inf: f64 = saturate && !propagateInf ? maxElem : special;
    for (let i = start; i < end; i++) {
      const at = <usize>i << 2;
      const h = isRandom(code) ? elementHash(a, b, <u32>i) : 0;
      const z = <f64>load<f32>(src + at) * unscale;
      const q = roundFloatElement(z, code, rbits, h, man, bias, pow2(emin), maxElem, overflow, inf, pow2(emin - man));
      store<f32>(dst + at, noNegZero && q == 0 ? 0 : <f32>(q * scale));
    }
  }
}

/**
 * NVFP4 with its two levels of scale, in NVIDIA's float32 arithmetic (Transformer Engine's
 * reference quantizer; lib/quant/scaled/block_formats.ts states it). The data is a row-major
 * matrix `width` elements wide; blocks are tiles of rows x cols, taken row of tiles by row of
 * tiles (1-D blocks: rows = 1, width = n, the last block may be shorter). Element (r, c) of the
 * t-th tile draws elementHash of t * rows * cols + r * cols + c, its index once the tiles are
 * laid out one after another, as quantizing that transposed tensor would. Per block,
 * m the largest finite |x|, the stored scale s = E4M3(float32(m * encodeMultiplier)) (nearest
 * even, saturating; scaleMan, scaleBias, scaleMax describe E4M3), d = float32(s * globalDecode),
 * the encode scale e = float32(1 / d) (the largest float32 when d = 0), and elements
 * y = float32(d * Q(float32(x * e))), Q the saturating float element (E2M1) with `mode`.
 */
export function quantizeNvfp4(
  src: usize, dst: usize, n: i32, rows: i32, cols: i32, width: i32, encodeMultiplier: f32, globalDecode: f32, elemMax: f32,
  man: i32, bias: i32, scaleMan: i32, scaleBias: i32, scaleMax: f32, mode: i32, a: u32, b: u32,
): void {
  // One function per rounding, each inlining nvfp4Loop with its mode a constant: inlined side by
  // side into this one, the optimizer merged the copies back into one loop testing the mode per
  // element (a third slower with stochastic rounding).
  const code = mode & 0xff, rbits = mode >> 8;
  if (code == NEAREST) nvfp4Nearest(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, a, b);
  else if (code == STOCHASTIC) nvfp4Stochastic(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, a, b);
  else if (code == ZERO) nvfp4Zero(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, a, b);
  else if (code == FLOOR) nvfp4Floor(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, a, b);
  else if (code == NEAREST_AWAY) nvfp4NearestAway(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, a, b);
  else if (code == UP) nvfp4Up(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, a, b);
  else if (code == ODD) nvfp4Odd(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, a, b);
  else nvfp4StochasticBits(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, rbits, a, b);
}

function nvfp4Nearest(
  src: usize, dst: usize, n: i32, rows: i32, cols: i32, width: i32, encodeMultiplier: f32, globalDecode: f32,
  elemMax: f32, man: i32, bias: i32, scaleMan: i32, scaleBias: i32, scaleMax: f32, a: u32, b: u32,
): void {
  nvfp4Loop(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, NEAREST, 0, a, b);
}

function nvfp4Stochastic(
  src: usize, dst: usize, n: i32, rows: i32, cols: i32, width: i32, encodeMultiplier: f32, globalDecode: f32,
  elemMax: f32, man: i32, bias: i32, scaleMan: i32, scaleBias: i32, scaleMax: f32, a: u32, b: u32,
): void {
  nvfp4Loop(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, STOCHASTIC, 0, a, b);
}

function nvfp4Zero(
  src: usize, dst: usize, n: i32, rows: i32, cols: i32, width: i32, encodeMultiplier: f32, globalDecode: f32,
  elemMax: f32, man: i32, bias: i32, scaleMan: i32, scaleBias: i32, scaleMax: f32, a: u32, b: u32,
): void {
  nvfp4Loop(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, ZERO, 0, a, b);
}

function nvfp4Floor(
  src: usize, dst: usize, n: i32, rows: i32, cols: i32, width: i32, encodeMultiplier: f32, globalDecode: f32,
  elemMax: f32, man: i32, bias: i32, scaleMan: i32, scaleBias: i32, scaleMax: f32, a: u32, b: u32,
): void {
  nvfp4Loop(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, FLOOR, 0, a, b);
}

function nvfp4NearestAway(
  src: usize, dst: usize, n: i32, rows: i32, cols: i32, width: i32, encodeMultiplier: f32, globalDecode: f32,
  elemMax: f32, man: i32, bias: i32, scaleMan: i32, scaleBias: i32, scaleMax: f32, a: u32, b: u32,
): void {
  nvfp4Loop(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, NEAREST_AWAY, 0, a, b);
}

function nvfp4Up(
  src: usize, dst: usize, n: i32, rows: i32, cols: i32, width: i32, encodeMultiplier: f32, globalDecode: f32,
  elemMax: f32, man: i32, bias: i32, scaleMan: i32, scaleBias: i32, scaleMax: f32, a: u32, b: u32,
): void {
  nvfp4Loop(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, UP, 0, a, b);
}

function nvfp4Odd(
  src: usize, dst: usize, n: i32, rows: i32, cols: i32, width: i32, encodeMultiplier: f32, globalDecode: f32,
  elemMax: f32, man: i32, bias: i32, scaleMan: i32, scaleBias: i32, scaleMax: f32, a: u32, b: u32,
): void {
  nvfp4Loop(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, ODD, 0, a, b);
}

function nvfp4StochasticBits(
  src: usize, dst: usize, n: i32, rows: i32, cols: i32, width: i32, encodeMultiplier: f32, globalDecode: f32,
  elemMax: f32, man: i32, bias: i32, scaleMan: i32, scaleBias: i32, scaleMax: f32, rbits: i32, a: u32,
  b: u32,
): void {
  nvfp4Loop(src, dst, n, rows, cols, width, encodeMultiplier, globalDecode, elemMax, man, bias, scaleMan, scaleBias, scaleMax, STOCHASTIC_BITS, rbits, a, b);
}

/**
 * Four NVFP4 elements: d * Q(x * e), Q saturating; `short` (the element has mantissa bits and
 * drops some: 0 < man < 23) takes the shorter forms of nearest and stochastic rounding.
 */
// @ts-ignore: decorator
@inline
function nvfp4X4(
  x: v128, h: v128, eV: v128, dV: v128, mode: i32, rbits: i32, k: i32, short: bool, maskV: v128, notMaskV: v128,
  half: v128, minNormalV: v128, maxV: v128, flipV: v128, up1V: v128, up2V: v128, quantumV: v128,
): v128 {
  const z = f32x4.mul(x, eV);
  const q =
    mode == NEAREST && short
      ? nearestSaturatingX4(z, k, half, notMaskV, minNormalV, maxV, up1V, up2V, quantumV)
      : mode == STOCHASTIC && short
      ? stochasticSaturatingX4(z, h, k, notMaskV, minNormalV, maxV, up1V, up2V, quantumV)
      : floatX4(z, h, mode, rbits, k, maskV, notMaskV, half, minNormalV, maxV, maxV, maxV, maxV, false, flipV, up1V,
          up2V, quantumV, true);
  return f32x4.mul(dV, q);
}

// @ts-ignore: decorator
@inline
function nvfp4Loop(
  src: usize, dst: usize, n: i32, rows: i32, cols: i32, width: i32, encodeMultiplier: f32, globalDecode: f32, elemMax: f32,
  man: i32, bias: i32, scaleMan: i32, scaleBias: i32, scaleMax: f32, mode: i32, rbits: i32, a: u32, b: u32,
): void {
  // The element's grid (saturating, with -0: E2M1) ...
  const emin = 1 - bias;
  const s = man - emin; // the subnormal quantum 2^-s
  const k = 23 - man;
  const mask: u32 = (<u32>1 << k) - 1;
  const maxBits = reinterpret<u32>(elemMax);
  const minNormalBits = reinterpret<u32>(<f32>pow2(emin));
  const flip: u32 = man == 0 ? <u32>((127 - bias) & 1) : 0;
  const quantum = <f32>pow2(-s),
    up1 = <f32>pow2((s + 1) >> 1),
    up2 = <f32>pow2(s >> 1);
  // ... and the scale's (nearest, saturating: E4M3).
  const scaleEmin = 1 - scaleBias;
  const scaleS = scaleMan - scaleEmin;
  const scaleK = 23 - scaleMan;
  const scaleMask: u32 = (<u32>1 << scaleK) - 1;
  const scaleMaxBits = reinterpret<u32>(scaleMax);
  const scaleMinNormalBits = reinterpret<u32>(<f32>pow2(scaleEmin));
  const scaleQuantum = <f32>pow2(-scaleS),
    scaleUp1 = <f32>pow2((scaleS + 1) >> 1),
    scaleUp2 = <f32>pow2(scaleS >> 1);
  const aV = i32x4.splat(a), bV = i32x4.splat(b);
  const maskV = i32x4.splat(mask), notMaskV = i32x4.splat(~mask), half = i32x4.splat(mask >> 1);
  const minNormalV = i32x4.splat(minNormalBits), maxV = i32x4.splat(maxBits), flipV = i32x4.splat(flip);
  const up1V = f32x4.splat(up1), up2V = f32x4.splat(up2), quantumV = f32x4.splat(quantum);
  const posLimit: u32 = maxBits, negLimit: u32 = maxBits;
  // The group words of hash index wordsAt on: a row's vector loop leaves those of the next row's.
  let words = i32x4.splat(0);
  let wordsAt = -1;
  const short = man > 0 && man < 23;
  // The hash index of the block's first element (tiles one after another).
  let hashStart = 0;
  for (let r0 = 0; r0 < n; r0 += rows * width) {
    let c0 = 0;
    if (cols == 16 && scaleK > 0) {
      // Blocks 16 wide (NVFP4's), four side by side while four remain (`short`, and one row for
      // 1-D blocks, a constant in each loop); the rest block by block.
      c0 = width & ~63;
      if (short && rows == 1) {
        nvfp4Quads(src, dst, r0, c0, 1, width, hashStart, encodeMultiplier, globalDecode, mode, rbits, k, true,
          maskV, notMaskV, half, minNormalV, maxV, flipV, up1V, up2V, quantumV, scaleK, scaleMaxBits,
          scaleMinNormalBits, scaleUp1, scaleUp2, scaleQuantum, aV, bV);
      } else if (short) {
        nvfp4Quads(src, dst, r0, c0, rows, width, hashStart, encodeMultiplier, globalDecode, mode, rbits, k, true,
          maskV, notMaskV, half, minNormalV, maxV, flipV, up1V, up2V, quantumV, scaleK, scaleMaxBits,
          scaleMinNormalBits, scaleUp1, scaleUp2, scaleQuantum, aV, bV);
      } else {
        nvfp4Quads(src, dst, r0, c0, rows, width, hashStart, encodeMultiplier, globalDecode, mode, rbits, k, false,
          maskV, notMaskV, half, minNormalV, maxV, flipV, up1V, up2V, quantumV, scaleK, scaleMaxBits,
          scaleMinNormalBits, scaleUp1, scaleUp2, scaleQuantum, aV, bV);
      }
      hashStart += rows * c0;
    }
    for (; c0 < width; c0 += cols) {
      const count = min<i32>(cols, width - c0);
      const first = r0 + c0;
      let largest: u32 = 0;
      for (let line = 0; line < rows; line++) {
        const row = first + line * width;
        largest = max<u32>(largest, <u32>blockMax(src, row, row + count));
      }
      const m = reinterpret<f32>(largest);
      // The stored block scale, the decode scale d and the encode scale e = 1 / d.
      const stored = reinterpret<f32>(float1(reinterpret<u32>(m * encodeMultiplier), 0, NEAREST, 0, scaleK,
        scaleMask, scaleMinNormalBits, scaleMaxBits, scaleMaxBits, scaleMaxBits, scaleMaxBits, false, 0, scaleUp1,
        scaleUp2, scaleQuantum));
      const d = stored * globalDecode;
      const e = min<f32>(<f32>1 / d, F32_MAX);
      const dV = f32x4.splat(d),
        eV = f32x4.splat(e);
      for (let line = 0; line < rows; line++) {
        const row = first + line * width;
        const hashRow = hashStart + line * count;
        // Elements: y = d * Q(x * e), four vectors (16 elements, four hash groups) at a time.
        const vecCount = (hashRow & 3) == 0 ? count & ~15 : 0;
        let h0 = i32x4.splat(0), h1 = h0, h2 = h0, h3 = h0;
        if (isRandom(mode) && wordsAt != hashRow) words = groupWordsX4(aV, bV, hashRow);
        for (let i = 0; i < vecCount; i += 16) {
          const at = <usize>(row + i) << 2;
          if (isRandom(mode)) {
            h0 = elementHashX4(words, 0);
            h1 = elementHashX4(words, 1);
            h2 = elementHashX4(words, 2);
            h3 = elementHashX4(words, 3);
            words = groupWordsX4(aV, bV, hashRow + i + 16);
          }
          v128.store(dst + at, nvfp4X4(v128.load(src + at), h0, eV, dV, mode, rbits, k, short, maskV, notMaskV, half,
            minNormalV, maxV, flipV, up1V, up2V, quantumV));
          v128.store(dst + at + 16, nvfp4X4(v128.load(src + at + 16), h1, eV, dV, mode, rbits, k, short, maskV,
            notMaskV, half, minNormalV, maxV, flipV, up1V, up2V, quantumV));
          v128.store(dst + at + 32, nvfp4X4(v128.load(src + at + 32), h2, eV, dV, mode, rbits, k, short, maskV,
            notMaskV, half, minNormalV, maxV, flipV, up1V, up2V, quantumV));
          v128.store(dst + at + 48, nvfp4X4(v128.load(src + at + 48), h3, eV, dV, mode, rbits, k, short, maskV,
            notMaskV, half, minNormalV, maxV, flipV, up1V, up2V, quantumV));
        }
        wordsAt = hashRow + vecCount;
        for (let i = vecCount; i < count; i++) {
          const at = <usize>(row + i) << 2;
          const hi = isRandom(mode) ? elementHash(a, b, <u32>(hashRow + i)) : 0;
          const x = load<f32>(src + at);
          const q = float1(reinterpret<u32>(x * e), hi, mode, rbits, k, mask, minNormalBits, maxBits,
            posLimit, negLimit, maxBits, false, flip, up1, up2, quantum);
          store<f32>(dst + at, d * reinterpret<f32>(q));
        }
      }
      hashStart += rows * count;
    }
  }
}

/**
 * nvfp4Loop's blocks 16 wide (tiles of rows x 16; 1-D blocks of 16 are rows = 1) of the row of
 * tiles from element r0, over columns [0, end) (end a multiple of 64), four blocks side by side
 * at a time: their largest finite magnitudes, stored scales, decode and encode scales as one
 * vector each (lane j block j; the same float32 operations as block by block, and
 * nearestSaturatingX4 is float1's nearest on a saturating scale, bit for bit), then each
 * block's rows with its lanes broadcast. Block j of the four at column c has hash indices from
 * hashStart + (c + 16 j) * rows.
 */
// @ts-ignore: decorator
@inline
function nvfp4Quads(
  src: usize, dst: usize, r0: i32, end: i32, rows: i32, width: i32, hashStart: i32, encodeMultiplier: f32,
  globalDecode: f32, mode: i32, rbits: i32, k: i32, short: bool, maskV: v128, notMaskV: v128, half: v128,
  minNormalV: v128, maxV: v128, flipV: v128, up1V: v128, up2V: v128, quantumV: v128, scaleK: i32,
  scaleMaxBits: u32, scaleMinNormalBits: u32, scaleUp1: f32, scaleUp2: f32, scaleQuantum: f32, aV: v128, bV: v128,
): void {
  const magnitude = i32x4.splat(0x7fffffff);
  const scaleMask: u32 = (<u32>1 << scaleK) - 1;
  const scaleHalf = i32x4.splat(scaleMask >> 1), scaleNotMask = i32x4.splat(~scaleMask);
  const scaleMinNormalV = i32x4.splat(scaleMinNormalBits), scaleMaxV = i32x4.splat(scaleMaxBits);
  const scaleUp1V = f32x4.splat(scaleUp1), scaleUp2V = f32x4.splat(scaleUp2), scaleQuantumV = f32x4.splat(scaleQuantum);
  const encodeV = f32x4.splat(encodeMultiplier), decodeV = f32x4.splat(globalDecode);
  const rowBytes = <usize>width << 2;
  for (let c0 = 0; c0 < end; c0 += 64) {
    const first = r0 + c0;
    const at = src + (<usize>first << 2);
    // Each block's lane-wise maxima over its rows, then the four blocks' maxima side by side.
    let m0 = blockMaxX4(at, magnitude), m1 = blockMaxX4(at + 64, magnitude);
    let m2 = blockMaxX4(at + 128, magnitude), m3 = blockMaxX4(at + 192, magnitude);
    for (let line = 1; line < rows; line++) {
      const row = at + <usize>line * rowBytes;
      m0 = i32x4.max_u(m0, blockMaxX4(row, magnitude));
      m1 = i32x4.max_u(m1, blockMaxX4(row + 64, magnitude));
      m2 = i32x4.max_u(m2, blockMaxX4(row + 128, magnitude));
      m3 = i32x4.max_u(m3, blockMaxX4(row + 192, magnitude));
    }
    const t0 = i32x4.max_u(i32x4.shuffle(m0, m1, 0, 4, 1, 5), i32x4.shuffle(m0, m1, 2, 6, 3, 7));
    const t1 = i32x4.max_u(i32x4.shuffle(m2, m3, 0, 4, 1, 5), i32x4.shuffle(m2, m3, 2, 6, 3, 7));
    let largest = i32x4.max_u(i32x4.shuffle(t0, t1, 0, 1, 4, 5), i32x4.shuffle(t0, t1, 2, 3, 6, 7));
    if (!i32x4.all_true(i32x4.gt_s(i32x4.splat(0x7f800000), largest))) {
      // NaN or +-Inf in a block: the finite maxima, as blockMax finds them row by row.
      largest = i32x4(tileMax(src, first, rows, width), tileMax(src, first + 16, rows, width),
        tileMax(src, first + 32, rows, width), tileMax(src, first + 48, rows, width));
    }
    const stored = nearestSaturatingX4(f32x4.mul(largest, encodeV), scaleK, scaleHalf, scaleNotMask, scaleMinNormalV,
      scaleMaxV, scaleUp1V, scaleUp2V, scaleQuantumV);
    const d = f32x4.mul(stored, decodeV);
    const e = f32x4.min(f32x4.div(f32x4.splat(1), d), f32x4.splat(F32_MAX));
    const d0 = i32x4.shuffle(d, d, 0, 0, 0, 0), e0 = i32x4.shuffle(e, e, 0, 0, 0, 0);
    const d1 = i32x4.shuffle(d, d, 1, 1, 1, 1), e1 = i32x4.shuffle(e, e, 1, 1, 1, 1);
    const d2 = i32x4.shuffle(d, d, 2, 2, 2, 2), e2 = i32x4.shuffle(e, e, 2, 2, 2, 2);
    const d3 = i32x4.shuffle(d, d, 3, 3, 3, 3), e3 = i32x4.shuffle(e, e, 3, 3, 3, 3);
    const hash = hashStart + c0 * rows;
    for (let line = 0; line < rows; line++) {
      const row = first + line * width, hashRow = hash + line * 16;
      nvfp4Sixteen(src, dst, row, hashRow, d0, e0, mode, rbits, k, short, maskV, notMaskV, half, minNormalV, maxV,
        flipV, up1V, up2V, quantumV, aV, bV);
      nvfp4Sixteen(src, dst, row + 16, hashRow + 16 * rows, d1, e1, mode, rbits, k, short, maskV, notMaskV, half,
        minNormalV, maxV, flipV, up1V, up2V, quantumV, aV, bV);
      nvfp4Sixteen(src, dst, row + 32, hashRow + 32 * rows, d2, e2, mode, rbits, k, short, maskV, notMaskV, half,
        minNormalV, maxV, flipV, up1V, up2V, quantumV, aV, bV);
      nvfp4Sixteen(src, dst, row + 48, hashRow + 48 * rows, d3, e3, mode, rbits, k, short, maskV, notMaskV, half,
        minNormalV, maxV, flipV, up1V, up2V, quantumV, aV, bV);
    }
  }
}

/** The largest finite magnitude of the tile 16 wide and `rows` high at element first (blockMax's, row by row). */
// @ts-ignore: decorator
@inline
function tileMax(src: usize, first: i32, rows: i32, width: i32): u32 {
  let largest: u32 = 0;
  for (let line = 0; line < rows; line++) {
    const row = first + line * width;
    largest = max<u32>(largest, <u32>blockMax(src, row, row + 16));
  }
  return largest;
}

/**
 * The 16 elements from element i of one NVFP4 block, its scales dV and eV (splats), their hash
 * indices from `hash` (a multiple of 16).
 */
// @ts-ignore: decorator
@inline
function nvfp4Sixteen(
  src: usize, dst: usize, i: i32, hash: i32, dV: v128, eV: v128, mode: i32, rbits: i32, k: i32, short: bool,
  maskV: v128, notMaskV: v128, half: v128, minNormalV: v128, maxV: v128, flipV: v128, up1V: v128, up2V: v128,
  quantumV: v128, aV: v128, bV: v128,
): void {
  const x = src + (<usize>i << 2), y = dst + (<usize>i << 2);
  let h0 = i32x4.splat(0), h1 = h0, h2 = h0, h3 = h0;
  if (isRandom(mode)) {
    const words = groupWordsX4(aV, bV, hash);
    h0 = elementHashX4(words, 0);
    h1 = elementHashX4(words, 1);
    h2 = elementHashX4(words, 2);
    h3 = elementHashX4(words, 3);
  }
  v128.store(y, nvfp4X4(v128.load(x), h0, eV, dV, mode, rbits, k, short, maskV, notMaskV, half, minNormalV, maxV,
    flipV, up1V, up2V, quantumV));
  v128.store(y + 16, nvfp4X4(v128.load(x + 16), h1, eV, dV, mode, rbits, k, short, maskV, notMaskV, half, minNormalV,
    maxV, flipV, up1V, up2V, quantumV));
  v128.store(y + 32, nvfp4X4(v128.load(x + 32), h2, eV, dV, mode, rbits, k, short, maskV, notMaskV, half, minNormalV,
    maxV, flipV, up1V, up2V, quantumV));
  v128.store(y + 48, nvfp4X4(v128.load(x + 48), h3, eV, dV, mode, rbits, k, short, maskV, notMaskV, half, minNormalV,
    maxV, flipV, up1V, up2V, quantumV));
}

/**
 * mxLoop's four blocks from `start` (blockSize a multiple of 16) for a plain float element
 * (saturating, with -0, k > 0) with nearest or stochastic rounding (`code`, a constant), when all
 * four grids are float32's and no block holds NaN or Inf: their largest magnitudes side by side,
 * the exponents X (blockExponentX4) and grids as vectors (the bits the block-by-block path gets
 * from float64: exact powers of two), then each block's elements with its lanes broadcast, as
 * block by block. Returns false, having written nothing, otherwise.
 */
// @ts-ignore: decorator
@inline
function mxQuad(
  src: usize, dst: usize, start: i32, blockSize: i32, code: i32, k: i32, half: v128, notMaskV: v128, emin: i32,
  man: i32, maxElemBits: u32, target: f64, scaleRounding: i32, minExp: i32, maxExp: i32, emptyExp: i32, aV: v128,
  bV: v128,
): bool {
  const magnitude = i32x4.splat(0x7fffffff);
  const blockBytes = <usize>blockSize << 2;
  const at = src + (<usize>start << 2);
  let m0 = i32x4.splat(0), m1 = m0, m2 = m0, m3 = m0;
  for (let c: usize = 0; c < blockBytes; c += 64) {
    m0 = i32x4.max_u(m0, blockMaxX4(at + c, magnitude));
    m1 = i32x4.max_u(m1, blockMaxX4(at + blockBytes + c, magnitude));
    m2 = i32x4.max_u(m2, blockMaxX4(at + 2 * blockBytes + c, magnitude));
    m3 = i32x4.max_u(m3, blockMaxX4(at + 3 * blockBytes + c, magnitude));
  }
  const t0 = i32x4.max_u(i32x4.shuffle(m0, m1, 0, 4, 1, 5), i32x4.shuffle(m0, m1, 2, 6, 3, 7));
  const t1 = i32x4.max_u(i32x4.shuffle(m2, m3, 0, 4, 1, 5), i32x4.shuffle(m2, m3, 2, 6, 3, 7));
  const top = i32x4.max_u(i32x4.shuffle(t0, t1, 0, 1, 4, 5), i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  const X = blockExponentX4(top, target, scaleRounding, minExp, maxExp, emptyExp);
  if (!gridIsFloat32(top, X, emin, maxElemBits)) return false;
  const s = i32x4.sub(i32x4.splat(man - emin), X);
  const minNormal = pow2X4(i32x4.add(X, i32x4.splat(emin)));
  const maxBits = i32x4.add(i32x4.splat(maxElemBits), i32x4.shl(X, 23));
  const upA = pow2X4(i32x4.shr_s(i32x4.add(s, i32x4.splat(1)), 1)), upB = pow2X4(i32x4.shr_s(s, 1));
  const quantum = quantumX4(s);
  mxQuadBlock(src, dst, start, blockSize, code, k, half, notMaskV, i32x4.shuffle(minNormal, minNormal, 0, 0, 0, 0),
    i32x4.shuffle(maxBits, maxBits, 0, 0, 0, 0), i32x4.shuffle(upA, upA, 0, 0, 0, 0), i32x4.shuffle(upB, upB, 0, 0, 0, 0),
    i32x4.shuffle(quantum, quantum, 0, 0, 0, 0), aV, bV);
  mxQuadBlock(src, dst, start + blockSize, blockSize, code, k, half, notMaskV,
    i32x4.shuffle(minNormal, minNormal, 1, 1, 1, 1), i32x4.shuffle(maxBits, maxBits, 1, 1, 1, 1),
    i32x4.shuffle(upA, upA, 1, 1, 1, 1), i32x4.shuffle(upB, upB, 1, 1, 1, 1), i32x4.shuffle(quantum, quantum, 1, 1, 1, 1),
    aV, bV);
  mxQuadBlock(src, dst, start + 2 * blockSize, blockSize, code, k, half, notMaskV,
    i32x4.shuffle(minNormal, minNormal, 2, 2, 2, 2), i32x4.shuffle(maxBits, maxBits, 2, 2, 2, 2),
    i32x4.shuffle(upA, upA, 2, 2, 2, 2), i32x4.shuffle(upB, upB, 2, 2, 2, 2), i32x4.shuffle(quantum, quantum, 2, 2, 2, 2),
    aV, bV);
  mxQuadBlock(src, dst, start + 3 * blockSize, blockSize, code, k, half, notMaskV,
    i32x4.shuffle(minNormal, minNormal, 3, 3, 3, 3), i32x4.shuffle(maxBits, maxBits, 3, 3, 3, 3),
    i32x4.shuffle(upA, upA, 3, 3, 3, 3), i32x4.shuffle(upB, upB, 3, 3, 3, 3), i32x4.shuffle(quantum, quantum, 3, 3, 3, 3),
    aV, bV);
  return true;
}

/** One block of mxQuad (its grid as splats), 16 elements (four hash groups) at a time. */
// @ts-ignore: decorator
@inline
function mxQuadBlock(
  src: usize, dst: usize, start: i32, blockSize: i32, code: i32, k: i32, half: v128, notMaskV: v128,
  minNormalV: v128, maxV: v128, up1V: v128, up2V: v128, quantumV: v128, aV: v128, bV: v128,
): void {
  for (let i = start; i < start + blockSize; i += 16) {
    const at = <usize>i << 2;
    if (code == NEAREST) {
      v128.store(dst + at, nearestSaturatingX4(v128.load(src + at), k, half, notMaskV, minNormalV, maxV, up1V, up2V,
        quantumV));
      v128.store(dst + at + 16, nearestSaturatingX4(v128.load(src + at + 16), k, half, notMaskV, minNormalV, maxV,
        up1V, up2V, quantumV));
      v128.store(dst + at + 32, nearestSaturatingX4(v128.load(src + at + 32), k, half, notMaskV, minNormalV, maxV,
        up1V, up2V, quantumV));
      v128.store(dst + at + 48, nearestSaturatingX4(v128.load(src + at + 48), k, half, notMaskV, minNormalV, maxV,
        up1V, up2V, quantumV));
    } else {
      const words = groupWordsX4(aV, bV, i);
      v128.store(dst + at, stochasticSaturatingX4(v128.load(src + at), elementHashX4(words, 0), k, notMaskV,
        minNormalV, maxV, up1V, up2V, quantumV));
      v128.store(dst + at + 16, stochasticSaturatingX4(v128.load(src + at + 16), elementHashX4(words, 1), k,
        notMaskV, minNormalV, maxV, up1V, up2V, quantumV));
      v128.store(dst + at + 32, stochasticSaturatingX4(v128.load(src + at + 32), elementHashX4(words, 2), k,
        notMaskV, minNormalV, maxV, up1V, up2V, quantumV));
      v128.store(dst + at + 48, stochasticSaturatingX4(v128.load(src + at + 48), elementHashX4(words, 3), k,
        notMaskV, minNormalV, maxV, up1V, up2V, quantumV));
    }
  }
}

/** Lane-wise maxima of the magnitudes of the 16 elements at `at` (bits; NaN and Inf included). */
// @ts-ignore: decorator
@inline
function blockMaxX4(at: usize, magnitude: v128): v128 {
  return i32x4.max_u(
    i32x4.max_u(v128.and(v128.load(at), magnitude), v128.and(v128.load(at + 16), magnitude)),
    i32x4.max_u(v128.and(v128.load(at + 32), magnitude), v128.and(v128.load(at + 48), magnitude)),
  );
}

/** A block's scale exponent X from its largest finite magnitude m (see quantizeMx). */
// @ts-ignore: decorator
@inline
function blockExponent(m: f64, target: f64, scaleRounding: i32, minExp: i32, maxExp: i32, emptyExp: i32): i32 {
  if (m == 0) return emptyExp;
  const r = m / target;
  const e = floorLog2(r);
  let X = e;
  if (scaleRounding == 1) X = r > pow2(e) ? e + 1 : e;
  else if (scaleRounding == 2) X = r * r >= pow2(2 * e + 1) ? e + 1 : e;
  return min<i32>(maxExp, max<i32>(minExp, X));
}

/**
 * quantizeMx for blocks along an axis that is not the last: the data is [outer, axisLength,
 * inner] (row-major), blocks are blockSize consecutive positions along the middle axis at each
 * (outer, inner) position, with the same formulas, four inner positions at a time where the
 * block grid of all four is float32's (row by row for a plain element with nearest or stochastic
 * rounding: stridedRows). Element (o, a, q) draws elementHash of its index in the tensor with
 * that axis moved last, (o * inner + q) * axisLength + a, as quantizing the transposed tensor
 * would. `scratch`: 7 rows of scratchWidth words the kernel overwrites (scratchWidth inner, or
 * a multiple of four below it).
 */
export function quantizeMxStrided(
  src: usize, dst: usize, outer: i32, axisLength: i32, inner: i32, blockSize: i32, isFloat: i32, man: i32,
  bias: i32, maxElem: f64, saturate: i32, propagateInf: i32, hasInf: i32, noNegZero: i32, frac: i32, qmin: f64,
  qmax: f64, target: f64, scaleRounding: i32, minExp: i32, maxExp: i32, emptyExp: i32, poison: i32, mode: i32,
  a: u32, b: u32, scratch: usize, scratchWidth: i32,
): void {
  const code = mode & 0xff, rbits = mode >> 8;
  const emin = 1 - bias;
  const special: f64 = hasInf ? Infinity : NaN;
  const specialBits: u32 = hasInf ? 0x7f800000 : 0x7fc00000;
  const k = 23 - man;
  const mask: u32 = (<u32>1 << k) - 1;
  const maskV = i32x4.splat(mask), notMaskV = i32x4.splat(~mask), half = i32x4.splat(mask >> 1);
  const plain = saturate != 0 && propagateInf == 0 && noNegZero == 0 && man > 0 && k > 0;
  const stride = <usize>inner << 2;
  const rowWise = isFloat && plain && (code == NEAREST || code == STOCHASTIC);
  for (let o = 0; o < outer; o++) {
    for (let a0 = 0; a0 < axisLength; a0 += blockSize) {
      const count = min<i32>(axisLength, a0 + blockSize) - a0;
      let q = 0;
      if (rowWise) {
        q = code == NEAREST
          ? stridedRowsNearest(src, dst, o, a0, count, axisLength, inner, man, bias, maxElem, hasInf, target,
              scaleRounding, minExp, maxExp, emptyExp, poison, a, b, scratch, scratchWidth)
          : stridedRowsStochastic(src, dst, o, a0, count, axisLength, inner, man, bias, maxElem, hasInf, target,
              scaleRounding, minExp, maxExp, emptyExp, poison, a, b, scratch, scratchWidth);
      }
      // Four inner positions (four blocks side by side) at a time: each lane its own block grid.
      for (; isFloat && q + 4 <= inner; q += 4) {
        const first = src + ((<usize>(o * axisLength + a0) * <usize>inner + <usize>q) << 2);
        const out = dst + (first - src);
        let m = i32x4.splat(0);
        const magnitude = i32x4.splat(0x7fffffff);
        for (let j = 0; j < count; j++) m = i32x4.max_u(m, v128.and(v128.load(first + <usize>j * stride), magnitude));
        let minNormalV = i32x4.splat(0), maxV = minNormalV, posLimitV = minNormalV, negLimitV = minNormalV;
        let infV = minNormalV, flipV = minNormalV;
        let up1V = f32x4.splat(0), up2V = up1V, quantumV = up1V;
        let fast = true;
        for (let lane = 0; lane < 4; lane++) {
          const top = lane == 0 ? i32x4.extract_lane(m, 0) : lane == 1 ? i32x4.extract_lane(m, 1) : lane == 2 ? i32x4.extract_lane(m, 2) : i32x4.extract_lane(m, 3);
          if (<u32>top >= 0x7f800000) fast = false; // NaN or Inf: the column's own path
          const X = blockExponent(<f64>reinterpret<f32>(top), target, scaleRounding, minExp, maxExp, emptyExp);
          const blockMaxValue = maxElem * pow2(X);
          if (!(emin + X >= -126 && blockMaxValue <= FLT_MAX)) fast = false;
          if (!fast) break;
          const maxBits = reinterpret<u32>(<f32>blockMaxValue);
          const overflowBits: u32 = saturate ? maxBits : specialBits;
          const infBits: u32 = saturate && !propagateInf ? maxBits : specialBits;
          const posLimit: u32 = code == ZERO || code == FLOOR ? maxBits : overflowBits;
          const negLimit: u32 = code == ZERO || code == UP ? maxBits : overflowBits;
          const s = man - emin - X;
          const flip: u32 = man == 0 ? <u32>((X + 127 - bias) & 1) : 0;
          const minNormalBits = reinterpret<u32>(<f32>pow2(emin + X));
          const quantum = <f32>pow2(-s),
            up1 = <f32>pow2((s + 1) >> 1),
            up2 = <f32>pow2(s >> 1);
          if (lane == 0) {
            minNormalV = i32x4.replace_lane(minNormalV, 0, minNormalBits); maxV = i32x4.replace_lane(maxV, 0, maxBits);
            posLimitV = i32x4.replace_lane(posLimitV, 0, posLimit); negLimitV = i32x4.replace_lane(negLimitV, 0, negLimit);
            infV = i32x4.replace_lane(infV, 0, infBits); flipV = i32x4.replace_lane(flipV, 0, flip);
            up1V = f32x4.replace_lane(up1V, 0, up1); up2V = f32x4.replace_lane(up2V, 0, up2); quantumV = f32x4.replace_lane(quantumV, 0, quantum);
          } else if (lane == 1) {
            minNormalV = i32x4.replace_lane(minNormalV, 1, minNormalBits); maxV = i32x4.replace_lane(maxV, 1, maxBits);
            posLimitV = i32x4.replace_lane(posLimitV, 1, posLimit); negLimitV = i32x4.replace_lane(negLimitV, 1, negLimit);
            infV = i32x4.replace_lane(infV, 1, infBits); flipV = i32x4.replace_lane(flipV, 1, flip);
            up1V = f32x4.replace_lane(up1V, 1, up1); up2V = f32x4.replace_lane(up2V, 1, up2); quantumV = f32x4.replace_lane(quantumV, 1, quantum);
          } else if (lane == 2) {
            minNormalV = i32x4.replace_lane(minNormalV, 2, minNormalBits); maxV = i32x4.replace_lane(maxV, 2, maxBits);
            posLimitV = i32x4.replace_lane(posLimitV, 2, posLimit); negLimitV = i32x4.replace_lane(negLimitV, 2, negLimit);
            infV = i32x4.replace_lane(infV, 2, infBits); flipV = i32x4.replace_lane(flipV, 2, flip);
            up1V = f32x4.replace_lane(up1V, 2, up1); up2V = f32x4.replace_lane(up2V, 2, up2); quantumV = f32x4.replace_lane(quantumV, 2, quantum);
          } else {
            minNormalV = i32x4.replace_lane(minNormalV, 3, minNormalBits); maxV = i32x4.replace_lane(maxV, 3, maxBits);
            posLimitV = i32x4.replace_lane(posLimitV, 3, posLimit); negLimitV = i32x4.replace_lane(negLimitV, 3, negLimit);
            infV = i32x4.replace_lane(infV, 3, infBits); flipV = i32x4.replace_lane(flipV, 3, flip);
            up1V = f32x4.replace_lane(up1V, 3, up1); up2V = f32x4.replace_lane(up2V, 3, up2); quantumV = f32x4.replace_lane(quantumV, 3, quantum);
          }
        }
        if (!fast) {
          for (let lane = 0; lane < 4; lane++) {
            mxColumn(src, dst, o, a0, count, q + lane, axisLength, inner, isFloat, man, bias, maxElem, saturate,
              propagateInf, hasInf, noNegZero, frac, qmin, qmax, target, scaleRounding, minExp, maxExp, emptyExp,
              poison, code, rbits, a, b, emin, special, specialBits, k, mask);
          }
          continue;
        }
        const hashBase = <u32>((o * inner + q) * axisLength + a0);
        for (let j = 0; j < count; j++) {
          const at = first + <usize>j * stride;
          let h = i32x4.splat(0);
          if (isRandom(code)) {
            const step = <u32>axisLength;
            h = i32x4(elementHash(a, b, hashBase + <u32>j), elementHash(a, b, hashBase + step + <u32>j),
              elementHash(a, b, hashBase + 2 * step + <u32>j), elementHash(a, b, hashBase + 3 * step + <u32>j));
          }
          const x = v128.load(at);
          const y = code == NEAREST && plain
            ? nearestSaturatingX4(x, k, half, notMaskV, minNormalV, maxV, up1V, up2V, quantumV)
            : floatX4(x, h, code, rbits, k, maskV, notMaskV, half, minNormalV, maxV, posLimitV, negLimitV, infV,
                noNegZero != 0, flipV, up1V, up2V, quantumV, true);
          v128.store(out + (at - first), y);
        }
      }
      for (; q < inner; q++) {
        mxColumn(src, dst, o, a0, count, q, axisLength, inner, isFloat, man, bias, maxElem, saturate, propagateInf,
          hasInf, noNegZero, frac, qmin, qmax, target, scaleRounding, minExp, maxExp, emptyExp, poison, code, rbits,
          a, b, emin, special, specialBits, k, mask);
      }
    }
  }
}

function stridedRowsNearest(
  src: usize, dst: usize, o: i32, a0: i32, count: i32, axisLength: i32, inner: i32, man: i32, bias: i32,
  maxElem: f64, hasInf: i32, target: f64, scaleRounding: i32, minExp: i32, maxExp: i32, emptyExp: i32, poison: i32,
  a: u32, b: u32, scratch: usize, scratchWidth: i32,
): i32 {
  return stridedRows(src, dst, o, a0, count, axisLength, inner, man, bias, maxElem, hasInf, target, scaleRounding,
    minExp, maxExp, emptyExp, poison, NEAREST, a, b, scratch, scratchWidth);
}

function stridedRowsStochastic(
  src: usize, dst: usize, o: i32, a0: i32, count: i32, axisLength: i32, inner: i32, man: i32, bias: i32,
  maxElem: f64, hasInf: i32, target: f64, scaleRounding: i32, minExp: i32, maxExp: i32, emptyExp: i32, poison: i32,
  a: u32, b: u32, scratch: usize, scratchWidth: i32,
): i32 {
  return stridedRows(src, dst, o, a0, count, axisLength, inner, man, bias, maxElem, hasInf, target, scaleRounding,
    minExp, maxExp, emptyExp, poison, STOCHASTIC, a, b, scratch, scratchWidth);
}

/**
 * quantizeMxStrided's blocks of one block row (positions a0 .. a0 + count of the axis, at outer
 * index o) for a plain float element (saturating, with -0 and mantissa bits) with nearest or
 * stochastic rounding (`code`, a constant: one function each, as the optimizer would merge
 * them), over the inner positions in groups of four: read and written row by row, whole rows
 * (a position at a time read one element of each of count rows, a cache line apart or more).
 * `scratch` (7 rows of scratchWidth words, positions a chunk at a time) holds each position's running largest
 * magnitude, then its block grid (blockExponentX4, and the grid's bits from X as the
 * lane-by-lane path computes them in float64: exact powers of two) and whether to keep it: four
 * blocks whose grid is not float32's, or holding NaN or Inf, are left as they are (x) and then
 * go block by block (mxColumn, reading x in place too). Returns the inner positions done.
 */
// @ts-ignore: decorator
@inline
function stridedRows(
  src: usize, dst: usize, o: i32, a0: i32, count: i32, axisLength: i32, inner: i32, man: i32, bias: i32,
  maxElem: f64, hasInf: i32, target: f64, scaleRounding: i32, minExp: i32, maxExp: i32, emptyExp: i32, poison: i32,
  code: i32, a: u32, b: u32, scratch: usize, scratchWidth: i32,
): i32 {
  const end = inner & ~3;
  const emin = 1 - bias;
  const k = 23 - man;
  const mask: u32 = (<u32>1 << k) - 1;
  const notMaskV = i32x4.splat(~mask), half = i32x4.splat(mask >> 1);
  const magnitude = i32x4.splat(0x7fffffff);
  const maxElemBits = reinterpret<u32>(<f32>maxElem);
  const aV = i32x4.splat(a), bV = i32x4.splat(b);
  const laneSteps = i32x4.mul(i32x4(0, 1, 2, 3), i32x4.splat(axisLength));
  const rowBytes = <usize>inner << 2, columns = <usize>end << 2;
  const chunk = <usize>(scratchWidth & ~3) << 2, scratchRow = <usize>scratchWidth << 2;
  const tops = scratch, minNormals = tops + scratchRow, maxima = minNormals + scratchRow, upsA = maxima + scratchRow;
  const upsB = upsA + scratchRow, quanta = upsB + scratchRow, keeps = quanta + scratchRow;
  // Positions c0 .. c0 + chunk at a time (bytes), as many as the scratch holds.
  for (let c0: usize = 0; c0 < columns; c0 += chunk) {
    const width = min<usize>(chunk, columns - c0);
    const first = src + <usize>(o * axisLength + a0) * rowBytes + c0;
    const out = dst + (first - src);
    for (let c: usize = 0; c < width; c += 16) v128.store(tops + c, v128.and(v128.load(first + c), magnitude));
    for (let j = 1; j < count; j++) {
      const row = first + <usize>j * rowBytes;
      for (let c: usize = 0; c < width; c += 16) {
        v128.store(tops + c, i32x4.max_u(v128.load(tops + c), v128.and(v128.load(row + c), magnitude)));
      }
    }
    let slow = false;
    for (let c: usize = 0; c < width; c += 16) {
      const top = v128.load(tops + c);
      const X = blockExponentX4(top, target, scaleRounding, minExp, maxExp, emptyExp);
      const fast = gridIsFloat32(top, X, emin, maxElemBits);
      const s = i32x4.sub(i32x4.splat(man - emin), X);
      v128.store(minNormals + c, pow2X4(i32x4.add(X, i32x4.splat(emin))));
      v128.store(maxima + c, i32x4.add(i32x4.splat(maxElemBits), i32x4.shl(X, 23)));
      v128.store(upsA + c, pow2X4(i32x4.shr_s(i32x4.add(s, i32x4.splat(1)), 1)));
      v128.store(upsB + c, pow2X4(i32x4.shr_s(s, 1)));
      v128.store(quanta + c, quantumX4(s));
      v128.store(keeps + c, i32x4.splat(fast ? 0 : -1));
      if (!fast) slow = true;
    }
    const q0 = <i32>(c0 >> 2);
    for (let j = 0; j < count; j++) {
      const row = first + <usize>j * rowBytes, y = out + <usize>j * rowBytes;
      // Element (o, a0 + j, q)'s hash index: (o * inner + q) * axisLength + a0 + j.
      let index = i32x4.add(i32x4.splat((o * inner + q0) * axisLength + a0 + j), laneSteps);
      const step = i32x4.splat(4 * axisLength);
      for (let c: usize = 0; c < width; c += 16) {
        const x = v128.load(row + c);
        const q = code == NEAREST
          ? nearestSaturatingX4(x, k, half, notMaskV, v128.load(minNormals + c), v128.load(maxima + c),
              v128.load(upsA + c), v128.load(upsB + c), v128.load(quanta + c))
          : stochasticSaturatingX4(x, elementHashAtX4(aV, bV, index), k, notMaskV, v128.load(minNormals + c),
              v128.load(maxima + c), v128.load(upsA + c), v128.load(upsB + c), v128.load(quanta + c));
        v128.store(y + c, slow ? v128.bitselect(x, q, v128.load(keeps + c)) : q);
        index = i32x4.add(index, step);
      }
    }
    if (slow) {
      for (let q = 0; q < <i32>(width >> 2); q++) {
        if (load<i32>(keeps + (<usize>q << 2)) == 0) continue;
        // (A plain element: saturating, Inf not propagated, with -0; a float element: no frac, qmin, qmax.)
        mxColumn(src, dst, o, a0, count, q0 + q, axisLength, inner, 1, man, bias, maxElem, 1, 0, hasInf, 0, 0, 0, 0,
          target, scaleRounding, minExp, maxExp, emptyExp, poison, code, 0, a, b, emin, hasInf ? Infinity : NaN,
          hasInf ? 0x7f800000 : 0x7fc00000, k, mask);
      }
    }
  }
  return end;
}

/** blockExponent of four blocks' largest finite magnitudes `top` (float32 bits), lane by lane. */
// @ts-ignore: decorator
@inline
function blockExponentX4(top: v128, target: f64, scaleRounding: i32, minExp: i32, maxExp: i32, emptyExp: i32): v128 {
  const low = exponentX2(f64x2.promote_low_f32x4(top), target, scaleRounding);
  const high = exponentX2(f64x2.promote_low_f32x4(i32x4.shuffle(top, top, 2, 3, 0, 1)), target, scaleRounding);
  const X = i32x4.min_s(i32x4.splat(maxExp), i32x4.max_s(i32x4.splat(minExp), i32x4.shuffle(low, high, 0, 2, 4, 6)));
  return v128.bitselect(i32x4.splat(emptyExp), X, i32x4.eq(top, i32x4.splat(0)));
}

/** blockExponent's unclamped exponent of two positive float64 maxima m (lanes of i64). */
// @ts-ignore: decorator
@inline
function exponentX2(m: v128, target: f64, scaleRounding: i32): v128 {
  const r = f64x2.div(m, f64x2.splat(target));
  let e = i64x2.sub(i64x2.shr_u(r, 52), i64x2.splat(1023)); // floorLog2(r)
  if (scaleRounding == 1) {
    // r > 2^e: r has mantissa bits (a comparison true is -1).
    e = i64x2.sub(e, v128.not(i64x2.eq(v128.and(r, i64x2.splat(0xfffffffffffff)), i64x2.splat(0))));
  } else if (scaleRounding == 2) {
    e = i64x2.sub(e, f64x2.ge(f64x2.mul(r, r), i64x2.shl(i64x2.add(i64x2.add(e, e), i64x2.splat(1024)), 52)));
  }
  return e;
}

/** Lanes whose block grid under exponent X is float32's (as quantizeMx tests it), all four, and no NaN or Inf. */
// @ts-ignore: decorator
@inline
function gridIsFloat32(top: v128, X: v128, emin: i32, maxElemBits: u32): bool {
  const finite = i32x4.lt_s(top, i32x4.splat(0x7f800000));
  const normal = i32x4.ge_s(X, i32x4.splat(-126 - emin));
  const inRange = i32x4.le_s(i32x4.add(X, i32x4.splat(maxElemBits >> 23)), i32x4.splat(254));
  return i32x4.all_true(v128.and(finite, v128.and(normal, inRange)));
}

/** float32 bits of 2^e (normal: e in [-126, 127]), lane by lane. */
// @ts-ignore: decorator
@inline
function pow2X4(e: v128): v128 {
  return i32x4.shl(i32x4.add(e, i32x4.splat(127)), 23);
}

/** The subnormal quantum 2^-s (s <= 149: below 2^-126 a float32 subnormal, 2^(64 - s) * 2^-64 exactly). */
// @ts-ignore: decorator
@inline
function quantumX4(s: v128): v128 {
  const normal = pow2X4(i32x4.sub(i32x4.splat(0), s));
  const tiny = f32x4.mul(pow2X4(i32x4.sub(i32x4.splat(64), s)), f32x4.splat(5.421010862427522e-20));
  return v128.bitselect(normal, tiny, i32x4.le_s(s, i32x4.splat(126)));
}

/** One block of quantizeMxStrided (at inner position q), element by element. */
function mxColumn(
  src: usize, dst: usize, o: i32, a0: i32, count: i32, q: i32, axisLength: i32, inner: i32, isFloat: i32, man: i32,
  bias: i32, maxElem: f64, saturate: i32, propagateInf: i32, hasInf: i32, noNegZero: i32, frac: i32, qmin: f64,
  qmax: f64, target: f64, scaleRounding: i32, minExp: i32, maxExp: i32, emptyExp: i32, poison: i32, code: i32,
  rbits: i32, a: u32, b: u32, emin: i32, special: f64, specialBits: u32, k: i32, mask: u32,
): void {
  const stride = <usize>inner << 2;
  const first = src + ((<usize>(o * axisLength + a0) * <usize>inner + <usize>q) << 2);
  const out = dst + (first - src);
  const hashBase = <u32>((o * inner + q) * axisLength + a0);
  let top: u32 = 0,
    found = false;
  for (let j = 0; j < count; j++) {
    const mag = load<u32>(first + <usize>j * stride) & 0x7fffffff;
    if (mag >= 0x7f800000) found = true;
    else if (mag > top) top = mag;
  }
  if (poison && found) {
    for (let j = 0; j < count; j++) store<f32>(out + <usize>j * stride, NaN);
    return;
  }
  const X = blockExponent(<f64>reinterpret<f32>(top), target, scaleRounding, minExp, maxExp, emptyExp);
  if (!isFloat) {
    const up = pow2(frac - X),
      down = pow2(X - frac);
    for (let j = 0; j < count; j++) {
      const h = isRandom(code) ? elementHash(a, b, hashBase + <u32>j) : 0;
      const v = round64(<f64>load<f32>(first + <usize>j * stride) * up, code, h, rbits);
      store<f32>(out + <usize>j * stride, <f32>((v < qmin ? qmin : v > qmax ? qmax : v) * down));
    }
    return;
  }
  const scale = pow2(X);
  const blockMaxValue = maxElem * scale;
  if (emin + X >= -126 && blockMaxValue <= FLT_MAX) {
    const maxBits = reinterpret<u32>(<f32>blockMaxValue);
    const overflowBits: u32 = saturate ? maxBits : specialBits;
    const infBits: u32 = saturate && !propagateInf ? maxBits : specialBits;
    const posLimit: u32 = code == ZERO || code == FLOOR ? maxBits : overflowBits;
    const negLimit: u32 = code == ZERO || code == UP ? maxBits : overflowBits;
    const s = man - emin - X;
    const flip: u32 = man == 0 ? <u32>((X + 127 - bias) & 1) : 0;
    const minNormalBits = reinterpret<u32>(<f32>pow2(emin + X));
    const quantum = <f32>pow2(-s),
      up1 = <f32>pow2((s + 1) >> 1),
      up2 = <f32>pow2(s >> 1);
    for (let j = 0; j < count; j++) {
      const h = isRandom(code) ? elementHash(a, b, hashBase + <u32>j) : 0;
      store<u32>(out + <usize>j * stride, float1(load<u32>(first + <usize>j * stride), h, code, rbits, k, mask,
        minNormalBits, maxBits, posLimit, negLimit, infBits, noNegZero != 0, flip, up1, up2, quantum));
    }
    return;
  }
  const unscale = pow2(-X);
  const overflow: f64 = saturate ? maxElem : special;
  const inf: f64 = saturate && !propagateInf ? maxElem : special;
  for (let j = 0; j < count; j++) {
    const h = isRandom(code) ? elementHash(a, b, hashBase + <u32>j) : 0;
    const z = <f64>load<f32>(first + <usize>j * stride) * unscale;
    const v = roundFloatElement(z, code, rbits, h, man, bias, pow2(emin), maxElem, overflow, inf, pow2(emin - man));
    store<f32>(out + <usize>j * stride, noNegZero && v == 0 ? 0 : <f32>(v * scale));
  }
}
