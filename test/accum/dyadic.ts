/**
 * Exact dyadic arithmetic for the accumulation tests, independent of lib/accum: a value is
 * M 2^X with a BigInt M, sums and products are exact, and rounding to a binary floating-point
 * grid (man fractional bits, smallest normal exponent emin) is done on integers.
 */
export type Dyadic = { m: bigint; x: number };

const view = new DataView(new ArrayBuffer(8));

/** A finite float64 as M 2^X exactly. */
export function dyadic(v: number): Dyadic {
  if (!Number.isFinite(v)) throw new Error(`dyadic(${v})`);
  if (v === 0) return { m: 0n, x: 0 };
  view.setFloat64(0, v);
  const hi = view.getUint32(0),
    lo = view.getUint32(4);
  const field = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (field !== 0) m |= 1n << 52n;
  return { m: hi >>> 31 ? -m : m, x: (field === 0 ? 1 : field) - 1075 };
}

export function add(a: Dyadic, b: Dyadic): Dyadic {
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const x = Math.min(a.x, b.x);
  return { m: (a.m << BigInt(a.x - x)) + (b.m << BigInt(b.x - x)), x };
}

export function mul(a: Dyadic, b: Dyadic): Dyadic {
  return { m: a.m * b.m, x: a.x + b.x };
}

export function neg(a: Dyadic): Dyadic {
  return { m: -a.m, x: a.x };
}

const abs = (m: bigint) => (m < 0n ? -m : m);

export function bitLength(m: bigint): number {
  return m === 0n ? 0 : abs(m).toString(2).length;
}

/** floor(log2 |v|) of a non-zero dyadic. */
export function log2Floor(v: Dyadic): number {
  return bitLength(v.m) - 1 + v.x;
}

/** |v| 2^k truncated toward zero to an integer, with v's sign. */
export function truncScaled(v: Dyadic, k: number): bigint {
  const s = v.x + k;
  if (s >= 0) return v.m << BigInt(s);
  const q = abs(v.m) >> BigInt(-s);
  return v.m < 0n ? -q : q;
}

/** v 2^k rounded to the nearest integer, ties to even. */
export function nearestScaled(v: Dyadic, k: number): bigint {
  const s = v.x + k;
  if (s >= 0) return v.m << BigInt(s);
  const a = abs(v.m),
    sh = BigInt(-s);
  let q = a >> sh;
  const rest = a - (q << sh),
    half = 1n << (sh - 1n);
  if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  return v.m < 0n ? -q : q;
}

export function toNumber(v: Dyadic): number {
  // Exact for values that fit float64 (the callers round first).
  return Number(v.m) * 2 ** v.x;
}

export interface Grid {
  man: number;
  emin: number;
  /** Largest finite magnitude. */
  max: number;
  /** What a larger rounded magnitude becomes: Infinity (IEEE overflow) or max (saturation). */
  overflow: number;
}

/** v rounded to the grid, "zero" (truncation) or "nearest" (ties to even), as a number. */
export function roundTo(v: Dyadic, g: Grid, mode: "zero" | "nearest"): number {
  if (v.m === 0n) return 0;
  const e = Math.max(log2Floor(v), g.emin);
  const k = g.man - e; // scale to units of the step 2^(e - man)
  const n = mode === "zero" ? truncScaled(v, k) : nearestScaled(v, k);
  const r = toNumber({ m: n, x: -k });
  if (Math.abs(r) > g.max) return v.m < 0n ? -g.overflow : g.overflow;
  return r;
}
