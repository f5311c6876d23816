/**
 * A character-level LSTM language model, the shape of QNN's quantized recurrent experiments at
 * laptop scale (Hubara et al., JMLR 2017):
 *
 *   one-hot characters [batch, time, vocab] -> QuantLstm x layers -> dense(vocab)
 *
 * giving logits [batch, time, vocab] for the next character at every step. The input is one-hot
 * rather than ids through an embedding: the first LSTM's input weights are the embedding (a
 * product with a one-hot vector selects a row), and tfjs's embedding gradient needs a kernel
 * (UnsortedSegmentSum) that the wasm backend lacks. summary() counts that product as MACs,
 * although hardware would do a lookup. Each LSTM and the
 * output layer are quantized by the config the `quant` factory returns for them (default
 * float), the LSTMs' gates by the optional `gates` factory. Train with trainStep and
 * softmaxCrossEntropy against the one-hot next characters [batch, time, vocab].
 */
import * as tf from "../backend/tf";
import { checkInteger, checkSeed, MODEL_SEED_MAX } from "../core/checks";
import { quantDense, quantLstm, type QuantLstmArgs } from "../layers";
import type { QuantFactory, ZooLayer } from "./zoo_quant";

export interface CharLstmOptions {
  vocab: number;
  /** Units of every LSTM layer; default 256. */
  hidden?: number;
  /** Number of stacked LSTM layers; default 2. */
  layers?: number;
  /** Sequence length, when fixed (lets summary() count MACs per sequence). */
  sequenceLength?: number;
  quant?: QuantFactory;
  gates?: (layer: ZooLayer) => QuantLstmArgs["gates"];
  /** Clip the master weights of every quantized layer to +-weightClip. */
  weightClip?: number;
  seed?: number;
}

export function charLstm(options: CharLstmOptions): tf.Sequential {
  const {
    vocab,
    hidden = 256,
    layers = 2,
    sequenceLength = null,
    quant = () => ({}),
    gates,
    weightClip,
    seed = 0,
  } = options;
  checkSeed("charLstm seed", seed, MODEL_SEED_MAX);
  for (const [what, n] of Object.entries({ vocab, hidden, layers })) {
    checkInteger(`charLstm ${what}`, n, 1);
  }
  const info = (index: number, kind: ZooLayer["kind"], fanIn: number): ZooLayer => ({
    index,
    name: `${kind}${index}`,
    kind,
    fanIn,
    first: index === 0,
    last: index === layers,
  });
  const model: tf.layers.Layer[] = [];
  for (let i = 0; i < layers; i++) {
    const layer = info(i, "lstm", (i === 0 ? vocab : hidden) + hidden);
    model.push(
      quantLstm({
        name: layer.name,
        units: hidden,
        quant: quant(layer),
        gates: gates?.(layer),
        weightClip,
        seed: seed * 16 + i,
        ...(i === 0 ? { inputShape: [sequenceLength, vocab] } : {}),
      }),
    );
  }
  const out = info(layers, "dense", hidden);
  model.push(quantDense({ name: out.name, units: vocab, quant: quant(out), weightClip, seed: seed * 16 + layers }));
  return tf.sequential({ name: "char_lstm", layers: model });
}
