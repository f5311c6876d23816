/**
 * The base quantizers of stochastic quantization (SQ, Dong et al. 2017), with one scale per
 * output channel ("filter"), as the authors' Caffe layers compute them.
 *
 * Layout: tfjs keeps the output channel on the last axis (conv [kh, kw, in, out], dense
 * [in, out]), so element j of the flat array belongs to channel c = j mod C. "Row i" in the
 * paper (a filter W_i) is the set of elements with c = i.
 *
 *   BWN:  Q_i = a_i sign(W_i),  a_i = mean |W_i| over its finite values,  sign(0) = +1
 *         (an Inf or NaN weight must not make its channel's scale Inf or NaN; a channel without
 *         a finite nonzero weight has a_i = 0).
 *   TWN:  Delta = t * mean |W| over the whole layer (t = 0.7; TWN's definition, shared with
 *         the ternary format: lib/quant/formats/twn_threshold.ts says why not the
 *         mean |W - mean W| of the SQ authors' code);
 *         Q = +a_i / -a_i / 0 where W > Delta / W < -Delta / otherwise;
 *         a_i = mean of |W_i| over the finite entries with |W| > Delta (0 when there are none).
 *         As in the ternary format, Delta and a_i use finite weights only, NaN stays NaN and
 *         +-Inf becomes +-a_i.
 *
 * Sums run in float64; scales and Delta are rounded once to float32, so each output element is
 * exactly the float32 the formula gives for the float32 scale. Both are instances of the scaled
 * formats (lib/quant/scaled/instances.ts: bwnFormat, twnFormat).
 */
import { checkInteger } from "../../core/checks";
import type { ScaledFormat } from "../formats/scaled";
import { twnThreshold } from "../formats/twn_threshold";
import { bwnFormat, twnFormat } from "../scaled/instances";
import { groupScales, quantizeScaledWith } from "../scaled/quantize_scaled";

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
    throw new RangeError(
      `lowbit: ${what} needs weights whose length is a positive multiple of channels (${channels}); got length ${w.length}`,
    );
  }
}

/** The per-channel quantization of w ([rows, channels] flat) and its scales. */
function perChannel(w: Float32Array, channels: number, f: ScaledFormat): { q: Float32Array; scales: Float32Array } {
  let scales: Float64Array | undefined;
  const q = quantizeScaledWith(
    w,
    f,
    {},
    (input) => {
      const s = groupScales(input, f, {});
      scales = s.scales;
      return s;
    },
    false,
    [w.length / channels, channels],
  );
  return { q, scales: Float32Array.from(scales!) };
}

/** BWN per output channel: Q_i = mean|W_i| * sign(W_i), the mean over the finite values. */
export function bwnPerChannel(w: Float32Array, channels: number): PerChannelQuantized {
  checkChannels("bwnPerChannel", w, channels);
  return perChannel(w, channels, bwnFormat());
}

/** TWN per output channel with a layer-wide threshold Delta = threshold * mean|W|. */
export function twnPerChannel(w: Float32Array, channels: number, threshold = 0.7): PerChannelQuantized {
  checkChannels("twnPerChannel", w, channels);
  if (!(threshold >= 0 && Number.isFinite(threshold))) {
    throw new RangeError(`lowbit: twnPerChannel threshold must be a finite number >= 0; got ${threshold}`);
  }
  return { ...perChannel(w, channels, twnFormat({ threshold })), delta: twnThreshold(w, threshold) };
}

/** The base quantizer by name. */
export function perChannelQuantize(
  base: SqBase,
  w: Float32Array,
  channels: number,
  threshold = 0.7,
): PerChannelQuantized {
  switch (base) {
    case "bwn":
      return bwnPerChannel(w, channels);
    case "twn":
      return twnPerChannel(w, channels, threshold);
  }
}
