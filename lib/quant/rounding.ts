/**
 * How a value between two neighbours of a format's grid is rounded:
 *   nearest     to the nearer neighbour, ties to the one with an even last digit (IEEE default);
 *   stochastic  up with probability equal to the distance from the lower neighbour in steps, so
 *               that E[round(x)] = x (unbiased; to within 2^-24 of a step where that distance
 *               is not on the 2^-24 grid: quantize.ts states the exact rule); seeded and
 *               counter-based;
 *   zero        toward zero (truncation);
 *   floor       toward minus infinity.
 */
export const ROUNDINGS = ["nearest", "stochastic", "zero", "floor"] as const;
export type Rounding = (typeof ROUNDINGS)[number];

/** The code each kernel uses for a rounding (lib/wasm/quantize.ts). */
export function roundingCode(r: Rounding): number {
  return ROUNDINGS.indexOf(r);
}
