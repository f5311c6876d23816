/**
 * How a value between two neighbours of a format's grid is rounded:
 *   nearest      to the nearer neighbour, ties to the one with an even last digit (IEEE 754
 *                roundTiesToEven; for a float without mantissa bits, such as E8M0, the even
 *                code, as IEEE P3109 and gfloat define it);
 *   nearestAway  to the nearer neighbour, ties away from zero (IEEE 754 roundTiesToAway);
 *   stochastic   up with probability equal to the distance from the lower neighbour in steps, so
 *                that E[round(x)] = x (unbiased; to within 2^-24 of a step where that distance
 *                is not on the 2^-24 grid: quantize.ts states the exact rule); seeded and
 *                counter-based. With the option `randomBits: r` it draws only r bits, as
 *                MPTorch's rbits and gfloat's StochasticFastest do (see stochasticAway);
 *   zero         toward zero (truncation);
 *   floor        toward minus infinity;
 *   down         the same as floor (IEEE 754 roundTowardNegative);
 *   up           toward plus infinity (IEEE 754 roundTowardPositive);
 *   odd          round to odd: a value off the grid goes to the neighbour with an odd last digit
 *                (von Neumann's jamming; Boldo and Melquiond, "Emulation of FMA and correctly
 *                rounded sums: proved algorithms using rounding to odd", IEEE TC 2008), which
 *                makes a later rounding to a format at least two bits narrower correct.
 * Overflow of the directed modes follows IEEE 754 (and gfloat): a mode that rounds toward zero
 * for the value's sign stops at the largest finite value; the others (the nearest modes,
 * stochastic, odd, and up/down away from zero) give the format's overflow value (Inf, NaN or the
 * largest finite value when the format saturates).
 */
export const ROUNDINGS = ["nearest", "stochastic", "zero", "floor", "nearestAway", "up", "down", "odd"] as const;
export type Rounding = (typeof ROUNDINGS)[number];

/** The roundings a kernel of every format kind runs (the others: floating point and fixed point). */
export const BASIC_ROUNDINGS = ["nearest", "stochastic", "zero", "floor"] as const;

/**
 * The code each kernel uses for a rounding (lib/wasm/rounding.ts): "down" is floor's code; a
 * stochastic rounding with r random bits is code 7 with r in bits 8..15.
 */
export function roundingCode(r: Rounding, randomBits?: number): number {
  if (r === "down") return 3;
  if (r === "stochastic" && randomBits !== undefined) return 7 | (randomBits << 8);
  return ["nearest", "stochastic", "zero", "floor", "nearestAway", "up", "odd"].indexOf(r);
}

/** The largest `randomBits` (the hash's top bits; 24 bits make every float32 fraction exact for man >= 0). */
export const MAX_RANDOM_BITS = 24;

/**
 * Stochastic rounding's decision with r random bits, on a magnitude's exact fraction `frac` in
 * [0, 1) of a step: away from zero iff floor(frac * 2^r) + R >= 2^r, R = hash >>> (32 - r) the
 * hash's top r bits. This is MPTorch's rbits (r random bits added below the kept bits, then
 * truncation) and gfloat's StochasticFastest: P(away) = floor(frac * 2^r) / 2^r, exact when frac
 * is on the 2^-r grid, otherwise less than 2^-r of a step toward zero.
 */
export function stochasticAway(frac: number, hash: number, randomBits: number): boolean {
  const scale = 2 ** randomBits;
  return Math.floor(frac * scale) + Math.floor(hash / 2 ** (32 - randomBits)) >= scale;
}
