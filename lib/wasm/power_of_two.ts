// Power-of-two (logarithmic) quantization: y = sign(x) * 2^e with e in [minExp, maxExp], or 0.
//   nearest     e = round(log2 |x|): up from 2^floor(log2|x|) iff |x| > sqrt(2) * 2^floor, i.e.
//               the mantissa field >= 0x3504f4 (sqrt 2 is irrational: no ties). Below 2^minExp,
//               |x| < 2^(minExp - 1/2) gives 0.
//   stochastic  unbiased in the linear domain: between 2^e and 2^(e+1) up with probability
//               (|x| - 2^e) / 2^e (the mantissa's 23 bits plus the hash's top 23 carry); below
//               2^minExp, 2^minExp with probability |x| / 2^minExp (u < that ratio), else 0.
//   zero        2^floor(log2|x|); below 2^minExp, 0.   floor   zero for x > 0, away for x < 0.
// Above 2^maxExp: saturates to 2^maxExp. NaN stays NaN. Float32 subnormal inputs count as
// below 2^minExp (minExp >= -126). Stochastic rounding's u = (h >>> 8) * 2^-24 as in
// lib/wasm/rounding.ts, compared with the exact ratio.
//
// ap2: QNN's AP2(x) = sign(x) * 2^round(log2 |x|) over the whole float32 range, subnormals
// included, decided on the bits (no log): up from 2^e iff |x| > sqrt(2) * 2^e. A result past
// float32's largest power of two (|x| > sqrt(2) * 2^127) is +-Inf, as 2^128 is in float32.
// +-0, +-Inf and NaN stay as they are.
import { elementHash } from "./random";
import { FLOOR, NEAREST, STOCHASTIC, ZERO } from "./rounding";

const SQRT2_MANTISSA: u32 = 0x3504f4;

export function quantizePowerOfTwo(
  src: usize, dst: usize, n: i32, minExp: i32, maxExp: i32, mode: i32, a: u32, b: u32,
): void {
  const maxBits = <u32>(maxExp + 127) << 23;
  const minBits = <u32>(minExp + 127) << 23;
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const bits = load<u32>(src + at);
    const sign = bits & 0x80000000;
    const mag = bits & 0x7fffffff;
    if (mag > 0x7f800000) {
      store<u32>(dst + at, bits);
      continue;
    }
    const h = mode == STOCHASTIC ? elementHash(a, b, <u32>i) : 0;
    const awayFromZero = mode == FLOOR && sign != 0;
    let out: u32;
    if (mag >= minBits) {
      const mantissa = mag & 0x7fffff;
      let up = false;
      if (mode == NEAREST) up = mantissa >= SQRT2_MANTISSA;
      else if (mode == STOCHASTIC) up = mantissa + (h >>> 9) >= 0x800000;
      else if (mode != ZERO && awayFromZero) up = mantissa != 0;
      out = (mag & 0x7f800000) + (up ? 0x800000 : 0);
      if (out > maxBits) out = maxBits;
    } else {
      // Exact in float64 (in float32 it can underflow when minExp is large).
      const ratio = <f64>reinterpret<f32>(mag) / <f64>reinterpret<f32>(minBits);
      let up = false;
      if (mode == NEAREST) up = ratio > 0.7071067811865476; // > 2^-1/2 (irrational: no ties)
      else if (mode == STOCHASTIC) up = <f64>(h >>> 8) * 5.9604644775390625e-8 < ratio;
      else if (awayFromZero) up = mag != 0;
      out = up ? minBits : 0;
    }
    store<u32>(dst + at, sign | out);
  }
}

export function ap2(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const bits = load<u32>(src + at);
    const mag = bits & 0x7fffffff;
    let out = mag;
    if (mag >= 0x00800000 && mag < 0x7f800000) {
      // Normal: the exponent field plus one when the mantissa is past sqrt(2) (a carry out of
      // the largest exponent gives the bits of Inf).
      out = (mag & 0x7f800000) + ((mag & 0x7fffff) >= SQRT2_MANTISSA ? 0x800000 : 0);
    } else if (mag != 0 && mag < 0x00800000) {
      // Subnormal m * 2^-149: 2^e <= m < 2^(e+1); up iff m > sqrt(2) * 2^e, i.e. m^2 > 2^(2e+1).
      const e = 31 - <u32>clz<u32>(mag);
      const up: u32 = <u64>mag * <u64>mag > (<u64>1 << (2 * e + 1)) ? 1 : 0;
      out = <u32>1 << (e + up); // 1 << 23 is 2^-126, the smallest normal
    }
    store<u32>(dst + at, (bits & 0x80000000) | out);
  }
}
