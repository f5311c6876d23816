/**
 * What a layer does to one of its four tensors (W, A, G, E): a function from a float32 tensor
 * to its quantized value, with a label and a bit width for summaries. The forward value only:
 * the layers decide how gradients pass (straight through for W and A; E and G quantize the
 * backward signal itself).
 *
 * Quantizers that round stochastically draw a fresh stream per call from their own seed, so a
 * training run is reproducible from its seeds, and `calls` (saved in checkpoints) says where the
 * sequence stands.
 */
import type * as tf from "../backend/tf";
import {
  checkFormat,
  type DynamicFixedPoint,
  dynamicFixedPoint,
  type DynamicFixedPointOptions,
  type Format,
  formatBits,
  formatLabel,
  quantize,
  type Rounding,
} from "../quant";
import { checkSeed } from "../core/checks";

export interface TensorQuantizer {
  readonly label: string;
  /** Bits of the stored values, for summaries (32 for float). */
  readonly bits: number;
  /**
   * The number format of the values it outputs, as the hardware cost model reads it. A
   * quantizer whose scale follows the data (dynamic fixed point, the log quantizer) declares its
   * scaled format (lib/quant/scaled), which the cost model prices as its element: the scale is
   * one factor per tensor, channel or block, which costs nothing per multiply-accumulate.
   * Undefined: not declared (cost(model) then asks for an explicit configuration).
   */
  readonly format?: Format;
  /** Calls so far: the next call uses stream `calls` of the quantizer's seed. */
  calls: number;
  apply(x: tf.Tensor): tf.Tensor;
  /**
   * For an activation quantizer that saturates: the straight-through gradient passes only for
   * inputs in [lo, hi] (the derivative of its clip; rounding alone is skipped). Undefined: the
   * gradient passes everywhere.
   */
  readonly gradientRange?: [number, number];
  /** State beyond `calls` that a checkpoint must keep (dynamic fixed point's exponents). */
  saveState?(): object;
  loadState?(state: object): void;
}

/** A quantizer to a fixed format with a rounding; stochastic rounding seeded by `seed`. */
export function formatQuantizer(format: Format, options: { rounding?: Rounding; seed?: number } = {}): TensorQuantizer {
  const { rounding = "nearest", seed = 0 } = options;
  checkSeed("formatQuantizer seed", seed);
  const f = checkFormat("formatQuantizer format", format);
  return {
    label: `${formatLabel(f)}${rounding === "nearest" ? "" : ` ${rounding}`}`,
    bits: formatBits(f),
    calls: 0,
    format,
    apply(x) {
      return quantize(x, f, { rounding, seed, stream: this.calls++ });
    },
  };
}

/** Dynamic fixed point (its exponent state lives in `dfp`). */
export function dfpQuantizer(
  options: DynamicFixedPointOptions,
  quantizeOptions: { rounding?: Rounding; seed?: number } = {},
): TensorQuantizer & { dfp: DynamicFixedPoint } {
  const { rounding = "nearest", seed = 0 } = quantizeOptions;
  checkSeed("dfpQuantizer seed", seed);
  const dfp = dynamicFixedPoint(options);
  return {
    label: `dfp<${options.bits}>${rounding === "nearest" ? "" : ` ${rounding}`}`,
    bits: options.bits,
    calls: 0,
    // Dynamic fixed point's scaled format: bits-bit integers times the data's scale 2^-frac.
    format: dfp.format,
    dfp,
    apply(x) {
      return dfp.quantize(x, { rounding, seed, stream: this.calls++ });
    },
    saveState: () => dfp.saveState(),
    loadState: (state) => dfp.loadState(state as ReturnType<DynamicFixedPoint["saveState"]>),
  };
}
