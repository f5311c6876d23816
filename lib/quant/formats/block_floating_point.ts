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
import { type FormatKind, gridInfo, roundScaled, twosComplementCode, twosComplementValue } from "./format_kind";

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
 * The block floating point kind, for its element: the integer mantissa q in units of the block's
 * step 2^(E + 2 - bits). Encoding: the `bits`-bit two's complement pattern of q. formatInfo, in
 * units of the step: max = 2^(bits-1) - 1, emax = bits - 1 (the most negative q), emin = 0,
 * minNormal = minSubnormal = epsilon = 1. Rounding, of x in units of the step: q = round(x)
 * clamped to [-2^(bits-1), 2^(bits-1) - 1], as fixed point rounds (lib/wasm/quantize_grouped.ts).
 */
export const blockFloatingPointKind: FormatKind<BlockFloatingPointFormat> = {
  kind: "blockFloat",
  create: blockFloatingPoint,
  label: (f) => `bfp<${f.bits}>`,
  bits: (f) => f.bits,
  info: (f) => gridInfo(f.bits, -(2 ** (f.bits - 1)), 2 ** (f.bits - 1) - 1, 1),
  arithmetic: (f) => ({ kind: "int", bits: f.bits }),
  round: (f, x, rounding, hash, randomBits) => {
    if (Number.isNaN(x)) return NaN;
    const qmax = 2 ** (f.bits - 1) - 1;
    return Math.min(qmax, Math.max(-qmax - 1, roundScaled(x, rounding, hash, randomBits)));
  },
  nearest: (f, x) => blockFloatingPointKind.round(f, x, "nearest", 0),
  codeOf: (f, value) => twosComplementCode(value, f.bits),
  valueOf: (f, code) => twosComplementValue(code, f.bits),
};
