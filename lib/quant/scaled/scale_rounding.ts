/**
 * A raw scale r > 0 (a group's statistic divided by the rule's target) stored in a scale format.
 * Power-of-two formats round log2 r exactly (no Math.log2 misrounding near 2^n or 2^(n+1/2)):
 *   floor    e = floor(log2 r)                 OCP MX's rule, dynamic fixed point, BFP
 *   ceil     e = ceil(log2 r)                  the log quantizer's largest exponent
 *   nearest  e = round(log2 r), up iff r^2 >= 2^(2 floor + 1)   WAGE's Shift (no ties: 2^(n+1/2)
 *            is irrational; r^2 is exact for the 24-bit statistics over a power-of-two target)
 * then clamped to the format's exponent range (saturation). float32 rounds r to nearest; a lowbit
 * format (E4M3, a scaled one) quantizes the vector of scales with nearest rounding.
 */
import type { Format } from "../formats";
import { scaleExponentRange, type ScaleFormat, type ScaleRounding } from "../formats/scaled";

/** floor(log2 r) of a positive finite float64 r, exactly. */
export function floorLog2(r: number): number {
  let e = Math.floor(Math.log2(r));
  if (2 ** e > r) e--;
  else if (2 ** (e + 1) <= r) e++;
  return e;
}

export function roundLog2(r: number, rounding: ScaleRounding): number {
  const e = floorLog2(r);
  switch (rounding) {
    case "floor":
      return e;
    case "ceil":
      return r > 2 ** e ? e + 1 : e;
    case "nearest":
      return r * r >= 2 ** (2 * e + 1) ? e + 1 : e;
  }
}

/** Group scales: the values, and their exponents when the scale format is a power of two. */
export interface GroupScales {
  readonly scales: Float64Array;
  readonly exponents?: Int32Array;
}

/**
 * Rounds raw scales (0 marks a group without a statistic: it takes emptyScale, itself stored in
 * the format). `quantizeScales` rounds a Float32Array to a lowbit format (quantize()).
 */
export function roundScales(
  raw: Float64Array,
  f: ScaleFormat,
  emptyScale: number,
  quantizeScales: (s: Float32Array, format: Format) => Float32Array,
): GroupScales {
  // Plain loops: typed arrays' map and from with a callback are several times slower in V8.
  const n = raw.length;
  const r = new Float64Array(n);
  let empty = false;
  for (let g = 0; g < n; g++) {
    r[g] = raw[g] > 0 ? raw[g] : emptyScale;
    if (r[g] === 0) empty = true;
  }
  const range = scaleExponentRange(f);
  if (range !== undefined) {
    const rounding = (f as { rounding: ScaleRounding }).rounding;
    // A zero empty scale (BWN's a = 0 of an all-zero channel) has no exponent: its scale stays 0.
    const exponents = new Int32Array(n),
      scales = new Float64Array(n);
    for (let g = 0; g < n; g++) {
      if (r[g] === 0) continue;
      exponents[g] = Math.min(range.max, Math.max(range.min, roundLog2(r[g], rounding)));
      scales[g] = 2 ** exponents[g];
    }
    return { scales, exponents: empty ? undefined : exponents };
  }
  if (f.kind === "float32") {
    for (let g = 0; g < n; g++) r[g] = Math.fround(r[g]);
    return { scales: r };
  }
  return { scales: Float64Array.from(quantizeScales(Float32Array.from(r), (f as { format: Format }).format)) };
}
