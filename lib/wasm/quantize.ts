// Element-wise quantizers over float32 arrays (byte offsets src, dst; dst may equal src).
// Rounding codes: 0 nearest (ties to even), 1 stochastic, 2 toward zero, 3 floor.
// Stochastic rounding of element i rounds up iff the dropped part's k bits plus the top k bits
// of hash32(seed, stream, i) carry, i.e. with probability exactly (dropped part) / 2^k.
import { hashKeyed } from "./random";

const NEAREST = 0;
const STOCHASTIC = 1;
const ZERO = 2;
const FLOOR = 3;

/**
 * q = round(x * 2^frac) clamped to [qmin, qmax], y = q * 2^-frac. For stochastic rounding the
 * fraction f = v - floor(v) (exact in float32) rounds up iff u < f, u = (hash >>> 8) * 2^-24.
 * NaN stays NaN; +-Inf saturate.
 */
export function quantizeFixed(
  src: usize, dst: usize, n: i32, scale: f32, invScale: f32, qmin: f32, qmax: f32,
  mode: i32, a: u32, b: u32,
): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const v = load<f32>(src + at) * scale;
    let q: f32;
    if (mode == NEAREST) q = nearest<f32>(v);
    else if (mode == ZERO) q = trunc<f32>(v);
    else if (mode == STOCHASTIC) {
      const fl = floor<f32>(v);
      const u = <f32><i32>(hashKeyed(a, b, <u32>i) >>> 8) * 5.9604644775390625e-8; // < 2^24: exact in float32
      q = u < v - fl ? fl + 1 : fl;
    } else q = floor<f32>(v);
    q = q < qmin ? qmin : q > qmax ? qmax : q; // NaN compares false and passes through
    store<f32>(dst + at, q * invScale);
  }
}

/**
 * Rounds float32 values to a float format with `man` explicit mantissa bits and exponents down
 * to emin (minNormalBits = bit pattern of 2^emin); values at or above the largest finite
 * (maxBits) become maxBits when saturating, else Inf. Below 2^emin, values are rounded to
 * multiples of `quantum` (2^(emin - man) with subnormals, 2^emin without).
 */
export function quantizeFloat(
  src: usize, dst: usize, n: i32, man: i32, minNormalBits: u32, maxBits: u32, saturate: i32,
  quantum: f64, invQuantum: f64, mode: i32, a: u32, b: u32,
): void {
  const k = 23 - man;
  const mask: u32 = (<u32>1 << k) - 1;
  const overflow: u32 = saturate ? maxBits : 0x7f800000;
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const bits = load<u32>(src + at);
    const sign = bits & 0x80000000;
    let mag = bits & 0x7fffffff;
    if (mag > 0x7f800000) {
      store<u32>(dst + at, bits); // NaN
      continue;
    }
    const up = mode == FLOOR && sign != 0; // floor rounds negative values away from zero
    if (mag >= minNormalBits) {
      if (mag == 0x7f800000) {
        mag = overflow;
      } else {
        if (k > 0) {
          if (mode == NEAREST) mag += (mask >> 1) + ((mag >> k) & 1);
          else if (mode == STOCHASTIC) mag += hashKeyed(a, b, <u32>i) >>> (32 - k);
          else if (up) mag += mask;
          mag &= ~mask;
        }
        if (mag > maxBits) mag = mode == NEAREST || mode == STOCHASTIC || up ? overflow : maxBits;
      }
      store<u32>(dst + at, sign | mag);
    } else {
      // In float64: 1 / quantum can exceed float32's range (2^149 for float32's own subnormals).
      const v = <f64>reinterpret<f32>(mag) * invQuantum;
      let q: f64;
      if (mode == NEAREST) q = nearest<f64>(v);
      else if (mode == STOCHASTIC) {
        const fl = floor<f64>(v);
        const u = <f64><i32>(hashKeyed(a, b, <u32>i) >>> 8) * 5.9604644775390625e-8;
        q = u < v - fl ? fl + 1 : fl;
      } else if (up) q = ceil<f64>(v);
      else q = floor<f64>(v);
      store<u32>(dst + at, sign | reinterpret<u32>(<f32>(q * quantum)));
    }
  }
}
