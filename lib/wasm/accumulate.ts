// The exact path of lowbit's accumulator emulator (lib/accum/rounding.ts sumLanes, which stays
// the JavaScript reference): the same float64 operations in the same order, so the same bits.
// In JavaScript each stochastic step paid for hash32 and a boxed double; here four lanes share
// one SIMD hash of their four counters, and every step is unboxed f64 arithmetic.
// Rounding codes as lib/accum/rounding.ts: 0 nearest, 1 toward zero, 2 stochastic.
//
// Pointers are byte offsets: terms and sums f64; base, counter0, keyA, keyB one i32 per lane;
// table the binade table of the format, three f64 arrays of 2048 (q, 1 / q, C) indexed by the
// exponent field of t, q = 0 where the general step is needed.

import { keyedHash32, keyedHash32X4 } from "./random";

const NEAREST = 0, ZERO = 1, STOCHASTIC = 2;
const TWO_POW_52: f64 = 4503599627370496.0;
const TWO_POW_MINUS_32: f64 = 2.3283064365386963e-10;
const SCALED_BINADE = 960;
const UNBOUNDED_EMIN = -1022;
const TABLE: usize = 2048 << 3;

/** 2^k for -1074 <= k <= 1023 (subnormal powers included). */
// @ts-ignore: decorator
@inline
function pow2(k: i32): f64 {
  return k >= -1022 ? reinterpret<f64>(<u64>(k + 1023) << 52) : reinterpret<f64>(<u64>1 << <u64>(k + 1074));
}

/**
 * generalStep of lib/accum/rounding.ts: round(s + v), t = fl(s + v), in every case (inexact
 * sums, zero, Inf, NaN, powers of two, the scaled top binades, a bounded exponent).
 */
function generalStep(mode: i32, m: i32, emin: i32, maxFinite: f64, s: f64, v: f64, t: f64, a: u32, b: u32, counter: u32): f64 {
  if (t != t) return t;
  if (t == Infinity || t == -Infinity) {
    if (s == t || v == t) return t; // an infinite term stays infinite
    return maxFinite == Infinity ? t : copysign<f64>(maxFinite, t); // finite overflow
  }
  if (t == 0) return t;
  const bv = t - s;
  const err = (s - (t - bv)) + (v - bv);
  const bits = reinterpret<u64>(t);
  const high = <u32>(bits >>> 32), low = <u32>bits, field = <i32>((high >>> 20) & 0x7ff);
  let binade = field == 0 ? UNBOUNDED_EMIN - 1 : field - 1023;
  // t a power of two and x just inside it: x lies in the binade below, whose step is half.
  if (field != 0 && low == 0 && (high & 0xfffff) == 0 && err != 0 && (err < 0) != (t < 0)) binade -= 1;
  const e = max(binade, emin);
  let q = pow2(e - m), ts = t, es = err, scale: f64 = 1;
  if (e >= SCALED_BINADE) {
    // Scaled by 2^-64 (exact); an err too small to scale exactly only matters by its sign.
    scale = 18446744073709551616.0;
    ts = t * 5.421010862427522e-20;
    q *= 5.421010862427522e-20;
    es = abs(err) >= pow2(-900) ? err * 5.421010862427522e-20 : (err == 0 ? err : copysign<f64>(5e-324, err));
  }
  const C = 1.5 * TWO_POW_52 * q;
  const g = (ts + C) - C;
  const r0 = ts - g;
  let k: f64;
  if (mode == STOCHASTIC) {
    const uq = <f64>keyedHash32(counter, a, b) * (q * TWO_POW_MINUS_32);
    k = (r0 - uq) + es > 0 ? 1 : (r0 - (uq - q)) + es > 0 ? 0 : -1;
  } else if (mode == ZERO) {
    const w = r0 + es;
    k = t > 0 ? (w < 0 ? -1 : 0) : (w > 0 ? 1 : 0);
  } else {
    k = (r0 - q / 2) + es > 0 ? 1 : (r0 + q / 2) + es < 0 ? -1 : 0;
  }
  const r = (g + k * q) * scale;
  return r > maxFinite ? maxFinite : r < -maxFinite ? -maxFinite : r;
}

/**
 * One step round(s + v) given the draw u (stochastic) of this step: the branch-free fast step
 * of sumFour (lib/accum/rounding.ts) when t = fl(s + v) is exact and its binade is in the
 * table, else generalStep.
 */
// @ts-ignore: decorator
@inline
function step(
  mode: i32, direct: bool, m: i32, emin: i32, maxFinite: f64, table: usize,
  s: f64, v: f64, u: f64, a: u32, b: u32, counter: u32,
): f64 {
  const t = s + v;
  const at = <usize>((reinterpret<u64>(t) >>> 52) & 0x7ff) << 3;
  const q = load<f64>(table + at);
  if (t - s == v && t - v == s && q > 0) {
    const inverse = load<f64>(table + TABLE + at);
    if (mode == STOCHASTIC) {
      if (direct) return Math.ceil(t * inverse - u) * q;
      const C = load<f64>(table + 2 * TABLE + at);
      const g = (t + C) - C;
      return g + Math.ceil((t - g) * inverse - u) * q;
    }
    if (mode == ZERO) return Math.trunc(t * inverse) * q;
    const C = load<f64>(table + 2 * TABLE + at);
    return (t + C) - C;
  }
  return generalStep(mode, m, emin, maxFinite, s, v, t, a, b, counter);
}

/** Steps per block of the interleaved loops: the block's draws are computed first, into `draws`. */
const BLOCK = 128;

/**
 * sumLanes of lib/accum/rounding.ts: lane l adds terms[base[l] + i stride], i < length, to
 * sums[l], drawing counter counter0[l] + i (mod 2^32) of the stream keyed (keyA[l], keyB[l]).
 * direct: mantissaBits <= 20 (DIRECT_MAX_MANTISSA of rounding.ts). draws: scratch of 8 BLOCK
 * f64 (8 KiB), 16-byte aligned.
 */
export function accumulateLanes(
  terms: usize, base: usize, stride: i32, counter0: usize, keyA: usize, keyB: usize, lanes: i32,
  length: i32, sums: usize, table: usize, mode: i32, mantissaBits: i32, emin: i32, maxFinite: f64,
  direct: i32, draws: usize,
): void {
  // One loop per rounding: with the mode a constant, the optimizer drops the other branches.
  if (mode == STOCHASTIC) {
    if (direct) lanesLoop(terms, base, stride, counter0, keyA, keyB, lanes, length, sums, table, STOCHASTIC, true, mantissaBits, emin, maxFinite, draws);
    else lanesLoop(terms, base, stride, counter0, keyA, keyB, lanes, length, sums, table, STOCHASTIC, false, mantissaBits, emin, maxFinite, draws);
  } else if (mode == ZERO) lanesLoop(terms, base, stride, counter0, keyA, keyB, lanes, length, sums, table, ZERO, false, mantissaBits, emin, maxFinite, draws);
  else lanesLoop(terms, base, stride, counter0, keyA, keyB, lanes, length, sums, table, NEAREST, false, mantissaBits, emin, maxFinite, draws);
}

/**
 * The draws u = hash / 2^32 of `count` steps of four lanes (counters `counter` at the first),
 * lane k's u of step i at draws[i W + k]: a separate loop, so that the hash's long multiply
 * chains overlap each other instead of stalling the rounding chains.
 */
// @ts-ignore: decorator
@inline
function fillDraws(counter: v128, A: v128, B: v128, count: i32, draws: usize, rowBytes: usize): void {
  const scale = f64x2.splat(TWO_POW_MINUS_32);
  let at = draws;
  for (let i = 0; i < count; i++) {
    const h = keyedHash32X4(i32x4.add(counter, i32x4.splat(i)), A, B);
    v128.store(at, f64x2.mul(f64x2.convert_low_i32x4_u(h), scale));
    v128.store(at, f64x2.mul(f64x2.convert_low_i32x4_u(i32x4.shuffle(h, h, 2, 3, 2, 3)), scale), 16);
    at += rowBytes;
  }
}

/** Lanes l .. l + 7 of lanesLoop, interleaved: 8 independent dependency chains. */
// @ts-ignore: decorator
@inline
function lanes8(
  terms: usize, base: usize, step8: usize, counter0: usize, keyA: usize, keyB: usize, l: i32,
  length: i32, sums: usize, table: usize, mode: i32, direct: bool, m: i32, emin: i32, maxFinite: f64,
  draws: usize,
): void {
  const L = <usize>l << 2;
  const A0 = v128.load(keyA + L, 0), B0 = v128.load(keyB + L, 0), C0 = v128.load(counter0 + L, 0);
  const A1 = v128.load(keyA + L, 16), B1 = v128.load(keyB + L, 16), C1 = v128.load(counter0 + L, 16);
  const a0 = <u32>i32x4.extract_lane(A0, 0), b0 = <u32>i32x4.extract_lane(B0, 0), c0 = <u32>i32x4.extract_lane(C0, 0);
  const a1 = <u32>i32x4.extract_lane(A0, 1), b1 = <u32>i32x4.extract_lane(B0, 1), c1 = <u32>i32x4.extract_lane(C0, 1);
  const a2 = <u32>i32x4.extract_lane(A0, 2), b2 = <u32>i32x4.extract_lane(B0, 2), c2 = <u32>i32x4.extract_lane(C0, 2);
  const a3 = <u32>i32x4.extract_lane(A0, 3), b3 = <u32>i32x4.extract_lane(B0, 3), c3 = <u32>i32x4.extract_lane(C0, 3);
  const a4 = <u32>i32x4.extract_lane(A1, 0), b4 = <u32>i32x4.extract_lane(B1, 0), c4 = <u32>i32x4.extract_lane(C1, 0);
  const a5 = <u32>i32x4.extract_lane(A1, 1), b5 = <u32>i32x4.extract_lane(B1, 1), c5 = <u32>i32x4.extract_lane(C1, 1);
  const a6 = <u32>i32x4.extract_lane(A1, 2), b6 = <u32>i32x4.extract_lane(B1, 2), c6 = <u32>i32x4.extract_lane(C1, 2);
  const a7 = <u32>i32x4.extract_lane(A1, 3), b7 = <u32>i32x4.extract_lane(B1, 3), c7 = <u32>i32x4.extract_lane(C1, 3);
  let p0 = terms + (<usize>load<i32>(base + L, 0) << 3);
  let p1 = terms + (<usize>load<i32>(base + L, 4) << 3);
  let p2 = terms + (<usize>load<i32>(base + L, 8) << 3);
  let p3 = terms + (<usize>load<i32>(base + L, 12) << 3);
  let p4 = terms + (<usize>load<i32>(base + L, 16) << 3);
  let p5 = terms + (<usize>load<i32>(base + L, 20) << 3);
  let p6 = terms + (<usize>load<i32>(base + L, 24) << 3);
  let p7 = terms + (<usize>load<i32>(base + L, 28) << 3);
  const S = sums + (<usize>l << 3);
  let s0 = load<f64>(S, 0);
  let s1 = load<f64>(S, 8);
  let s2 = load<f64>(S, 16);
  let s3 = load<f64>(S, 24);
  let s4 = load<f64>(S, 32);
  let s5 = load<f64>(S, 40);
  let s6 = load<f64>(S, 48);
  let s7 = load<f64>(S, 56);
  for (let start = 0; start < length; start += BLOCK) {
    const end = min(length, start + BLOCK);
    if (mode == STOCHASTIC) {
      const from = i32x4.splat(start);
      fillDraws(i32x4.add(C0, from), A0, B0, end - start, draws + 0, 64);
      fillDraws(i32x4.add(C1, from), A1, B1, end - start, draws + 32, 64);
    }
    let d = draws;
    for (let i = start; i < end; i++) {
      const u0: f64 = mode == STOCHASTIC ? load<f64>(d, 0) : 0;
      const u1: f64 = mode == STOCHASTIC ? load<f64>(d, 8) : 0;
      const u2: f64 = mode == STOCHASTIC ? load<f64>(d, 16) : 0;
      const u3: f64 = mode == STOCHASTIC ? load<f64>(d, 24) : 0;
      const u4: f64 = mode == STOCHASTIC ? load<f64>(d, 32) : 0;
      const u5: f64 = mode == STOCHASTIC ? load<f64>(d, 40) : 0;
      const u6: f64 = mode == STOCHASTIC ? load<f64>(d, 48) : 0;
      const u7: f64 = mode == STOCHASTIC ? load<f64>(d, 56) : 0;
      if (mode == STOCHASTIC) d += 64;
      s0 = step(mode, direct, m, emin, maxFinite, table, s0, load<f64>(p0), u0, a0, b0, c0 + <u32>i);
      s1 = step(mode, direct, m, emin, maxFinite, table, s1, load<f64>(p1), u1, a1, b1, c1 + <u32>i);
      s2 = step(mode, direct, m, emin, maxFinite, table, s2, load<f64>(p2), u2, a2, b2, c2 + <u32>i);
      s3 = step(mode, direct, m, emin, maxFinite, table, s3, load<f64>(p3), u3, a3, b3, c3 + <u32>i);
      s4 = step(mode, direct, m, emin, maxFinite, table, s4, load<f64>(p4), u4, a4, b4, c4 + <u32>i);
      s5 = step(mode, direct, m, emin, maxFinite, table, s5, load<f64>(p5), u5, a5, b5, c5 + <u32>i);
      s6 = step(mode, direct, m, emin, maxFinite, table, s6, load<f64>(p6), u6, a6, b6, c6 + <u32>i);
      s7 = step(mode, direct, m, emin, maxFinite, table, s7, load<f64>(p7), u7, a7, b7, c7 + <u32>i);
      p0 += step8; p1 += step8; p2 += step8; p3 += step8; p4 += step8; p5 += step8; p6 += step8; p7 += step8;
    }
  }
  store<f64>(S, s0, 0); store<f64>(S, s1, 8); store<f64>(S, s2, 16); store<f64>(S, s3, 24); store<f64>(S, s4, 32); store<f64>(S, s5, 40); store<f64>(S, s6, 48); store<f64>(S, s7, 56);
}

/** Lanes l .. l + 3 of lanesLoop, interleaved: 4 independent dependency chains. */
// @ts-ignore: decorator
@inline
function lanes4(
  terms: usize, base: usize, step8: usize, counter0: usize, keyA: usize, keyB: usize, l: i32,
  length: i32, sums: usize, table: usize, mode: i32, direct: bool, m: i32, emin: i32, maxFinite: f64,
  draws: usize,
): void {
  const L = <usize>l << 2;
  const A0 = v128.load(keyA + L, 0), B0 = v128.load(keyB + L, 0), C0 = v128.load(counter0 + L, 0);
  const a0 = <u32>i32x4.extract_lane(A0, 0), b0 = <u32>i32x4.extract_lane(B0, 0), c0 = <u32>i32x4.extract_lane(C0, 0);
  const a1 = <u32>i32x4.extract_lane(A0, 1), b1 = <u32>i32x4.extract_lane(B0, 1), c1 = <u32>i32x4.extract_lane(C0, 1);
  const a2 = <u32>i32x4.extract_lane(A0, 2), b2 = <u32>i32x4.extract_lane(B0, 2), c2 = <u32>i32x4.extract_lane(C0, 2);
  const a3 = <u32>i32x4.extract_lane(A0, 3), b3 = <u32>i32x4.extract_lane(B0, 3), c3 = <u32>i32x4.extract_lane(C0, 3);
  let p0 = terms + (<usize>load<i32>(base + L, 0) << 3);
  let p1 = terms + (<usize>load<i32>(base + L, 4) << 3);
  let p2 = terms + (<usize>load<i32>(base + L, 8) << 3);
  let p3 = terms + (<usize>load<i32>(base + L, 12) << 3);
  const S = sums + (<usize>l << 3);
  let s0 = load<f64>(S, 0);
  let s1 = load<f64>(S, 8);
  let s2 = load<f64>(S, 16);
  let s3 = load<f64>(S, 24);
  for (let start = 0; start < length; start += BLOCK) {
    const end = min(length, start + BLOCK);
    if (mode == STOCHASTIC) {
      const from = i32x4.splat(start);
      fillDraws(i32x4.add(C0, from), A0, B0, end - start, draws + 0, 32);
    }
    let d = draws;
    for (let i = start; i < end; i++) {
      const u0: f64 = mode == STOCHASTIC ? load<f64>(d, 0) : 0;
      const u1: f64 = mode == STOCHASTIC ? load<f64>(d, 8) : 0;
      const u2: f64 = mode == STOCHASTIC ? load<f64>(d, 16) : 0;
      const u3: f64 = mode == STOCHASTIC ? load<f64>(d, 24) : 0;
      if (mode == STOCHASTIC) d += 32;
      s0 = step(mode, direct, m, emin, maxFinite, table, s0, load<f64>(p0), u0, a0, b0, c0 + <u32>i);
      s1 = step(mode, direct, m, emin, maxFinite, table, s1, load<f64>(p1), u1, a1, b1, c1 + <u32>i);
      s2 = step(mode, direct, m, emin, maxFinite, table, s2, load<f64>(p2), u2, a2, b2, c2 + <u32>i);
      s3 = step(mode, direct, m, emin, maxFinite, table, s3, load<f64>(p3), u3, a3, b3, c3 + <u32>i);
      p0 += step8; p1 += step8; p2 += step8; p3 += step8;
    }
  }
  store<f64>(S, s0, 0); store<f64>(S, s1, 8); store<f64>(S, s2, 16); store<f64>(S, s3, 24);
}

// @ts-ignore: decorator
@inline
function lanesLoop(
  terms: usize, base: usize, stride: i32, counter0: usize, keyA: usize, keyB: usize, lanes: i32,
  length: i32, sums: usize, table: usize, mode: i32, direct: bool, m: i32, emin: i32, maxFinite: f64,
  draws: usize,
): void {
  const step8 = <usize>stride << 3;
  let l = 0;
  // Eight, then four lanes at a time: each step's chain of about 25 cycles (add, exponent,
  // table load, rounding) overlaps seven others; the hash runs four lanes per SIMD word.
  for (; l + 8 <= lanes; l += 8) lanes8(terms, base, step8, counter0, keyA, keyB, l, length, sums, table, mode, direct, m, emin, maxFinite, draws);
  for (; l + 4 <= lanes; l += 4) lanes4(terms, base, step8, counter0, keyA, keyB, l, length, sums, table, mode, direct, m, emin, maxFinite, draws);
  for (; l < lanes; l++) {
    const L = <usize>l << 2;
    const a = load<u32>(keyA + L), b = load<u32>(keyB + L);
    let counter = load<u32>(counter0 + L);
    let p = terms + (<usize>load<i32>(base + L) << 3);
    let s = load<f64>(sums + (<usize>l << 3));
    for (let i = 0; i < length; i++) {
      const u = mode == STOCHASTIC ? <f64>keyedHash32(counter, a, b) * TWO_POW_MINUS_32 : 0;
      s = step(mode, direct, m, emin, maxFinite, table, s, load<f64>(p), u, a, b, counter);
      p += step8;
      counter++;
    }
    store<f64>(sums + (<usize>l << 3), s);
  }
}

/**
 * Products of lowPrecisionMatMul's exact path (lib/accum/matmul.ts): out[l K + k] =
 * round(a[k] * bt[l K + k]) for l < columns, k < K, a and bt float32, out f64. The rounding is
 * productRounding's (round to nearest even on the product format): Veltkamp's step with
 * splitter K_ for normals, the fixed grid (p + C) - C below minNormal, then the clamp to
 * maxFinite (overflow: maxFinite when saturating, else Inf); inRange (every product 0 or
 * normal, checked by the caller) skips the range checks.
 */
export function roundedProducts(
  a: usize, bt: usize, columns: i32, K: i32, out: usize, splitter: f64, inRange: i32,
  minNormal: f64, C: f64, maxFinite: f64, overflow: f64,
): void {
  const S = f64x2.splat(splitter);
  for (let l = 0; l < columns; l++) {
    const row = <usize>l * <usize>K;
    let k = 0;
    // In range, four products at a time: the same f64 operations on two lanes per v128.
    if (inRange) {
      for (; k + 4 <= K; k += 4) {
        const x = v128.load(a + (<usize>k << 2)), y = v128.load(bt + ((row + k) << 2));
        const xh = i32x4.shuffle(x, x, 2, 3, 2, 3), yh = i32x4.shuffle(y, y, 2, 3, 2, 3);
        const p0 = f64x2.mul(f64x2.promote_low_f32x4(x), f64x2.promote_low_f32x4(y));
        const p1 = f64x2.mul(f64x2.promote_low_f32x4(xh), f64x2.promote_low_f32x4(yh));
        const g0 = f64x2.mul(p0, S), g1 = f64x2.mul(p1, S);
        const at = out + ((row + k) << 3);
        v128.store(at, f64x2.sub(g0, f64x2.sub(g0, p0)));
        v128.store(at, f64x2.sub(g1, f64x2.sub(g1, p1)), 16);
      }
    }
    for (; k < K; k++) {
      const p = <f64>load<f32>(a + (<usize>k << 2)) * <f64>load<f32>(bt + ((row + k) << 2));
      let r: f64;
      if (inRange) {
        const g = p * splitter;
        r = g - (g - p);
      } else {
        const magnitude = abs(p);
        if (magnitude < minNormal) r = (p + C) - C;
        else if (magnitude == Infinity) r = p;
        else {
          const g = p * splitter;
          r = g - (g - p);
        }
        r = r > maxFinite ? overflow : r < -maxFinite ? -overflow : r;
      }
      store<f64>(out + ((row + k) << 3), r);
    }
  }
}
