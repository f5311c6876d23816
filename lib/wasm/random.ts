// The per-element half of lib/core/random.ts's hash32(seed, stream, counter): the key words
// a and b depend only on (seed, stream) and are computed once per call in JavaScript.
// Must stay bit-identical to hash32: test/quant/quantize.test.ts checks stochastic rounding
// bit for bit against a reference that calls hash32.

// @ts-ignore: decorator
@inline
function lowbias32(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x7feb352d;
  x ^= x >>> 15;
  x *= 0x846ca68b;
  x ^= x >>> 16;
  return x;
}

// @ts-ignore: decorator
@inline
function triple32(x: u32): u32 {
  x ^= x >>> 17;
  x *= 0xed5ad4bb;
  x ^= x >>> 11;
  x *= 0xac4c1b51;
  x ^= x >>> 15;
  x *= 0x31848bab;
  x ^= x >>> 14;
  return x;
}

/** hash32(seed, stream, counter) given a = key word 1 and b = key word 2 of (seed, stream). */
// @ts-ignore: decorator
@inline
export function hashKeyed(a: u32, b: u32, counter: u32): u32 {
  return lowbias32(triple32(counter ^ a) ^ b);
}

// The same hash on four counters at once (lanes of a v128 of u32).
// @ts-ignore: decorator
@inline
function lowbias32x4(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x7feb352d));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(0x846ca68b));
  x = v128.xor(x, i32x4.shr_u(x, 16));
  return x;
}

// @ts-ignore: decorator
@inline
function triple32x4(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 17));
  x = i32x4.mul(x, i32x4.splat(0xed5ad4bb));
  x = v128.xor(x, i32x4.shr_u(x, 11));
  x = i32x4.mul(x, i32x4.splat(0xac4c1b51));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(0x31848bab));
  x = v128.xor(x, i32x4.shr_u(x, 14));
  return x;
}

/** hashKeyed for the four counters in `counters`; a and b splatted. */
// @ts-ignore: decorator
@inline
export function hashKeyedX4(a: v128, b: v128, counters: v128): v128 {
  return lowbias32x4(v128.xor(triple32x4(v128.xor(counters, a)), b));
}
