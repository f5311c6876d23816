/**
 * SQ as a weight quantizer for any QuantConfig: `quant: { weight: sqWeight({ base: "bwn" }) }`.
 * Every call (every forward pass, in training and evaluation alike, as in the authors' Caffe
 * layers) quantizes the master weights per output channel, draws a fresh roulette selection
 * from stream `calls` of its seed and returns the hybrid weight; the layer's straight-through
 * view passes dL/dH to the master weights unchanged, which is SQ's gradient (hybrid.ts).
 *
 * `ratio` is the stage's SQ ratio: set it between stages (setSqRatio does it for a whole model),
 * and the next call selects afresh at the new ratio. At ratio 1 the output is plain per-channel
 * BWN/TWN, bit for bit.
 */
import * as tf from "../backend/tf";
import { checkInteger, checkOneOf } from "../core/checks";
import {
  binary,
  FP32,
  ternary,
  SQ_BASES,
  SQ_GRANULARITIES,
  SQ_PROBABILITIES,
  type SqBase,
  type SqGranularity,
  type SqProbability,
  stochasticQuantize,
} from "../quant";
import { checkSqRatio } from "../quant/sq/schedule";
import { QuantLayer } from "./quant_layer";
import type { TensorQuantizer } from "./tensor_quantizer";

export interface SqWeightOptions {
  base: SqBase;
  /** Initial SQ ratio in [0, 1] (default 1: plain BWN/TWN). */
  ratio?: number;
  probability?: SqProbability;
  granularity?: SqGranularity;
  /** TWN's threshold factor (default 0.7). */
  threshold?: number;
  seed?: number;
}

export interface SqWeightQuantizer extends TensorQuantizer {
  readonly kind: "sq";
  readonly base: SqBase;
  readonly probability: SqProbability;
  readonly granularity: SqGranularity;
  /** The current SQ ratio; assigning a value outside [0, 1] throws. */
  ratio: number;
}

export function sqWeight(options: SqWeightOptions): SqWeightQuantizer {
  const { base, probability = "error", granularity = "filter", threshold = 0.7, seed = 0 } = options;
  checkOneOf("sqWeight base", base, SQ_BASES);
  checkOneOf("sqWeight probability", probability, SQ_PROBABILITIES);
  checkOneOf("sqWeight granularity", granularity, SQ_GRANULARITIES);
  checkInteger("sqWeight seed", seed, 0, 2 ** 32 - 1);
  let ratio = options.ratio ?? 1;
  checkSqRatio("sqWeight ratio", ratio);
  const name = base.toUpperCase();
  return {
    kind: "sq",
    base,
    probability,
    granularity,
    get label() {
      return ratio === 1
        ? name
        : `SQ-${name} r=${100 * ratio}%${probability === "uniform" ? " uniform" : ""}${granularity === "element" ? " element-wise" : ""}`;
    },
    bits: base === "bwn" ? 1 : 2,
    // At ratio 1 every channel is BWN/TWN: +-alpha (and 0) per channel, binary (ternary)
    // elements; below it the selected channels or elements stay real-valued: FP32.
    get format() {
      return ratio === 1 ? (base === "bwn" ? binary() : ternary({ threshold })) : FP32;
    },
    calls: 0,
    get ratio() {
      return ratio;
    },
    set ratio(r: number) {
      checkSqRatio("sqWeight ratio", r);
      ratio = r;
    },
    apply(x) {
      if (x.rank < 1)
        throw new RangeError(
          `lowbit: sqWeight needs weights of rank >= 1 (output channels on the last axis); got rank ${x.rank}`,
        );
      const channels = x.shape[x.rank - 1];
      const { hybrid } = stochasticQuantize(x.dataSync() as Float32Array, channels, {
        base,
        ratio,
        probability,
        granularity,
        threshold,
        seed,
        stream: this.calls++,
      });
      return tf.tensor(hybrid, x.shape, "float32");
    },
    saveState: () => ({ ratio }),
    loadState(state) {
      const r = (state as { ratio?: number }).ratio;
      if (r !== undefined) this.ratio = r;
    },
  };
}

/** Sets the SQ ratio of every sqWeight quantizer in a model; returns how many it set. */
export function setSqRatio(model: tf.LayersModel, ratio: number): number {
  checkSqRatio("setSqRatio ratio", ratio);
  let count = 0;
  for (const layer of model.layers) {
    const q = layer instanceof QuantLayer ? layer.quant.weight : undefined;
    if (isSqWeight(q)) {
      q.ratio = ratio;
      count++;
    }
  }
  return count;
}

/** Whether a quantizer is an sqWeight one. */
export function isSqWeight(q: TensorQuantizer | undefined): q is SqWeightQuantizer {
  return (q as Partial<SqWeightQuantizer> | undefined)?.kind === "sq";
}
