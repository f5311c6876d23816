/**
 * The random Hadamard transform (RHT), blockwise along one axis: each block v of b consecutive
 * elements of every fiber along `axis` (b a power of two) becomes
 *
 *   Q v,   Q = H_b D / sqrt(b),   H_b the Sylvester Hadamard matrix (H_ij = (-1)^popcount(i & j)),
 *                                 D = diag(s), s_i = +-1 from the seed (s_i = -1 iff the top bit
 *                                 of hash32(seed, 0, i) is set; one sign vector for every block),
 *
 * Q is orthogonal (Q^T Q = I), so inverseRandomHadamard (Q^T v = D H_b v / sqrt(b)) undoes it
 * exactly in real arithmetic (in float32, to rounding error), and a GEMM whose two operands are
 * transformed along their contraction axis with the same Q is unchanged: (Q a) . (Q b) = a . b.
 * Spreading a block's outliers over all of it bounds the variance of stochastic rounding
 * (Tseng, Yu, Park, "Training LLMs with MXFP4", AISTATS 2025, section 4; NVIDIA, "Pretraining
 * LLMs with NVFP4", arXiv 2509.25149: a 16 x 16 RHT on the Wgrad inputs). Differentiable (tfjs
 * ops): gradients flow through Q^T.
 */
import * as tf from "@tensorflow/tfjs-core";
import { checkInteger } from "../../core/checks";
import { hash32 } from "../../core/random";

export interface HadamardOptions {
  /** Block size b: a power of two in [2, 2^12] that divides the axis' length (default 16). */
  blockSize?: number;
  /** Seed of the random signs, an integer in [0, 2^32) (default 0). */
  seed?: number;
  /** The axis whose fibers are transformed (default -1, the last). */
  axis?: number;
}

/** The random signs s_i of a seed, i < b. */
export function hadamardSigns(blockSize: number, seed: number): Float32Array {
  return Float32Array.from({ length: blockSize }, (_, i) => (hash32(seed, 0, i) >>> 31 === 1 ? -1 : 1));
}

/** Q = H_b D / sqrt(b) as a b x b float32 matrix (row-major). */
export function hadamardMatrix(blockSize: number, seed: number): Float32Array {
  const s = hadamardSigns(blockSize, seed);
  const q = new Float32Array(blockSize * blockSize);
  const norm = 1 / Math.sqrt(blockSize);
  for (let i = 0; i < blockSize; i++) {
    for (let j = 0; j < blockSize; j++) {
      let bits = i & j,
        parity = 0;
      while (bits !== 0) {
        parity ^= bits & 1;
        bits >>>= 1;
      }
      q[i * blockSize + j] = (parity ? -1 : 1) * s[j] * norm;
    }
  }
  return q;
}

function checked(what: string, x: tf.Tensor, options: HadamardOptions): { b: number; seed: number; axis: number } {
  const { blockSize = 16, seed = 0, axis = -1 } = options;
  checkInteger(`${what} blockSize`, blockSize, 2, 4096);
  if ((blockSize & (blockSize - 1)) !== 0) {
    throw new RangeError(`lowbit: ${what} blockSize must be a power of two; got ${blockSize}`);
  }
  checkInteger(`${what} seed`, seed, 0, 2 ** 32 - 1);
  checkInteger(`${what} axis`, axis, -x.rank, x.rank - 1);
  const a = axis < 0 ? axis + x.rank : axis;
  if (x.shape[a] % blockSize !== 0) {
    throw new RangeError(
      `lowbit: ${what} blockSize must divide the length of axis ${axis} (${x.shape[a]}); got ${blockSize}`,
    );
  }
  return { b: blockSize, seed, axis: a };
}

/** Blocks of the fibers along `axis` times a matrix: rows r -> r M (M = Q^T gives Q v). */
function blocksTimes(x: tf.Tensor, axis: number, b: number, m: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => {
    const last = x.rank - 1;
    const perm = [...Array(x.rank).keys()].filter((d) => d !== axis).concat(axis);
    const moved = axis === last ? x : tf.transpose(x, perm);
    const y = tf.reshape(tf.matMul(tf.reshape(moved, [-1, b]), m), moved.shape);
    return axis === last
      ? y
      : tf.transpose(
          y,
          perm.map((_, d) => perm.indexOf(d)),
        );
  });
}

/** Q v for every block v along `axis` (see the module doc). */
export function randomHadamard<T extends tf.Tensor>(x: T, options: HadamardOptions = {}): T {
  const { b, seed, axis } = checked("randomHadamard", x, options);
  return tf.tidy(() => {
    const q = tf.tensor2d(hadamardMatrix(b, seed), [b, b]);
    return blocksTimes(x, axis, b, tf.transpose(q) as tf.Tensor2D);
  }) as T;
}

/** Q^T v for every block v along `axis`: the inverse of randomHadamard with the same options. */
export function inverseRandomHadamard<T extends tf.Tensor>(x: T, options: HadamardOptions = {}): T {
  const { b, seed, axis } = checked("inverseRandomHadamard", x, options);
  return tf.tidy(() => blocksTimes(x, axis, b, tf.tensor2d(hadamardMatrix(b, seed), [b, b]))) as T;
}
