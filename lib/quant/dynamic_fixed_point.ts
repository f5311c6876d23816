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
 *
 * An instance of the scaled formats (lib/quant/scaled): dynamicFixedPointFormat(options) is the
 * format, and a ScaledQuantizer keeps the exponent state; this class shows it as DFP's frac.
 */
import * as tf from "../backend/tf";
import { checkInteger } from "../core/checks";
import type { ScaledFormat } from "./formats/scaled";
import { float32Exponent } from "./float32_exponent";
import type { QuantizeOptions } from "./quantize_with";
import { dynamicFixedPointFormat } from "./scaled/instances";
import { ScaledQuantizer, type ScaledQuantizerRecord } from "./scaled/scaled_quantizer";

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

/** DFP's frac is minus its scale's exponent (0 - e: a zero exponent gives +0, not -0). */
const toFrac = (exponents: ArrayLike<number>) => Array.from(exponents, (e) => 0 - e);

function toRecord(r: ScaledQuantizerRecord): DynamicFixedPointRecord {
  return { call: r.call, frac: toFrac(r.exponents!), overflowRate: r.overflowRate };
}

export class DynamicFixedPoint {
  readonly bits: number;
  readonly granularity: "tensor" | "channel";
  readonly exponent: "max" | "overflow";
  readonly maxOverflowRate: number;
  readonly updateEvery: number;
  /** The scaled format this quantizer rounds to. */
  readonly format: ScaledFormat;
  private readonly state: ScaledQuantizer;

  constructor(options: DynamicFixedPointOptions) {
    const { bits, granularity = "tensor", exponent = "max", maxOverflowRate = 1e-4, updateEvery = 1 } = options;
    this.format = dynamicFixedPointFormat({ bits, granularity, exponent, maxOverflowRate });
    checkInteger("dynamicFixedPoint updateEvery", updateEvery, 1);
    this.bits = bits;
    this.granularity = granularity;
    this.exponent = exponent;
    this.maxOverflowRate = maxOverflowRate;
    this.updateEvery = updateEvery;
    this.state = new ScaledQuantizer(this.format, { updateEvery });
  }

  /** Current fractional bits (undefined before the first call). */
  get frac(): number[] | undefined {
    const e = this.state.scales?.exponents;
    return e && toFrac(e);
  }

  /** The exponent over training: one record per evaluation. */
  get history(): DynamicFixedPointRecord[] {
    return this.state.history.map(toRecord);
  }

  /** The exponent state, for checkpoints. */
  saveState(): { frac: number[] | undefined; calls: number; history: DynamicFixedPointRecord[] } {
    return { frac: this.frac, calls: this.state.calls, history: this.history };
  }

  loadState(state: ReturnType<DynamicFixedPoint["saveState"]>): void {
    const fromFrac = (frac: number[]) => frac.map((f) => 0 - f);
    this.state.loadState({
      scales: state.frac?.map((f) => 2 ** -f),
      exponents: state.frac && fromFrac(state.frac),
      calls: state.calls,
      history: state.history.map((r) => ({
        call: r.call,
        scales: r.frac.map((f) => 2 ** -f),
        exponents: fromFrac(r.frac),
        overflowRate: r.overflowRate,
      })),
    });
  }

  /** Quantizes x (float32 tensor), first re-evaluating the exponent when it is due. */
  quantize(x: tf.Tensor, options: QuantizeOptions = {}): tf.Tensor {
    if (!(x instanceof tf.Tensor) || x.dtype !== "float32")
      throw new TypeError("lowbit: DynamicFixedPoint.quantize x must be a float32 tensor");
    return this.state.quantize(x, options, "DynamicFixedPoint");
  }
}

export function dynamicFixedPoint(options: DynamicFixedPointOptions): DynamicFixedPoint {
  return new DynamicFixedPoint(options);
}
