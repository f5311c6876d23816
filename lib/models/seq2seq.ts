/**
 * An LSTM encoder-decoder (Sutskever et al. 2014), GNMT's skeleton without attention and at
 * laptop scale, built from lowbit's quantized layers so that every W, A, G, E can be quantized:
 *
 *   source one-hot [batch, S, Vs] -> QuantLstm encoder -> final state (h, c)
 *   decoder input one-hot [batch, T, Vt] -> QuantLstm decoder, starting from (h, c)
 *                                        -> QuantDense -> logits [batch, T, Vt]
 *
 * Trained with teacher forcing (the decoder reads the true previous target token; see
 * translationBatch) through trainStep with inputs [source, decoderInput] and softmaxCrossEntropy
 * against the one-hot targets. Translated with greedyDecode. The three layers are quantized by
 * the config the `quant` factory returns for each (default float).
 */
import * as tf from "../backend/tf";
import { checkInteger, checkSeed, MODEL_SEED_MAX } from "../core/checks";
import { quantDense, quantLstm } from "../layers";
import type { QuantFactory, ZooLayer } from "./zoo_quant";

export interface Seq2SeqOptions {
  sourceVocab: number;
  targetVocab: number;
  /** S and T: source and target positions. */
  sourceLength: number;
  targetLength: number;
  /** Units of the encoder and decoder LSTMs; default 128. */
  hidden?: number;
  quant?: QuantFactory;
  seed?: number;
}

export function seq2seq(options: Seq2SeqOptions): tf.LayersModel {
  const { sourceVocab, targetVocab, sourceLength, targetLength, hidden = 128, quant = () => ({}), seed = 0 } = options;
  checkSeed("seq2seq seed", seed, MODEL_SEED_MAX);
  for (const [what, n] of Object.entries({ sourceVocab, targetVocab, sourceLength, targetLength, hidden })) {
    checkInteger(`seq2seq ${what}`, n, 1);
  }
  const info = (index: number, name: string, kind: ZooLayer["kind"], fanIn: number): ZooLayer => ({
    index,
    name,
    kind,
    fanIn,
    first: index === 0,
    last: index === 2,
  });
  const enc = info(0, "encoder", "lstm", sourceVocab + hidden);
  const dec = info(1, "decoder", "lstm", targetVocab + hidden);
  const out = info(2, "output", "dense", hidden);
  const source = tf.input({ shape: [sourceLength, sourceVocab], name: "source" });
  const decoderInput = tf.input({ shape: [targetLength, targetVocab], name: "decoder_input" });
  const [, h, c] = quantLstm({
    name: enc.name,
    units: hidden,
    returnSequences: false,
    returnState: true,
    quant: quant(enc),
    seed: seed * 16,
  }).apply(source) as tf.SymbolicTensor[];
  const decoded = quantLstm({ name: dec.name, units: hidden, quant: quant(dec), seed: seed * 16 + 1 }).apply([
    decoderInput,
    h,
    c,
  ]) as tf.SymbolicTensor;
  const logits = quantDense({ name: out.name, units: targetVocab, quant: quant(out), seed: seed * 16 + 2 }).apply(
    decoded,
  ) as tf.SymbolicTensor;
  return tf.model({ name: "seq2seq", inputs: [source, decoderInput], outputs: logits });
}

/**
 * Greedy translation: the decoder input starts as BOS; at step t the model's most likely token
 * at position t becomes the input at t + 1. The LSTMs are causal, so position t of a full pass
 * depends only on the inputs up to t: T passes of the whole model give the T tokens (cheap at
 * these lengths, and no second, step-by-step copy of the model). Returns the token ids
 * [batch][T] (cut them at EOS with Vocabulary.decode).
 */
export function greedyDecode(model: tf.LayersModel, source: tf.Tensor3D, bos: number): number[][] {
  const [, T, V] = model.inputs[1].shape as number[];
  checkInteger("greedyDecode bos", bos, 0, V - 1);
  const batch = source.shape[0];
  const input = new Float32Array(batch * T * V);
  const ids = Array.from({ length: batch }, () => new Array<number>(T).fill(0));
  for (let b = 0; b < batch; b++) input[b * T * V + bos] = 1;
  for (let t = 0; t < T; t++) {
    const next = tf.tidy(() => {
      const logits = model.apply([source, tf.tensor3d(input, [batch, T, V])]) as tf.Tensor3D;
      return logits.slice([0, t, 0], [batch, 1, V]).argMax(-1);
    });
    const tokens = next.dataSync();
    next.dispose();
    for (let b = 0; b < batch; b++) {
      ids[b][t] = tokens[b];
      if (t + 1 < T) input[(b * T + t + 1) * V + tokens[b]] = 1;
    }
  }
  return ids;
}
