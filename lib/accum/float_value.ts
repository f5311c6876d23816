/**
 * One float64 value rounded once to a binary floating-point grid with `man` fractional bits and
 * smallest normal exponent `emin`: the step of x's binade is q = 2^(max(e, emin) - man),
 * e = floor(log2 |x|), so below 2^emin the grid is the fixed subnormal step 2^(emin - man)
 * (IEEE 754 gradual underflow). x / q is exact (a power-of-two scaling of a float64 that stays
 * far from float64's range ends for every format lowbit models), so the rounding is an integer
 * rounding of x / q:
 *
 *   "zero"     trunc(x / q) q                      (round toward zero, RZ)
 *   "nearest"  nearest integer, ties to even, times q  (RNE)
 *
 * A rounded magnitude above `maxFinite` becomes `overflow` with x's sign (Infinity for IEEE
 * overflow, maxFinite for saturation). NaN stays NaN, infinities stay infinite, zero keeps its sign.
 * This is the output normalisation of a matrix unit (MMA-Sim, Xie et al. 2025, arXiv 2511.10909:
 * RZ to float32 or to e8m13, RNE to float16) and the rounding of lowbit's promoted accumulators.
 */

const f64 = new Float64Array(1),
  u32 = new Uint32Array(f64.buffer);

/** floor(log2 |x|) of a finite non-zero float64 x, subnormals included. */
export function exponentOfValue(x: number): number {
  f64[0] = x;
  const field = (u32[1] >>> 20) & 0x7ff;
  if (field !== 0) return field - 1023;
  // A float64 subnormal: scale it into the normal range first (exact).
  f64[0] = x * 2 ** 64;
  return ((u32[1] >>> 20) & 0x7ff) - 1023 - 64;
}

export type ValueRounding = "nearest" | "zero";

/** x rounded to the grid (man, emin), see the file comment. */
export function roundToGrid(
  x: number,
  man: number,
  emin: number,
  rounding: ValueRounding,
  maxFinite: number,
  overflow: number,
): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const q = 2 ** (Math.max(exponentOfValue(x), emin) - man);
  const v = x / q;
  let n: number;
  if (rounding === "zero") n = Math.trunc(v);
  else {
    const down = Math.floor(v),
      rest = v - down; // exact: v has at most 53 significant bits and down is an integer
    n = rest > 0.5 || (rest === 0.5 && down % 2 !== 0) ? down + 1 : down;
  }
  const r = n * q;
  if (Math.abs(r) > maxFinite) return x < 0 ? -overflow : overflow;
  // n = 0 (a value below the smallest subnormal, toward zero) keeps x's sign as IEEE does.
  return r === 0 ? (x < 0 ? -0 : 0) : r;
}

/**
 * Every element of a Float32Array rounded to nearest-even on the grid (man <= 23, emin >= -126),
 * saturating at maxFinite: roundToGrid(x, man, emin, "nearest", maxFinite, maxFinite) element by
 * element, fast. Above 2^emin the float32 bits are rounded as integers (add half a step minus one
 * plus the kept lowest bit, clear the dropped bits: a carry moves into the exponent as it
 * should); below, on the fixed grid q = 2^(emin - man) by the magic number C = 1.5 * 2^52 q,
 * (x + C) - C being x rounded to nearest-even on that grid in float64. Inf and NaN stay.
 */
export function roundFloat32Array(x: Float32Array, man: number, emin: number, maxFinite: number): Float32Array {
  const out = new Float32Array(x.length);
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length),
    outBits = new Uint32Array(out.buffer);
  const shift = 23 - man,
    low = shift === 0 ? 0 : 2 ** (shift - 1) - 1,
    keep = ~(2 ** shift - 1);
  const C = 1.5 * 2 ** 52 * 2 ** (emin - man);
  for (let i = 0; i < x.length; i++) {
    const b = bits[i],
      field = (b >>> 23) & 0xff;
    if (field === 0xff) out[i] = x[i];
    else if (field - 127 >= emin) {
      outBits[i] = shift === 0 ? b : (b + low + ((b >>> shift) & 1)) & keep;
      const v = out[i];
      if (Math.abs(v) > maxFinite) out[i] = v < 0 ? -maxFinite : maxFinite;
    } else {
      const v = x[i],
        r = v + C - C;
      out[i] = r === 0 ? (v < 0 || Object.is(v, -0) ? -0 : 0) : r;
    }
  }
  return out;
}
