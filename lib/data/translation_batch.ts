/**
 * Sentence pairs as the tensors of an encoder-decoder with teacher forcing, one-hot rather than
 * ids (tfjs's embedding gradient needs a kernel the wasm backend lacks; a product with a one-hot
 * row is the same lookup):
 *
 *   source         [batch, S, |source vocab|]  the source words, reversed and left-padded with PAD,
 *                                              so the encoder ends on the first word (Sutskever et
 *                                              al. 2014: the first target word is then close to
 *                                              what it depends on) and its last state follows a real word;
 *   decoderInput   [batch, T, |target vocab|]  BOS y1 ... y(T-1), padded;
 *   decoderTarget  [batch, T, |target vocab|]  y1 ... yn EOS, padded.
 *
 * A target shorter than T - 1 tokens is padded with PAD, which the decoder learns to emit after EOS.
 */
import * as tf from "../backend/tf";
import { checkInteger } from "../core/checks";
import type { TranslationPair } from "./number_translation";
import { BOS, EOS, PAD, type Vocabulary } from "./vocabulary";

export interface TranslationBatch {
  source: tf.Tensor3D;
  decoderInput: tf.Tensor3D;
  decoderTarget: tf.Tensor3D;
  size: number;
  dispose(): void;
}

export interface TranslationShape {
  source: Vocabulary;
  target: Vocabulary;
  /** S: source positions. */
  sourceLength: number;
  /** T: target positions (the longest target plus EOS). */
  targetLength: number;
}

function oneHot(rows: number[][], length: number, vocab: number): tf.Tensor3D {
  const values = new Float32Array(rows.length * length * vocab);
  rows.forEach((ids, b) =>
    ids.forEach((id, t) => {
      values[(b * length + t) * vocab + id] = 1;
    }),
  );
  return tf.tensor3d(values, [rows.length, length, vocab]);
}

function padded(ids: number[], length: number, pad: number, what: string): number[] {
  if (ids.length > length)
    throw new RangeError(`lowbit: translationBatch ${what} has ${ids.length} tokens; at most ${length} fit`);
  return [...ids, ...new Array(length - ids.length).fill(pad)];
}

/** The tensors of `pairs` (the caller disposes them with dispose()). */
export function translationBatch(pairs: readonly TranslationPair[], shape: TranslationShape): TranslationBatch {
  const { source, target, sourceLength: S, targetLength: T } = shape;
  checkInteger("translationBatch sourceLength", S, 1);
  checkInteger("translationBatch targetLength", T, 2);
  if (pairs.length === 0) throw new RangeError("lowbit: translationBatch needs at least one pair");
  const pad = source.id(PAD);
  const src = pairs.map((p) => {
    const ids = p.source.map((w) => source.id(w)).reverse();
    if (ids.length > S)
      throw new RangeError(`lowbit: translationBatch source has ${ids.length} tokens; at most ${S} fit`);
    return [...new Array(S - ids.length).fill(pad), ...ids];
  });
  const tgt = pairs.map((p) => p.target.map((w) => target.id(w)));
  const decIn = tgt.map((ids) => padded([target.id(BOS), ...ids].slice(0, T), T, target.id(PAD), "decoder input"));
  const decOut = tgt.map((ids) => padded([...ids, target.id(EOS)], T, target.id(PAD), "target"));
  const batch = {
    source: oneHot(src, S, source.size),
    decoderInput: oneHot(decIn, T, target.size),
    decoderTarget: oneHot(decOut, T, target.size),
    size: pairs.length,
    dispose: () => tf.dispose([batch.source, batch.decoderInput, batch.decoderTarget]),
  };
  return batch;
}
