/**
 * Block floating point: blocks of values share one exponent, each value keeps a `bits`-bit
 * two's complement mantissa. A block's exponent is that of its largest finite magnitude m,
 * E = floor(log2 m), and its step 2^(E + 2 - bits), so that m fits: values are
 * q * 2^(E + 2 - bits), q in [-2^(bits-1), 2^(bits-1) - 1], rounded like fixed point
 * (a block without a finite nonzero value uses E = 0). Every float32 block works, subnormals
 * included: the step runs from 2^-149 to 2^(129 - bits) (lib/wasm/quantize_grouped.ts).
 * Blocks are `blockSize` consecutive elements along the last axis, or, with `axis`, all the
 * elements along that axis (one exponent per position of the other axes: e.g. axis 1 of a
 * [M, K] matrix gives one exponent per row).
 *
 * Special values are the element's own business, as in lowbit's other formats: NaN stays NaN,
 * +-Inf saturate to the block's extreme codes, and neither enters the block's exponent. OCP's
 * Microscaling (MX) formats (spec v1.0) instead give a block whose largest magnitude is Inf or
 * NaN a NaN scale, which makes the whole block NaN; lowbit keeps the finite values of such a block,
 * because it simulates training arithmetic where one overflowing element should not erase its
 * neighbours, and a NaN element still shows as NaN. Blocks never affect each other.
 *
 * An instance of the scaled formats: lib/quant/scaled/instances.ts (blockFloatingPointAsScaled).
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
