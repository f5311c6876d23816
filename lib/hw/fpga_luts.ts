/**
 * LUT counts of the pieces of a PE x SIMD matrix-vector unit, from FINN-R's published estimates
 * (Blott et al., ACM TRETS 2018) for W-bit weights and A-bit inputs:
 *   one LUT-based multiplier      (2 ceil((W + A) / 6) - 1) (W + A)
 *   one PE's adder tree           (W + A) (2 SIMD - 1)
 *   the accumulator               one LUT per accumulator bit
 * and lowbit's count for binary lanes (XNOR + popcount, no published coefficient): one LUT per
 * XNOR, and a popcount tree of ripple adders with one LUT per sum bit (popcountTreeLuts).
 */
import { checkInteger } from "../core/checks";

/** LUTs of one W x A multiplier built from LUTs (FINN-R). */
export function lutMultiplierLuts(weightBits: number, inputBits: number): number {
  checkInteger("lutMultiplierLuts weightBits", weightBits, 1, 64);
  checkInteger("lutMultiplierLuts inputBits", inputBits, 1, 64);
  const w = weightBits + inputBits;
  return (2 * Math.ceil(w / 6) - 1) * w;
}

/** LUTs of the adder tree that sums one PE's SIMD products (FINN-R). */
export function adderTreeLuts(simd: number, weightBits: number, inputBits: number): number {
  checkInteger("adderTreeLuts simd", simd, 1);
  checkInteger("adderTreeLuts weightBits", weightBits, 1, 64);
  checkInteger("adderTreeLuts inputBits", inputBits, 1, 64);
  return (weightBits + inputBits) * (2 * simd - 1);
}

/**
 * LUTs of a tree that counts the ones among n bits: pairs of partial counts are added level by
 * level, an adder of two w-bit counts costing w LUTs (one per sum bit, the carry chain free);
 * an odd count passes to the next level. For n = 2^L: sum_l l 2^(L-l) = 2n - L - 2.
 */
export function popcountTreeLuts(n: number): number {
  checkInteger("popcountTreeLuts n", n, 1);
  let widths = new Array<number>(n).fill(1),
    luts = 0;
  while (widths.length > 1) {
    const next: number[] = [];
    for (let i = 0; i + 1 < widths.length; i += 2) {
      const w = Math.max(widths[i], widths[i + 1]);
      luts += w;
      next.push(w + 1);
    }
    if (widths.length % 2 === 1) next.push(widths[widths.length - 1]);
    widths = next;
  }
  return luts;
}
