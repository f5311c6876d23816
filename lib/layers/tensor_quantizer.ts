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
import * as tf from "@tensorflow/tfjs";
import { DynamicFixedPoint, dynamicFixedPoint, DynamicFixedPointOptions, fixedPoint, Format, quantize, Rounding } from "../quant";
import { checkSeed } from "../core/checks";

export interface TensorQuantizer {
  readonly label: string;
  /** Bits of the stored values, for summaries (32 for float). */
  readonly bits: number;
  /**
   * The number format of the values it outputs, as the hardware cost model reads it. A
   * quantizer whose scale follows the data (dynamic fixed point, the log quantizer, BWN/TWN's
   * per-channel scale) gives the format of its elements, the scale left out: one factor per
   * tensor or channel, which costs nothing per multiply-accumulate. Undefined: not declared
   * (cost(model) then asks for an explicit configuration).
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

function formatLabel(f: Format): string {
  switch (f.kind) {
    case "fixed": return `fixed<${f.bits},${f.frac}>`;
    case "float": return `float<e${f.exp},m${f.man}>`;
    case "integer": return `int${f.bits}`;
    case "powerOfTwo": return `pow2<${f.bits}>`;
    case "binary": return "binary";
    case "ternary": return "ternary";
    case "blockFloat": return `bfp<${f.bits}>`;
  }
}

function formatBits(f: Format): number {
  switch (f.kind) {
    case "float": return 1 + f.exp + f.man;
    case "binary": return 1;
    case "ternary": return 2;
    default: return f.bits;
  }
}

/** A quantizer to a fixed format with a rounding; stochastic rounding seeded by `seed`. */
export function formatQuantizer(format: Format, options: { rounding?: Rounding; seed?: number } = {}): TensorQuantizer {
  const { rounding = "nearest", seed = 0 } = options;
  checkSeed("formatQuantizer seed", seed);
  return {
    label: `${formatLabel(format)}${rounding === "nearest" ? "" : ` ${rounding}`}`,
    bits: formatBits(format),
    format,
    calls: 0,
    apply(x) {
      return quantize(x, format, { rounding, seed, stream: this.calls++ });
    },
  };
}

/** Dynamic fixed point (its exponent state lives in `dfp`). */
export function dfpQuantizer(
  options: DynamicFixedPointOptions, quantizeOptions: { rounding?: Rounding; seed?: number } = {},
): TensorQuantizer & { dfp: DynamicFixedPoint } {
  const { rounding = "nearest", seed = 0 } = quantizeOptions;
  checkSeed("dfpQuantizer seed", seed);
  const dfp = dynamicFixedPoint(options);
  return {
    label: `dfp<${options.bits}>${rounding === "nearest" ? "" : ` ${rounding}`}`,
    bits: options.bits,
    // The codes: bits-bit two's complement integers; the exponent 2^-frac is the data's scale.
    format: fixedPoint({ bits: dfp.bits, frac: 0 }),
    calls: 0,
    dfp,
    apply(x) {
      return dfp.quantize(x, { rounding, seed, stream: this.calls++ });
    },
    saveState: () => dfp.saveState(),
    loadState: (state) => dfp.loadState(state as ReturnType<DynamicFixedPoint["saveState"]>),
  };
}
