/**
 * minAccumulatorBits(): the smallest accumulator mantissa whose analytic VRR is within
 * `tolerance` of 1, for that many bits and one more (so that a non-monotone wiggle near the
 * swamping onset cannot pass).
 *
 * Criterion: |1 - VRR| <= tolerance, default 0.01. Why this cut-off: a VRR of 1 - eps shrinks
 * the standard deviation of every dot product by about eps / 2, i.e. 0.5% at 0.01, a bias of the
 * size of the operands' own rounding noise at 8 bits; VRR above 1 (rounding noise added by
 * partial swamping) is an error too, hence the absolute value. The paper's own cut-off could
 * not be read from the paper (Sakr et al., ICLR 2019); notebook 05 checks this one by training at the
 * predicted precision and at 2-3 bits fewer.
 */
import { checkInteger } from "../core/checks";
import type { FloatingPointFormat } from "../quant/formats";
import { checkSparsity, mantissaOf, vrrChecked } from "./vrr";

export const DEFAULT_VRR_TOLERANCE = 0.01;

export interface AccumulatorCriterion {
  /** Largest allowed |1 - VRR|: a number in (0, 1). */
  tolerance: number;
}

export interface MinAccumulatorBitsOptions {
  n: number;
  /** The products' format: a floatingPoint format. Give this or mP. */
  product?: FloatingPointFormat;
  /** Short form: product mantissa bits, an integer in [0, 52]. */
  mP?: number;
  chunk?: number;
  sparsity?: number;
  criterion?: AccumulatorCriterion;
}

/** The smallest accumulator mantissa (see the file comment): the `man` of a floatingPoint accumulator. */
export function minAccumulatorBits(options: MinAccumulatorBitsOptions): number {
  if (typeof options !== "object" || options === null)
    throw new TypeError("lowbit: minAccumulatorBits takes an options object { n, product, ... }");
  const { n, chunk, sparsity = 0, criterion = { tolerance: DEFAULT_VRR_TOLERANCE } } = options;
  checkInteger("minAccumulatorBits n", n, 1, 2 ** 40);
  const mP = mantissaOf("minAccumulatorBits", "product", options.product, "mP", options.mP, [0, 52]);
  if (chunk !== undefined) checkInteger("minAccumulatorBits chunk (the chunk length, at most n)", chunk, 1, n);
  checkSparsity("minAccumulatorBits", sparsity);
  const tolerance = criterion?.tolerance;
  if (!(typeof tolerance === "number" && tolerance > 0 && tolerance < 1)) {
    throw new RangeError(
      `lowbit: minAccumulatorBits criterion.tolerance must be a number in (0, 1); got ${String(tolerance)}`,
    );
  }
  // Each verdict is needed twice (as m and as m + 1 of the neighbour): computed once.
  const verdicts = new Map<number, boolean>();
  const ok = (m: number): boolean => {
    let v = verdicts.get(m);
    if (v === undefined) {
      v = Math.abs(1 - vrrChecked({ n, mAcc: m, mP, chunk: chunk ?? n, sparsity, rounding: "nearest" })) <= tolerance;
      verdicts.set(m, v);
    }
    return v;
  };
  const meets = (m: number): boolean => m >= 52 || (ok(m) && ok(m + 1));
  // Swamping starts when the accumulator's step 2^-mAcc sqrt(n) nears the products' spread:
  // start the scan there and walk to the boundary.
  let m = Math.min(51, Math.max(1, Math.floor(Math.log2(Math.max(1, n * (1 - sparsity))) / 2) - 2));
  if (meets(m)) {
    while (m > 1 && meets(m - 1)) m--;
    return m;
  }
  while (!meets(m)) m++;
  return m;
}
