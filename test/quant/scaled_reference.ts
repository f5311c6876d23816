/**
 * A test-only copy of the data-scaled quantizers as lowbit implemented them before they became
 * instances of the scaled-format construction (issue 18): dynamic fixed point, block floating
 * point, BWN/TWN per channel, WAGE's E and G and QNN's log quantizer, written here with public
 * element-wise formats and the float64 fixed-point reference (reference.ts), so that
 * test/quant/scaled.test.ts compares the new path with the old one bit for bit.
 *
 * It was checked against the old code before that code was replaced (commit "scaled: test-only
 * reference copy ..."). Two documented fixes of issue 18 are built in (inputs with these values
 * are compared with the fixed behaviour only): the max of WAGE and of the log quantizer is taken
 * over finite values (the old maxAbsOf let an Inf set the scale), and BWN's per-channel scale is
 * the mean over finite values (the old one gave a channel holding Inf or NaN an Inf/NaN scale).
 */
import * as tf from "lowbit/tf";
import { fixedPoint, powerOfTwo, quantize, type Rounding } from "lowbit";
import { fixedRef, type Mode } from "./reference";

/** floor(log2 m) of a positive finite float32 m, from its bits. */
export function float32ExponentRef(m: number): number {
  const f = new Float32Array([m]),
    u = new Uint32Array(f.buffer)[0];
  const field = u >>> 23;
  return field > 0 ? field - 127 : -149 + 31 - Math.clz32(u);
}

function finiteMaxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a > m && a !== Infinity) m = a;
  }
  return m;
}

/** Fixed point with a fractional length per element; element i draws elementHash(seed, stream, i). */
function fixedPerElement(
  x: Float32Array,
  bits: number,
  fracOf: (i: number) => number,
  mode: Mode,
  seed: number,
  stream: number,
): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = fixedRef(x.subarray(i, i + 1), bits, fracOf(i), mode, seed, stream, false, i)[0];
    // The kernel keeps the sign of a value that rounds to zero (its rounding is copysign'd).
    y[i] = v === 0 && (x[i] < 0 || Object.is(x[i], -0)) ? -0 : v;
  }
  return y;
}

export function fracFromMaxRef(bits: number, m: number): number {
  const frac = m > 0 && Number.isFinite(m) ? bits - 2 - float32ExponentRef(m) : bits - 1;
  return Math.max(bits - 128, Math.min(126, frac));
}

/** Dynamic fixed point as before: stateful, per tensor or per channel (last axis). */
export class DfpRef {
  frac: number[] | undefined;
  history: { call: number; frac: number[]; overflowRate: number }[] = [];
  calls = 0;
  constructor(
    readonly o: {
      bits: number;
      granularity?: "tensor" | "channel";
      exponent?: "max" | "overflow";
      maxOverflowRate?: number;
      updateEvery?: number;
    },
  ) {}

  quantize(x: Float32Array, shape: number[], mode: Mode, seed: number, stream: number): Float32Array {
    const { bits, granularity = "tensor", exponent = "max", maxOverflowRate = 1e-4, updateEvery = 1 } = this.o;
    const channels = granularity === "channel" ? (shape[shape.length - 1] ?? 1) : 1;
    const rows = x.length / channels;
    const qmax = 2 ** (bits - 1) - 1;
    const count = (frac: number[]) => {
      const c = new Array(channels).fill(0);
      for (let j = 0; j < x.length; j++) if (Math.abs(x[j]) > qmax * 2 ** -frac[j % channels]) c[j % channels]++;
      return c;
    };
    if (this.calls % updateEvery === 0) {
      let frac: number[];
      if (exponent === "max" || this.frac === undefined) {
        frac = [];
        for (let c = 0; c < channels; c++) {
          let m = 0;
          for (let j = c; j < x.length; j += channels) {
            const a = Math.abs(x[j]);
            if (a > m && a !== Infinity) m = a;
          }
          frac.push(fracFromMaxRef(bits, m));
        }
      } else frac = [...this.frac];
      if (exponent === "overflow") {
        const now = count(frac),
          oneLess = count(frac.map((f) => f + 1));
        frac = frac.map((f, c) => {
          if (now[c] / rows > maxOverflowRate) return Math.max(bits - 128, f - 1);
          if (oneLess[c] / rows <= maxOverflowRate) return Math.min(126, f + 1);
          return f;
        });
      }
      const saturated = count(frac).reduce((s, v) => s + v, 0);
      this.frac = frac;
      this.history.push({ call: this.calls, frac: [...frac], overflowRate: saturated / (rows * channels) });
    }
    this.calls++;
    const frac = this.frac!;
    if (frac.length === 1) return quantize(x, fixedPoint({ bits, frac: frac[0] }), { rounding: mode, seed, stream });
    return fixedPerElement(x, bits, (i) => frac[i % channels], mode, seed, stream);
  }
}

/** Block floating point along the last axis (consecutive blocks), as before. */
export function bfpRef(
  x: Float32Array,
  bits: number,
  blockSize: number,
  mode: Mode,
  seed = 0,
  stream = 0,
): Float32Array {
  const fracs: number[] = [];
  for (let b = 0; b < x.length / blockSize; b++) {
    const m = finiteMaxAbs(x.subarray(b * blockSize, (b + 1) * blockSize));
    fracs.push(Math.min(149, bits - 2 - (m > 0 ? float32ExponentRef(m) : 0)));
  }
  return fixedPerElement(x, bits, (i) => fracs[Math.floor(i / blockSize)], mode, seed, stream);
}

/** Block floating point with one block per position of the other axes (blocks along `axis`). */
export function bfpAxisRef(x: tf.Tensor, bits: number, axis: number, mode: Mode, seed = 0, stream = 0): Float32Array {
  const perm = [...Array(x.rank).keys()].filter((d) => d !== axis).concat(axis);
  const inverse = perm.map((_, d) => perm.indexOf(d));
  const t = x.transpose(perm);
  const y = bfpRef(t.dataSync() as Float32Array, bits, x.shape[axis], mode, seed, stream);
  const back = tf.tensor(y, t.shape).transpose(inverse);
  const out = back.dataSync() as Float32Array;
  tf.dispose([t, back]);
  return out;
}

/** BWN per output channel (last axis): a_i = mean |W_i| over its finite values (the fix). */
export function bwnRef(w: Float32Array, channels: number): { q: Float32Array; scales: Float32Array } {
  const sums = new Float64Array(channels),
    n = new Float64Array(channels);
  for (let j = 0; j < w.length; j++) {
    if (Number.isFinite(w[j])) {
      sums[j % channels] += Math.abs(w[j]);
      n[j % channels]++;
    }
  }
  const scales = Float32Array.from(sums, (s, c) => (n[c] > 0 ? s / n[c] : 0));
  const q = new Float32Array(w.length);
  for (let j = 0; j < w.length; j++) {
    const a = scales[j % channels];
    q[j] = w[j] >= 0 ? a : w[j] < 0 ? -a : NaN;
  }
  return { q, scales };
}

/** TWN per output channel with the layer-wide threshold, as before (verbatim). */
export function twnRef(
  w: Float32Array,
  channels: number,
  threshold = 0.7,
): { q: Float32Array; scales: Float32Array; delta: number } {
  let sum = 0,
    count = 0;
  for (let i = 0; i < w.length; i++) {
    const a = Math.abs(w[i]);
    if (Number.isFinite(a)) {
      sum += a;
      count++;
    }
  }
  const delta = count > 0 ? Math.fround(threshold * (sum / count)) : 0;
  const keptSum = new Float64Array(channels),
    kept = new Float64Array(channels);
  for (let j = 0; j < w.length; j++) {
    if ((w[j] > delta || w[j] < -delta) && Number.isFinite(w[j])) {
      keptSum[j % channels] += Math.abs(w[j]);
      kept[j % channels]++;
    }
  }
  const scales = Float32Array.from(keptSum, (s, i) => (kept[i] > 0 ? s / kept[i] : 0));
  const q = new Float32Array(w.length);
  for (let j = 0; j < w.length; j++) {
    const a = scales[j % channels],
      v = w[j];
    q[j] = v > delta ? a : v < -delta ? -a : Number.isNaN(v) ? NaN : 0;
  }
  return { q, scales, delta };
}

function shiftRef(x: number): number {
  return 2 ** Math.round(Math.log2(x));
}

/** WAGE's E: Q(gamma * e / Shift(max|e|), k), computed as before with tf's float32 product. */
export function wageErrorRef(e: tf.Tensor, k: number, gamma = 1): Float32Array {
  const m = finiteMaxAbs(e.dataSync());
  if (!(m > 0)) return e.dataSync().slice() as Float32Array;
  const scaled = e.mul(gamma / shiftRef(m));
  const y = quantize(scaled.dataSync() as Float32Array, fixedPoint({ bits: k, frac: k - 1, symmetric: true }));
  scaled.dispose();
  return y;
}

/** WAGE's G: sigma(k) * SR(eta * g / Shift(max|g|)), as before. */
export function wageGradientRef(g: tf.Tensor, k: number, eta: number, seed: number, stream: number): Float32Array {
  const m = finiteMaxAbs(g.dataSync());
  if (!(m > 0)) return new Float32Array(g.size);
  const scaled = g.mul(eta / shiftRef(m));
  const q = tf.tensor(
    quantize(scaled.dataSync() as Float32Array, fixedPoint({ bits: 24, frac: 0 }), {
      rounding: "stochastic",
      seed,
      stream,
    }),
  );
  const y = q.mul(2 ** (1 - k));
  const out = y.dataSync() as Float32Array;
  tf.dispose([scaled, q, y]);
  return out;
}

/** QNN's log quantizer: powerOfTwo({ bits, maxExponent: ceil(log2 max|x|) }), as before. */
export function logQuantizerRef(
  x: Float32Array,
  bits: number,
  rounding: Rounding,
  seed: number,
  stream: number,
): Float32Array {
  const m = finiteMaxAbs(x);
  const lowest = -126 + 2 ** (bits - 1) - 2;
  const maxExponent = m > 0 ? Math.min(127, Math.max(lowest, Math.ceil(Math.log2(m)))) : 0;
  return quantize(x, powerOfTwo({ bits, maxExponent }), { rounding, seed, stream });
}
