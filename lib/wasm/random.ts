// lib/core/random.ts's hashes in wasm: the per-element half of elementHash(seed, stream, i)
// (the quantizers) and keyedHash32 (the accumulator). The key words a and b depend only on
// (seed, stream) and are computed once per call in JavaScript.
// Must stay bit-identical to elementHash: test/quant/quantize.test.ts checks stochastic
// rounding bit for bit against a reference that calls elementHash.

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

// The same mixers on four words at once (lanes of a v128 of u32).
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

// Element i's random word in the quantizers (lib/core/random.ts elementHash): the strong mix of
// the counter (triple32) once per group of four elements, then lowbias32 per element on the
// group's word salted by the lane, i & 3: 2.75 multiplies per element where hash32 takes 5.
const SALT1: u32 = 0x9e3779b9, SALT2: u32 = 0x6a09e667, SALT3: u32 = 0xbb67ae85;

// @ts-ignore: decorator
@inline
function salt(lane: u32): u32 {
  return lane == 0 ? 0 : lane == 1 ? SALT1 : lane == 2 ? SALT2 : SALT3;
}

/** elementHash(seed, stream, i) given the key words a and b of (seed, stream). */
// @ts-ignore: decorator
@inline
export function elementHash(a: u32, b: u32, i: u32): u32 {
  return lowbias32(triple32((i >>> 2) ^ a) ^ b ^ salt(i & 3));
}

/**
 * The group words triple32(g ^ a) ^ b of the four groups of elements i .. i + 15 (i a multiple
 * of 16): lane j belongs to elements i + 4j .. i + 4j + 3.
 */
// @ts-ignore: decorator
@inline
export function groupWordsX4(a: v128, b: v128, i: i32): v128 {
  const groups = i32x4.add(i32x4.splat(i >>> 2), i32x4(0, 1, 2, 3));
  return v128.xor(triple32x4(v128.xor(groups, a)), b);
}

/** elementHash of the four elements of group `lane` of `words` (from groupWordsX4). */
// @ts-ignore: decorator
@inline
export function elementHashX4(words: v128, lane: i32): v128 {
  let w: v128;
  if (lane == 0) w = i32x4.shuffle(words, words, 0, 0, 0, 0);
  else if (lane == 1) w = i32x4.shuffle(words, words, 1, 1, 1, 1);
  else if (lane == 2) w = i32x4.shuffle(words, words, 2, 2, 2, 2);
  else w = i32x4.shuffle(words, words, 3, 3, 3, 3);
  return lowbias32x4(v128.xor(w, i32x4(0, SALT1, SALT2, SALT3)));
}

/** elementHash of four elements at any indices `i` (lanes of u32), lane by lane. */
// @ts-ignore: decorator
@inline
export function elementHashAtX4(a: v128, b: v128, i: v128): v128 {
  const lane = v128.and(i, i32x4.splat(3));
  const salts = v128.bitselect(
    i32x4.splat(SALT1),
    v128.bitselect(i32x4.splat(SALT2), v128.bitselect(i32x4.splat(SALT3), i32x4.splat(0), i32x4.eq(lane, i32x4.splat(3))), i32x4.eq(lane, i32x4.splat(2))),
    i32x4.eq(lane, i32x4.splat(1)),
  );
  return lowbias32x4(v128.xor(v128.xor(triple32x4(v128.xor(i32x4.shr_u(i, 2), a)), b), salts));
}

/**
 * keyedHash32 of lib/core/random.ts, lowbias32(triple32(counter ^ a) ^ b): the accumulator's
 * stochastic-rounding draws (lib/wasm/accumulate.ts); test/accum/exact_wasm.test.ts checks them
 * bit for bit against the JavaScript path.
 */
export function keyedHash32(counter: u32, a: u32, b: u32): u32 {
  return lowbias32(triple32(counter ^ a) ^ b);
}

/** keyedHash32 of four lanes. */
// @ts-ignore: decorator
@inline
export function keyedHash32X4(counter: v128, a: v128, b: v128): v128 {
  return lowbias32x4(v128.xor(triple32x4(v128.xor(counter, a)), b));
}
