// Power-of-two (logarithmic) quantization: y = sign(x) * 2^e with e in [minExp, maxExp], or 0.
//   nearest     e = round(log2 |x|): up from 2^floor(log2|x|) iff |x| > sqrt(2) * 2^floor, i.e.
//               the mantissa field >= 0x3504f4 (sqrt 2 is irrational: no ties). Below 2^minExp,
//               |x| < 2^(minExp - 1/2) gives 0.
//   stochastic  unbiased in the linear domain: between 2^e and 2^(e+1) up with probability
//               (|x| - 2^e) / 2^e (the mantissa's 23 bits plus the hash's top 23 carry); below
//               2^minExp, 2^minExp with probability |x| / 2^minExp (u < that ratio), else 0.
//   zero        2^floor(log2|x|); below 2^minExp, 0.   floor   zero for x > 0, away for x < 0.
// Above 2^maxExp: saturates to 2^maxExp. NaN stays NaN. Float32 subnormal inputs count as
// below 2^minExp (minExp >= -126).
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
      const ratio = reinterpret<f32>(mag) / reinterpret<f32>(minBits); // exact: a power of two
      let up = false;
      if (mode == NEAREST) up = reinterpret<u32>(ratio) >= 0x3f3504f4; // ratio > 2^-1/2 (no ties)
      else if (mode == STOCHASTIC) up = <f32><i32>(h >>> 8) * <f32>5.9604644775390625e-8 < ratio;
      else if (awayFromZero) up = mag != 0;
      out = up ? minBits : 0;
    }
    store<u32>(dst + at, sign | out);
  }
}
