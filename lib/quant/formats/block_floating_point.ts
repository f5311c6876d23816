/**
 * Block floating point: blocks of values share one exponent, each value keeps a `bits`-bit
 * two's complement mantissa. A block's exponent is that of its largest magnitude m,
 * E = floor(log2 m), and its step 2^(E + 2 - bits), so that m fits: values are
 * q * 2^(E + 2 - bits), q in [-2^(bits-1), 2^(bits-1) - 1], rounded like fixed point
 * (a block of zeros stays zero). Blocks are `blockSize` consecutive elements along the last
 * axis, or, with `axis`, all the elements along that axis (one exponent per position of the
 * other axes: e.g. axis 1 of a [M, K] matrix gives one exponent per row).
 */
import { checkInteger } from "../../core/checks";

export interface BlockFloatingPointFormat {
  readonly kind: "blockFloat";
  readonly bits: number;
  readonly blockSize?: number;
  readonly axis?: number;
}

export interface BlockFloatingPointOptions {
  /** Mantissa bits with the sign: an integer in [2, 24]. */
  bits: number;
  /** Elements per block along the last axis (it must divide the last axis). */
  blockSize?: number;
  /** Or: the axis the blocks run along. */
  axis?: number;
}

export function blockFloatingPoint({ bits, blockSize, axis }: BlockFloatingPointOptions): BlockFloatingPointFormat {
  checkInteger("blockFloatingPoint bits", bits, 2, 24);
  if ((blockSize === undefined) === (axis === undefined)) {
    throw new RangeError("lowbit: blockFloatingPoint takes exactly one of blockSize and axis");
  }
  if (blockSize !== undefined) checkInteger("blockFloatingPoint blockSize", blockSize, 1);
  if (axis !== undefined) checkInteger("blockFloatingPoint axis", axis, -8, 7);
  return { kind: "blockFloat", bits, blockSize, axis };
}

/**
 * Per-block scales 2^frac and steps 2^-frac of a float32 array laid out as [outer, along, inner]
 * with blocks along the middle axis: the block of (o, i) holds x[o, :, i].
 */
export function blockSteps(
  x: Float32Array, bits: number, outer: number, along: number, inner: number,
): { scales: Float32Array; steps: Float32Array } {
  const scales = new Float32Array(outer * inner), steps = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let m = 0;
      for (let k = 0; k < along; k++) m = Math.max(m, Math.abs(x[(o * along + k) * inner + i]));
      // E = floor(log2 m), exact from the float32 bits; an all-zero block uses E = 0.
      const e = m > 0 && Number.isFinite(m) ? exponentOf(m) : 0;
      const frac = Math.min(149, Math.max(-126, bits - 2 - e));
      scales[o * inner + i] = 2 ** frac;
      steps[o * inner + i] = 2 ** -frac;
    }
  }
  return { scales, steps };
}

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
/** floor(log2 m) of a positive finite float32 m, subnormals included. */
function exponentOf(m: number): number {
  f32[0] = m;
  const field = u32[0] >>> 23;
  return field > 0 ? field - 127 : Math.floor(Math.log2(m));
}
