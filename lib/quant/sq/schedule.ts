/**
 * SQ's schedule: the SQ ratio r (the fraction of filters quantized) grows stage by stage,
 * 50% -> 75% -> 87.5% -> 100%, each stage training from the weights the previous one left.
 * At r = 100% SQ is the plain base quantizer.
 *
 * Filters kept in full precision per layer: floor((1 - r) * n), as the authors' code
 * (`int((1 - ratio / 100) * num)`): a layer of 10 filters at 87.5% keeps 1 real, not 1.25.
 */
export const SQ_SCHEDULE: readonly number[] = [0.5, 0.75, 0.875, 1];

/** Checks an SQ ratio: a number in [0, 1]. */
export function checkSqRatio(what: string, ratio: number): void {
  if (!(ratio >= 0 && ratio <= 1))
    throw new RangeError(`lowbit: ${what} must be a number in [0, 1] (the fraction quantized); got ${ratio}`);
}

/** How many of n filters (or elements) stay in full precision at ratio r: floor((1 - r) * n). */
export function keptRealCount(n: number, ratio: number): number {
  checkSqRatio("keptRealCount ratio", ratio);
  // (1 - r) * n is exact for the schedule's ratios (dyadic) and any n below 2^50.
  return Math.floor((1 - ratio) * n);
}
