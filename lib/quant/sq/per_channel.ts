/**
 * The base quantizers of stochastic quantization (SQ, Dong et al. 2017), with one scale per
 * output channel ("filter"), as the authors' Caffe layers compute them.
 *
 * Layout: tfjs keeps the output channel on the last axis (conv [kh, kw, in, out], dense
 * [in, out]), so element j of the flat array belongs to channel c = j mod C. "Row i" in the
 * paper (a filter W_i) is the set of elements with c = i.
 *
 *   BWN:  Q_i = a_i sign(W_i),  a_i = mean |W_i|,  sign(0) = +1.
 *   TWN:  Delta = t * mean |W| over the whole layer (t = 0.7; TWN's definition, shared with
 *         the ternary format: lib/quant/formats/twn_threshold.ts says why not the
 *         mean |W - mean W| of the SQ authors' code);
 *         Q = +a_i / -a_i / 0 where W > Delta / W < -Delta / otherwise;
 *         a_i = mean of |W_i| over the finite entries with |W| > Delta (0 when there are none).
 *         As in the ternary format, Delta and a_i use finite weights only, NaN stays NaN and
 *         +-Inf becomes +-a_i.
 *
 * Sums run in float64; scales and Delta are rounded once to float32, so each output element is
 * exactly the float32 the formula gives for the float32 scale.
 */
import { checkInteger } from "../../core/checks";
import { twnThreshold } from "../formats/twn_threshold";

export interface PerChannelQuantized {
  /** The quantized weights, same layout as the input. */
  q: Float32Array;
  /** a_i per output channel. */
  scales: Float32Array;
  /** TWN's threshold Delta (undefined for BWN). */
  delta?: number;
}

export type SqBase = "bwn" | "twn";
export const SQ_BASES: readonly SqBase[] = ["bwn", "twn"];

/** Checks that `w` splits into `channels` equal channels on its last axis. */
export function checkChannels(what: string, w: Float32Array, channels: number): void {
  checkInteger(`${what} channels`, channels, 1);
  if (w.length === 0 || w.length % channels !== 0) {
    throw new RangeError(`lowbit: ${what} needs weights whose length is a positive multiple of channels (${channels}); got length ${w.length}`);
  }
}

/** BWN per output channel: Q_i = mean|W_i| * sign(W_i). */
export function bwnPerChannel(w: Float32Array, channels: number): PerChannelQuantized {
  checkChannels("bwnPerChannel", w, channels);
  const sums = new Float64Array(channels);
  for (let j = 0; j < w.length; j++) sums[j % channels] += Math.abs(w[j]);
  const perChannel = w.length / channels;
  const scales = Float32Array.from(sums, (s) => s / perChannel);
  const q = new Float32Array(w.length);
  for (let j = 0; j < w.length; j++) {
    const a = scales[j % channels];
    q[j] = w[j] >= 0 ? a : w[j] < 0 ? -a : NaN;
  }
  return { q, scales };
}

/** TWN per output channel with a layer-wide threshold Delta = threshold * mean|W|. */
export function twnPerChannel(w: Float32Array, channels: number, threshold = 0.7): PerChannelQuantized {
  checkChannels("twnPerChannel", w, channels);
  if (!(threshold >= 0 && Number.isFinite(threshold))) {
    throw new RangeError(`lowbit: twnPerChannel threshold must be a finite number >= 0; got ${threshold}`);
  }
  const delta = twnThreshold(w, threshold);
  const keptSum = new Float64Array(channels), kept = new Float64Array(channels);
  for (let j = 0; j < w.length; j++) {
    if ((w[j] > delta || w[j] < -delta) && Number.isFinite(w[j])) {
      keptSum[j % channels] += Math.abs(w[j]);
      kept[j % channels]++;
    }
  }
  const scales = Float32Array.from(keptSum, (s, i) => (kept[i] > 0 ? s / kept[i] : 0));
  const q = new Float32Array(w.length);
  for (let j = 0; j < w.length; j++) {
    const a = scales[j % channels], v = w[j];
    q[j] = v > delta ? a : v < -delta ? -a : Number.isNaN(v) ? NaN : 0;
  }
  return { q, scales, delta };
}

/** The base quantizer by name. */
export function perChannelQuantize(base: SqBase, w: Float32Array, channels: number, threshold = 0.7): PerChannelQuantized {
  switch (base) {
    case "bwn": return bwnPerChannel(w, channels);
    case "twn": return twnPerChannel(w, channels, threshold);
  }
}
