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
    case "floor": return e;
    case "ceil": return r > 2 ** e ? e + 1 : e;
    case "nearest": return r * r >= 2 ** (2 * e + 1) ? e + 1 : e;
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
  raw: Float64Array, f: ScaleFormat, emptyScale: number, quantizeScales: (s: Float32Array, format: Format) => Float32Array,
): GroupScales {
  const r = raw.map((v) => (v > 0 ? v : emptyScale));
  const range = scaleExponentRange(f);
  if (range !== undefined) {
    const rounding = (f as { rounding: ScaleRounding }).rounding;
    // A zero empty scale (BWN's a = 0 of an all-zero channel) has no exponent: it stays 0.
    const exponents = Int32Array.from(r, (v) => (v > 0 ? Math.min(range.max, Math.max(range.min, roundLog2(v, rounding))) : 0));
    return { scales: r.map((v, g) => (v > 0 ? 2 ** exponents[g] : 0)), exponents: r.some((v) => v === 0) ? undefined : exponents };
  }
  if (f.kind === "float32") return { scales: r.map(Math.fround) };
  return { scales: Float64Array.from(quantizeScales(Float32Array.from(r), (f as { format: Format }).format)) };
}
