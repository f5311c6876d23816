/**
 * Float64 references of lowbit's element-wise formats, written from their definitions (not
 * from lowbit's kernels). Stochastic rounding uses the documented random numbers:
 * h = elementHash(seed, stream, i); fixed point and float subnormals round up iff
 * (h >>> 8) * 2^-24 < fraction; float normals drop k = 23 - man bits and round up iff
 * (h >>> (32 - k)) + fraction * 2^k >= 2^k.
 */
import { elementHash } from "lowbit";

export type Mode = "nearest" | "stochastic" | "zero" | "floor";

export function roundHalfEven(v: number): number {
  const f = Math.floor(v), d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function roundInt(v: number, mode: Mode, h: () => number, bitsDropped?: number): number {
  switch (mode) {
    case "nearest": return roundHalfEven(v);
    case "zero": return Math.trunc(v);
    case "floor": return Math.floor(v);
    case "stochastic": {
      const f = Math.floor(v), frac = v - f;
      if (bitsDropped !== undefined) {
        const k = bitsDropped;
        if (k === 0) return v;
        const r = h() >>> (32 - k);
        return r + frac * 2 ** k >= 2 ** k ? f + 1 : f;
      }
      return ((h() >>> 8) * 2 ** -24 < frac) ? f + 1 : f;
    }
  }
}

export function fixedRef(x: Float32Array, bits: number, frac: number, mode: Mode, seed = 0, stream = 0, symmetric = false): Float32Array {
  const qmax = 2 ** (bits - 1) - 1, qmin = symmetric ? -qmax : -(2 ** (bits - 1));
  return x.map((v, i) => {
    if (Number.isNaN(v)) return NaN;
    const q = roundInt(v * 2 ** frac, mode, () => elementHash(seed, stream, i));
    return Math.min(qmax, Math.max(qmin, q)) * 2 ** -frac;
  });
}

export interface FloatSpec { exp: number; man: number; subnormals?: boolean; saturate?: boolean }

export function floatRef(x: Float32Array, s: FloatSpec, mode: Mode, seed = 0, stream = 0): Float32Array {
  const { exp, man, subnormals = true, saturate = true } = s;
  const bias = 2 ** (exp - 1) - 1, emin = 1 - bias;
  const maxFinite = (2 - 2 ** -man) * 2 ** bias;
  return x.map((v, i) => {
    if (Number.isNaN(v)) return NaN;
    const sign = v < 0 || Object.is(v, -0) ? -1 : 1;
    const a = Math.abs(v);
    // Rounding magnitudes: floor rounds negative values away from zero.
    const m: Mode = mode === "floor" ? (sign < 0 ? "floor" : "zero") : mode;
    const h = () => elementHash(seed, stream, i);
    let q: number;
    if (a === Infinity) {
      q = saturate ? maxFinite : Infinity;
    } else if (a >= 2 ** emin) {
      const e = Math.floor(Math.log2(a));
      const e2 = 2 ** e > a ? e - 1 : 2 ** (e + 1) <= a ? e + 1 : e; // guard log2 rounding
      const quantum = 2 ** (e2 - man);
      const v2 = a / quantum;
      const r = m === "floor" ? Math.ceil(v2) : roundInt(v2, m, h, 23 - man);
      q = r * quantum;
      if (q > maxFinite) {
        const towardZero = m === "zero";
        q = towardZero || saturate ? maxFinite : Infinity;
      }
    } else {
      const quantum = subnormals ? 2 ** (emin - man) : 2 ** emin;
      const v2 = a / quantum;
      q = (m === "floor" ? Math.ceil(v2) : roundInt(v2, m, h)) * quantum;
    }
    return sign * q;
  });
}

/** IEEE binary16 round-to-nearest-even of a float32 value, via its exponent and quantum. */
export function binary16(v: number): number {
  if (Number.isNaN(v) || !Number.isFinite(v)) return v;
  const a = Math.abs(v);
  if (a === 0) return v;
  const e = Math.max(-14, Math.floor(Math.log2(a)));
  const ee = 2 ** e > a && e > -14 ? e - 1 : e;
  const quantum = 2 ** (ee - 10);
  const q = roundHalfEven(a / quantum) * quantum;
  return Math.sign(v) * (q >= 65520 ? Infinity : q);
}
