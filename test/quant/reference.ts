/**
 * Float64 and exact rational references of lowbit's element-wise formats, written from their
 * definitions (not from lowbit's kernels). Stochastic rounding uses the documented random
 * numbers: h = elementHash(seed, stream, i); fixed point and float subnormals round up iff
 * (h >>> 8) * 2^-24 < fraction; float normals drop k = 23 - man bits and round up iff
 * (h >>> (32 - k)) + fraction * 2^k >= 2^k.
 */
import { elementHash } from "../../lib/dist/core/random";

export type Mode = "nearest" | "stochastic" | "zero" | "floor";

export function roundHalfEven(v: number): number {
  const f = Math.floor(v),
    d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function roundInt(v: number, mode: Mode, h: () => number, bitsDropped?: number): number {
  switch (mode) {
    case "nearest":
      return roundHalfEven(v);
    case "zero":
      return Math.trunc(v);
    case "floor":
      return Math.floor(v);
    case "stochastic": {
      const f = Math.floor(v),
        frac = v - f;
      if (bitsDropped !== undefined) {
        const k = bitsDropped;
        if (k === 0) return v;
        const r = h() >>> (32 - k);
        return r + frac * 2 ** k >= 2 ** k ? f + 1 : f;
      }
      // u < v - f, compared as u + f < v: exact in float64 (v - f is not, for a negative v
      // in (-1, 0) whose bits reach far below 2^-24).
      return (h() >>> 8) * 2 ** -24 + f < v ? f + 1 : f;
    }
  }
}

/** Fixed point; element i of x draws elementHash(seed, stream, first + i). */
export function fixedRef(
  x: Float32Array,
  bits: number,
  frac: number,
  mode: Mode,
  seed = 0,
  stream = 0,
  symmetric = false,
  first = 0,
): Float32Array {
  const qmax = 2 ** (bits - 1) - 1,
    qmin = symmetric ? -qmax : -(2 ** (bits - 1));
  return x.map((v, i) => {
    if (Number.isNaN(v)) return NaN;
    const q = roundInt(v * 2 ** frac, mode, () => elementHash(seed, stream, first + i));
    return Math.min(qmax, Math.max(qmin, q)) * 2 ** -frac;
  });
}

export interface FloatSpec {
  exp: number;
  man: number;
  subnormals?: boolean;
  saturate?: boolean;
}

export function floatRef(x: Float32Array, s: FloatSpec, mode: Mode, seed = 0, stream = 0): Float32Array {
  const { exp, man, subnormals = true, saturate = true } = s;
  const bias = 2 ** (exp - 1) - 1,
    emin = 1 - bias;
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

/** A finite number as an exact fraction num / den, den a power of two. */
export function exact(v: number): { num: bigint; den: bigint } {
  let e = 0;
  while (!Number.isInteger(v)) {
    v *= 2; // exact: a non-integer is below 2^52
    e++;
  }
  return { num: BigInt(v), den: 2n ** BigInt(e) };
}

/**
 * The rational num / den (den > 0) rounded to an integer by `mode`, exactly; stochastic rounds
 * up iff k * 2^-24 < frac with k = h >>> 8 (lib/wasm/rounding.ts).
 */
export function roundRational(num: bigint, den: bigint, mode: Mode, h: number): bigint {
  let floor = num / den;
  if (num % den !== 0n && num < 0n) floor -= 1n;
  const r = num - floor * den; // in [0, den)
  switch (mode) {
    case "floor":
      return floor;
    case "zero":
      return num < 0n && r > 0n ? floor + 1n : floor;
    case "nearest": {
      if (2n * r < den) return floor;
      if (2n * r > den) return floor + 1n;
      return floor % 2n === 0n ? floor : floor + 1n;
    }
    case "stochastic":
      return BigInt(h >>> 8) * den < r * 2n ** 24n ? floor + 1n : floor;
  }
}

/**
 * Linear integer quantization by its definition: q = round(x / scale) of the exact quotient of
 * the float32 values x and scale, clamped, times scale rounded once to float32.
 */
export function integerRef(
  x: Float32Array,
  bits: number,
  scale: number,
  signed: boolean,
  mode: Mode,
  seed = 0,
  stream = 0,
): Float32Array {
  const s = Math.fround(scale),
    se = exact(s);
  const [qmin, qmax] = signed
    ? [-(2n ** BigInt(bits - 1)), 2n ** BigInt(bits - 1) - 1n]
    : [0n, 2n ** BigInt(bits) - 1n];
  return x.map((v, i) => {
    if (Number.isNaN(v)) return NaN;
    if (!Number.isFinite(v)) return Number(v > 0 ? qmax : qmin) * s;
    const xe = exact(v);
    let q = roundRational(xe.num * se.den, xe.den * se.num, mode, elementHash(seed, stream, i));
    q = q < qmin ? qmin : q > qmax ? qmax : q;
    return Number(q) * s;
  });
}
