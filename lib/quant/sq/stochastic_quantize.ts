/**
 * One SQ step on a layer's weights (Dong et al. 2017, as the authors' code does it per forward):
 *   1. Q = base quantizer per output channel (BWN or TWN);
 *   2. e = relative error per filter (or per element);
 *   3. choose floor((1 - r) * n) filters (elements) to keep real by roulette without
 *      replacement, with p proportional to e ("error") or equal ("uniform");
 *   4. H = hybrid of W (chosen) and Q (the rest).
 * At r = 1 nothing is chosen and H = Q exactly (no random numbers are drawn).
 */
import { checkOneOf } from "../../core/checks";
import { perChannelQuantize, SQ_BASES, type SqBase } from "./per_channel";
import { hybridWeight } from "./hybrid";
import { relativeErrors, SQ_GRANULARITIES, type SqGranularity } from "./relative_error";
import { roulette } from "./roulette";
import { checkSqRatio, keptRealCount } from "./schedule";

export type SqProbability = "error" | "uniform";
export const SQ_PROBABILITIES: readonly SqProbability[] = ["error", "uniform"];

export interface StochasticQuantizeOptions {
  base: SqBase;
  /** The SQ ratio r in [0, 1]: the fraction of filters (elements) quantized. */
  ratio: number;
  probability?: SqProbability;
  granularity?: SqGranularity;
  /** TWN's threshold factor (default 0.7). */
  threshold?: number;
  seed: number;
  stream?: number;
}

export interface StochasticQuantized {
  hybrid: Float32Array;
  /** The base quantizer's output for the whole layer. */
  quantized: Float32Array;
  /** Relative errors per filter (or element). */
  errors: Float64Array;
  /** Indices of the filters (elements) kept real, in draw order. */
  keptReal: Int32Array;
}

export function stochasticQuantize(
  w: Float32Array,
  channels: number,
  options: StochasticQuantizeOptions,
): StochasticQuantized {
  const { base, ratio, probability = "error", granularity = "filter", threshold = 0.7, seed, stream = 0 } = options;
  checkSqRatio("stochasticQuantize ratio", ratio);
  checkOneOf("stochasticQuantize base", base, SQ_BASES);
  checkOneOf("stochasticQuantize probability", probability, SQ_PROBABILITIES);
  checkOneOf("stochasticQuantize granularity", granularity, SQ_GRANULARITIES);
  const { q } = perChannelQuantize(base, w, channels, threshold);
  const errors = relativeErrors(w, q, channels, granularity);
  const count = keptRealCount(errors.length, ratio);
  const keptReal =
    count === 0
      ? new Int32Array(0)
      : roulette(probability === "error" ? errors : new Float64Array(errors.length).fill(1), count, { seed, stream });
  const hybrid = count === 0 ? q.slice() : hybridWeight(w, q, channels, keptReal, granularity);
  return { hybrid, quantized: q, errors, keptReal };
}
