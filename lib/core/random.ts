/**
 * lowbit's random numbers: a counter-based generator, used wherever a seed appears (shuffling,
 * sampling, initialisation, stochastic rounding).
 *
 * Counter-based means the n-th number of a stream is a pure function hash32(seed, stream, n)
 * rather than the n-th step of a stateful recurrence. That makes every random number
 * addressable: stochastic rounding of element i can draw hash32(seed, step, i) independently of
 * how the work is split or ordered, and a shuffle of epoch e is Rng(seed, e) without replaying
 * epochs 0..e-1. The core is integer-only (Math.imul, shifts, xor) so it stays cheap enough to
 * call once per element over millions of elements.
 */
import { checkInteger } from "./checks";

/**
 * Chris Wellons' "lowbias32" integer finalizer (hash-prospector): xorshift-multiply twice,
 * a bijection on 32-bit words with low avalanche bias (0.17 in hash-prospector's bias metric).
 * Returns an int32; callers apply >>> 0.
 */
function lowbias32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x;
}

/**
 * Wellons' "triple32": three xorshift-multiply rounds, a bijection with bias 0.02 in the same
 * metric, close to that of a random permutation. Used on the counter, the word that changes
 * between consecutive draws.
 */
function triple32(x: number): number {
  x ^= x >>> 17;
  x = Math.imul(x, 0xed5ad4bb);
  x ^= x >>> 11;
  x = Math.imul(x, 0xac4c1b51);
  x ^= x >>> 15;
  x = Math.imul(x, 0x31848bab);
  x ^= x >>> 14;
  return x;
}

/**
 * A uint32 hash of three 32-bit words (each taken modulo 2^32, as by `>>> 0`; not validated,
 * because this is the per-element hot path):
 *
 *   a = lowbias32(lowbias32(seed ^ 0x9e3779b9) ^ stream)     key word 1
 *   b = lowbias32(a + 0x6a09e667)                             key word 2
 *   hash32 = lowbias32(triple32(counter ^ a) ^ b)
 *
 * For a fixed (seed, stream) it is a bijection of the counter, so a stream repeats no value
 * within 2^32 draws. The key enters twice, before and after the counter's mix, because with a
 * single xor-ed key word every stream would be the same sequence read at counter ^ d for some d,
 * and two streams whose keys differ in low bits only would be near copies of each other.
 * The constants (fractional bits of the golden ratio and of sqrt 2) keep hash32(0, 0, 0) away
 * from the fixed point 0 of the finalizers. Flipping any one input bit flips each output bit
 * with probability close to 1/2 (16 bits on average), which the tests check.
 */
export function hash32(seed: number, stream: number, counter: number): number {
  const [a, b] = hashKey(seed, stream);
  return keyedHash32(a, b, counter);
}

/**
 * hash32 for the key words [a, b] = hashKey(seed, stream), computed once by a caller that draws
 * many numbers of one stream (the per-step draws of stochastic accumulation).
 */
export function keyedHash32(a: number, b: number, counter: number): number {
  return lowbias32(triple32(counter ^ a) ^ b) >>> 0;
}

/** elementHash's salts of the four lanes of a group (fractional bits of phi, sqrt 2, sqrt 3). */
const LANE_SALT = [0, 0x9e3779b9 | 0, 0x6a09e667 | 0, 0xbb67ae85 | 0];

/**
 * The random word of element i in lowbit's elementwise quantizers (stochastic rounding, stochastic
 * binarization), for the key words [a, b] = hashKey(seed, stream):
 *
 *   elementHash = lowbias32(triple32((i >>> 2) ^ a) ^ b ^ salt[i & 3]),
 *   salt = [0, 0x9e3779b9, 0x6a09e667, 0xbb67ae85]
 *
 * The strong mix of the counter runs once per group of four consecutive elements and each element
 * then gets its own lowbias32 of the group's word, salted by its lane: 2.75 multiplies per
 * element instead of hash32's 5, which is what lets the wasm kernels round stochastically at a
 * quarter of memory-copy speed. Every word is still uniform (lowbias32 is a bijection of a uniform
 * word), so stochastic rounding stays exactly unbiased; the four words of a group come from inputs
 * that differ in fixed bits, which lowbias32's avalanche decorrelates (the tests measure it).
 */
export function elementHash(seed: number, stream: number, i: number): number {
  const [a, b] = hashKey(seed, stream);
  return lowbias32(triple32((i >>> 2) ^ a) ^ b ^ LANE_SALT[i & 3]) >>> 0;
}

/**
 * The key words [a, b] of hash32 for (seed, stream), as uint32: the part that does not depend on
 * the counter, computed once per call by kernels that hash every element (lib/wasm/random.ts).
 */
export function hashKey(seed: number, stream: number): [number, number] {
  const a = lowbias32(lowbias32(seed ^ 0x9e3779b9) ^ stream);
  const b = lowbias32((a + 0x6a09e667) | 0);
  return [a >>> 0, b >>> 0];
}

/**
 * A uniform number in [0, 1) with 24-bit resolution: (hash32(seed, stream, counter) >>> 8) * 2^-24.
 * 24 bits because every such value, and its comparison with a float32 fraction, is exact in
 * float32, the precision the rounding it serves (stochastic rounding) works at.
 */
export function uniform32(seed: number, stream: number, counter: number): number {
  return (hash32(seed, stream, counter) >>> 8) * 5.9604644775390625e-8;
}

/**
 * A seeded random generator over hash32: draw k of Rng(seed, stream) is hash32(seed, stream, k).
 * Streams separate independent uses of one seed (e.g. one per epoch). The counter is a 32-bit
 * word, so a stream repeats after 2^32 words; 53-bit draws use two words each.
 */
export class Rng {
  private counter = 0;
  /** hash32's key words of (seed, stream), computed once: draws then cost the counter's mix only. */
  private readonly a: number;
  private readonly b: number;

  /** seed and stream: integers in [0, 2^32). */
  constructor(
    readonly seed: number,
    readonly stream = 0,
  ) {
    checkInteger("Rng seed", seed, 0, 2 ** 32 - 1);
    checkInteger("Rng stream", stream, 0, 2 ** 32 - 1);
    [this.a, this.b] = hashKey(seed, stream);
  }

  /** The next uniform 32-bit word, an integer in [0, 2^32): hash32(seed, stream, counter). */
  uint32(): number {
    const word = lowbias32(triple32(this.counter ^ this.a) ^ this.b) >>> 0;
    this.counter = (this.counter + 1) >>> 0;
    return word;
  }

  /** A uniform number in [0, 1) with 53-bit resolution: 27 bits of one word, 26 of the next. */
  next(): number {
    const high = this.uint32() >>> 5;
    const low = this.uint32() >>> 6;
    return (high * 67108864 + low) * 1.1102230246251565e-16;
  }

  /**
   * A uniform integer in [0, n), n an integer in [1, 2^32]. Words at or above the largest multiple
   * of n below 2^32 are rejected and redrawn, so `word % n` carries no modulo bias; fewer than
   * half of the draws are rejected for any n, none when n divides 2^32.
   */
  int(n: number): number {
    checkInteger("Rng.int n", n, 1, 2 ** 32);
    const limit = 2 ** 32 - (2 ** 32 % n);
    let word = this.uint32();
    while (word >= limit) word = this.uint32();
    return word % n;
  }

  /** Shuffles `a` in place (Fisher-Yates: every permutation equally likely) and returns it. */
  shuffle<A extends unknown[] | Int32Array | Uint32Array>(a: A): A {
    const items = a as { [index: number]: unknown; length: number };
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return a;
  }

  /** A uniformly random permutation of 0..n-1, n an integer in [0, 2^31 - 1]. */
  permutation(n: number): Int32Array {
    checkInteger("Rng.permutation n", n, 0, 2 ** 31 - 1);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}
