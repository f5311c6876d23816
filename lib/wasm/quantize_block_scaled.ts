// Block-scaled quantizers over blocks of consecutive float32 elements (byte offsets src, dst;
// dst may equal src): OCP MX (a power-of-two scale per block, from the block's max) and NVFP4
// (an E4M3 scale per block under one FP32 scale per tensor). lib/quant/scaled/block_kernels.ts
// states the definitions and passes the parameters; element i's random word is
// elementHash(seed, stream, i) as in every quantizer.
import { floatRange } from "./float_rounding";
import { elementHash } from "./random";
import { FLOOR, isRandom, NEAREST, ODD, round64, STOCHASTIC, UP, ZERO } from "./rounding";

const FLT_MAX: f64 = 3.4028234663852886e38;

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

/** Largest finite |x| of elements [start, end), and whether one is NaN or +-Inf. */
// @ts-ignore: decorator
@inline
function blockMax(src: usize, start: i32, end: i32): u64 {
  let top: u32 = 0,
    special: u32 = 0;
  for (let i = start; i < end; i++) {
    const mag = load<u32>(src + (<usize>i << 2)) & 0x7fffffff;
    if (mag >= 0x7f800000) special = 1;
    else if (mag > top) top = mag;
  }
  return (<u64>special << 32) | <u64>top;
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
  const code = mode & 0xff, rbits = mode >> 8;
  const emin = 1 - bias;
  const special: f64 = hasInf ? Infinity : NaN;
  for (let start = 0; start < n; start += blockSize) {
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
      for (let i = start; i < end; i++) {
        const at = <usize>i << 2;
        const h = isRandom(code) ? elementHash(a, b, <u32>i) : 0;
        const q = round64(<f64>load<f32>(src + at) * up, code, h, rbits);
        store<f32>(dst + at, <f32>((q < qmin ? qmin : q > qmax ? qmax : q) * down)); // NaN passes
      }
      continue;
    }
    const scale = pow2(X);
    const blockMaxValue = maxElem * scale;
    if (emin + X >= -126 && blockMaxValue <= FLT_MAX) {
      const maxBits = reinterpret<u32>(<f32>blockMaxValue);
      const overflowBits: u32 = saturate ? maxBits : hasInf ? 0x7f800000 : 0x7fc00000;
      const infBits: u32 = saturate && !propagateInf ? maxBits : hasInf ? 0x7f800000 : 0x7fc00000;
      const s = man - emin - X; // 1 / quantum = 2^s, s <= 149 here
      floatRange(src, dst, start, end, man, reinterpret<u32>(<f32>pow2(emin + X)), maxBits, overflowBits,
        infBits, noNegZero != 0, man == 0 ? <u32>((X + 127 - bias) & 1) : 0, <f32>pow2(-s),
        <f32>pow2((s + 1) >> 1), <f32>pow2(s >> 1), mode, a, b);
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
 * NVFP4 with its two levels of scale: `tensorScale` S (float32, from the tensor's largest finite
 * |x|), per block of `blockSize` the raw scale r = float32(m / elemMax) (m the block's largest
 * finite |x|), stored as s = E4M3(float32(r / S)) (OCP E4M3, nearest even, saturating; the
 * scale format's parameters: scaleMan, scaleBias, scaleMax; r itself when S = 0), decode scale
 * d = float32(S * s); elements y = float32(d * Q(float32(x / d))), Q the float element (E2M1)
 * with the rounding `mode`; a block with d = 0 keeps x undivided: y = float32(0 * Q(x)).
 */
export function quantizeNvfp4(
  src: usize, dst: usize, n: i32, blockSize: i32, tensorScale: f32, elemMax: f32, man: i32, bias: i32,
  scaleMan: i32, scaleBias: i32, scaleMax: f32, mode: i32, a: u32, b: u32,
): void {
  const emin = 1 - bias;
  const s = man - emin; // the element's subnormal quantum 2^-s
  const elemMaxBits = reinterpret<u32>(elemMax);
  const minNormalBits = reinterpret<u32>(<f32>pow2(emin));
  const scaleEmin = 1 - scaleBias;
  const scaleS = scaleMan - scaleEmin;
  const scaleMaxBits = reinterpret<u32>(scaleMax);
  for (let start = 0; start < n; start += blockSize) {
    const end = min<i32>(n, start + blockSize);
    const m = reinterpret<f32>(<u32>blockMax(src, start, end));
    // The block scale through the same float kernel (one value, nearest, saturating, at dst);
    // a zero tensor scale (a tensor of tiny values) leaves r undivided, and d = 0.
    const first = dst + (<usize>start << 2);
    const saved = load<f32>(first);
    const r = m / elemMax;
    store<f32>(first, tensorScale > 0 ? r / tensorScale : r);
    floatRange(first, first, 0, 1, scaleMan, reinterpret<u32>(<f32>pow2(scaleEmin)), scaleMaxBits,
      scaleMaxBits, scaleMaxBits, false, 0, <f32>pow2(-scaleS), <f32>pow2((scaleS + 1) >> 1),
      <f32>pow2(scaleS >> 1), NEAREST, 0, 0);
    const d = tensorScale * load<f32>(first);
    store<f32>(first, saved);
    const code = mode & 0xff, rbits = mode >> 8;
    // Elements: z = x / d in place (dst), rounded in place, times d.
    for (let i = start; i < end; i++) {
      const at = <usize>i << 2;
      const x = load<f32>(src + at);
      store<f32>(dst + at, d > 0 ? x / d : x);
    }
    floatRange(dst, dst, start, end, man, minNormalBits, elemMaxBits, elemMaxBits, elemMaxBits, false,
      man == 0 ? <u32>((127 - bias) & 1) : 0, <f32>pow2(-s), <f32>pow2((s + 1) >> 1), <f32>pow2(s >> 1),
      code | (rbits << 8), a, b);
    for (let i = start; i < end; i++) {
      const at = <usize>i << 2;
      store<f32>(dst + at, d * load<f32>(dst + at));
    }
  }
}
