/**
 * Dynamic fixed point (Courbariaux et al. 2014, the design Su et al. 2020 build on): a tensor
 * is `bits`-bit two's complement integers (sign included in `bits`) with one shared exponent,
 * value = q * 2^-frac, and frac follows the data:
 *   exponent "max":      frac = bits - 2 - floor(log2 max|x|): the fewest integer bits,
 *                        floor(log2 max|x|) + 1, that hold max|x| (DFP's exponent is the one
 *                        under which the largest value fits the range), so max|x| <
 *                        2^(bits-1-frac) and only rounding can saturate it (to qmax, within
 *                        one step): a
 *                        maximum that is an exact power of two 2^k needs k + 1 integer bits,
 *                        not the k that ceil(log2 max|x|) gives (2^k itself is out of range);
 *   exponent "overflow": starting from the max rule, every update measures the fraction of
 *                        values that would saturate; above maxOverflowRate, one more integer
 *                        bit (frac - 1); if one bit less would still stay within the rate,
 *                        frac + 1.
 * The exponent is re-evaluated every `updateEvery` calls, per tensor or per channel (the last
 * axis). The quantizer is stateful: `frac` and `history` show the exponent over training.
 * max|x| is taken over finite values: NaN stays NaN and +-Inf saturate without moving the
 * exponent of the other values (the overflow rule counts an Inf as saturating, which it is).
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkOneOf } from "../core/checks";
import { fixedPoint } from "./formats";
import { float32Exponent } from "./float32_exponent";
import { countAbove, maxAbsOf } from "./kernels/statistics";
import { quantizeWith, QuantizeOptions } from "./quantize";

export interface DynamicFixedPointOptions {
  /** Bits including the sign: an integer in [2, 24]. */
  bits: number;
  granularity?: "tensor" | "channel";
  exponent?: "max" | "overflow";
  /** For exponent "overflow": the largest tolerated fraction of saturating values, in [0, 1). */
  maxOverflowRate?: number;
  /** Re-evaluate the exponent every this many calls (an integer >= 1; default 1). */
  updateEvery?: number;
}

export interface DynamicFixedPointRecord {
  /** Call number (0-based) at which the exponent was evaluated. */
  call: number;
  /** Fractional bits after the evaluation: one per tensor or per channel. */
  frac: number[];
  /** Fraction of values that saturate at that frac (all channels together). */
  overflowRate: number;
}

/**
 * frac of the max rule for a largest magnitude m, a float32 (an all-zero tensor keeps bits - 1),
 * clamped to fixed point's frac range [bits - 128, 126].
 */
export function fracFromMax(bits: number, m: number): number {
  const frac = m > 0 && Number.isFinite(m) ? bits - 2 - float32Exponent(m) : bits - 1;
  return Math.max(bits - 128, Math.min(126, frac));
}

export class DynamicFixedPoint {
  readonly bits: number;
  readonly granularity: "tensor" | "channel";
  readonly exponent: "max" | "overflow";
  readonly maxOverflowRate: number;
  readonly updateEvery: number;
  /** Current fractional bits (undefined before the first call). */
  frac: number[] | undefined;
  readonly history: DynamicFixedPointRecord[] = [];
  private calls = 0;

  constructor(options: DynamicFixedPointOptions) {
    const { bits, granularity = "tensor", exponent = "max", maxOverflowRate = 1e-4, updateEvery = 1 } = options;
    checkInteger("dynamicFixedPoint bits", bits, 2, 24);
    checkOneOf("dynamicFixedPoint granularity", granularity, ["tensor", "channel"] as const);
    checkOneOf("dynamicFixedPoint exponent", exponent, ["max", "overflow"] as const);
    if (!(maxOverflowRate >= 0 && maxOverflowRate < 1)) {
      throw new RangeError(`lowbit: dynamicFixedPoint maxOverflowRate must be in [0, 1); got ${maxOverflowRate}`);
    }
    checkInteger("dynamicFixedPoint updateEvery", updateEvery, 1);
    this.bits = bits;
    this.granularity = granularity;
    this.exponent = exponent;
    this.maxOverflowRate = maxOverflowRate;
    this.updateEvery = updateEvery;
  }

  /** The exponent state, for checkpoints. */
  saveState(): { frac: number[] | undefined; calls: number; history: DynamicFixedPointRecord[] } {
    return { frac: this.frac && [...this.frac], calls: this.calls, history: this.history.map((r) => ({ ...r, frac: [...r.frac] })) };
  }

  loadState(state: ReturnType<DynamicFixedPoint["saveState"]>): void {
    this.frac = state.frac && [...state.frac];
    this.calls = state.calls;
    this.history.splice(0, this.history.length, ...state.history);
  }

  /** Quantizes x (float32 tensor), first re-evaluating the exponent when it is due. */
  quantize(x: tf.Tensor, options: QuantizeOptions = {}): tf.Tensor {
    if (!(x instanceof tf.Tensor) || x.dtype !== "float32") throw new TypeError("lowbit: DynamicFixedPoint.quantize x must be a float32 tensor");
    const channels = this.granularity === "channel" ? x.shape[x.rank - 1] ?? 1 : 1;
    if (this.frac !== undefined && this.frac.length !== channels) {
      throw new RangeError(`lowbit: DynamicFixedPoint was set up for ${this.frac.length} channel(s), got a tensor with ${channels}`);
    }
    if (this.calls % this.updateEvery === 0) this.update(x, channels);
    this.calls++;
    const frac = this.frac!;
    if (frac.length === 1) return quantizeWith(x, fixedPoint({ bits: this.bits, frac: frac[0] }), options);
    return quantizeWith(x, { kind: "groupedFixed", bits: this.bits, inner: 1, fracs: Int32Array.from(frac) }, options);
  }

  // Statistics per channel of x2d [rows, channels]; a single channel (per-tensor exponents, the
  // common case) runs lowbit's one-pass kernels instead of tf ops.

  /** Largest finite |x| per channel: a NaN or +-Inf must not set the exponent of the others. */
  private maxAbs(x2d: tf.Tensor2D): number[] {
    if (x2d.shape[1] === 1) {
      const m = maxAbsOf(x2d); // ignores NaN, not Inf: recount without it only when one is there
      if (m !== Infinity) return [m];
    }
    const m = tf.tidy(() => tf.where(tf.isFinite(x2d), x2d.abs(), 0).max(0));
    const values = Array.from(m.dataSync());
    m.dispose();
    return values;
  }

  /** Counts per channel of |x| > the largest value representable with frac[c]. */
  private saturating(x2d: tf.Tensor2D, frac: number[]): number[] {
    const qmax = 2 ** (this.bits - 1) - 1;
    if (x2d.shape[1] === 1) return [countAbove(x2d, qmax * 2 ** -frac[0])];
    const counts = tf.tidy(() => x2d.abs().greater(tf.tensor1d(frac.map((f) => qmax * 2 ** -f))).sum(0));
    const values = Array.from(counts.dataSync());
    counts.dispose();
    return values;
  }

  private update(x: tf.Tensor, channels: number): void {
    const x2d = x.reshape([-1, channels]) as tf.Tensor2D;
    const rows = x2d.shape[0];
    let frac: number[];
    if (this.exponent === "max" || this.frac === undefined) {
      frac = this.maxAbs(x2d).map((m) => fracFromMax(this.bits, m));
    } else {
      frac = [...this.frac];
    }
    if (this.exponent === "overflow") {
      const now = this.saturating(x2d, frac);
      const oneLess = this.saturating(x2d, frac.map((f) => f + 1));
      frac = frac.map((f, c) => {
        if (now[c] / rows > this.maxOverflowRate) return Math.max(this.bits - 128, f - 1);
        if (oneLess[c] / rows <= this.maxOverflowRate) return Math.min(126, f + 1);
        return f;
      });
    }
    const saturated = this.saturating(x2d, frac).reduce((s, v) => s + v, 0);
    x2d.dispose();
    this.frac = frac;
    this.history.push({ call: this.calls, frac: [...frac], overflowRate: saturated / (rows * channels) });
  }
}

export function dynamicFixedPoint(options: DynamicFixedPointOptions): DynamicFixedPoint {
  return new DynamicFixedPoint(options);
}
