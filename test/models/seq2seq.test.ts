/**
 * seq2seq: output shapes, the decoder starts from the encoder's state, DFP8 training steps leak
 * no tensors and are bit-reproducible, greedyDecode equals step-by-step argmax, and a tiny task
 * is learned.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { dfpQuantizer, initBackend, QuantLayer, seq2seq } from "lowbit";
import { greedyDecode } from "lowbit/models";
import { softmaxCrossEntropy, storeQuantized, trainStep } from "lowbit/train";
import { BOS, numberTranslation, translationBatch } from "lowbit/data";
import { corpusBleu } from "lowbit/stats";

const task = () => numberTranslation({ split: "train", size: 64, seed: 0, maxDigits: 2 });
function dfpModel(t: ReturnType<typeof task>, seed = 1) {
  let s = 10 * seed;
  const q = () => dfpQuantizer({ bits: 8 }, { rounding: "stochastic", seed: s++ });
  const model = seq2seq({
    sourceVocab: t.source.size,
    targetVocab: t.target.size,
    sourceLength: t.sourceLength,
    targetLength: t.targetLength,
    hidden: 16,
    seed: seed,
    quant: () => ({ weight: q(), activation: q(), error: q(), gradient: q() }),
  });
  return { model, optimizer: storeQuantized(tf.train.adam(0.01), () => q()) };
}

describe("seq2seq", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("shapes: logits [batch, T, target vocab]; three quantized layers", () => {
    const t = task();
    const { model } = dfpModel(t);
    const b = translationBatch(t.pairs.slice(0, 5), t);
    const out = model.apply([b.source, b.decoderInput]) as tf.Tensor;
    assert.deepEqual(out.shape, [5, t.targetLength, t.target.size]);
    assert.deepEqual(
      model.layers.filter((l) => l instanceof QuantLayer).map((l) => l.name),
      ["encoder", "decoder", "output"],
    );
    tf.dispose(out);
    b.dispose();
  });

  test("the decoder depends on the source only through the encoder's state", () => {
    const t = task();
    const model = seq2seq({
      sourceVocab: t.source.size,
      targetVocab: t.target.size,
      sourceLength: t.sourceLength,
      targetLength: t.targetLength,
      hidden: 8,
    });
    const b = translationBatch(t.pairs.slice(0, 2), t);
    const swapped = tf.reverse(b.source, 0);
    const logits = tf.tidy(() => [
      model.apply([b.source, b.decoderInput]) as tf.Tensor,
      model.apply([swapped, b.decoderInput]) as tf.Tensor,
    ]);
    const [a, c] = logits.map((t) => t.arraySync()) as number[][][][];
    tf.dispose(logits);
    const diff = a.flat(2).reduce((m, v, i) => Math.max(m, Math.abs(v - c.flat(2)[i])), 0);
    assert.ok(diff > 1e-4, "another source gives other logits");
    tf.dispose([swapped]);
    b.dispose();
  });

  test("DFP8 + SR training steps: no tensor leaks, and the same seeds give the same losses to the bit", () => {
    const t = task();
    const run = () => {
      const { model, optimizer } = dfpModel(t);
      const losses: number[] = [];
      let before_ = 0;
      for (let step = 0; step < 4; step++) {
        const b = translationBatch(t.pairs.slice(16 * step, 16 * step + 16), t);
        const loss = trainStep(model, optimizer, softmaxCrossEntropy, [b.source, b.decoderInput], b.decoderTarget);
        losses.push(loss.dataSync()[0]);
        loss.dispose();
        b.dispose();
        if (step === 1) before_ = tf.memory().numTensors;
        if (step > 1) assert.equal(tf.memory().numTensors, before_, `tensors after step ${step}`);
      }
      model.dispose();
      optimizer.dispose();
      return losses;
    };
    assert.deepEqual(run(), run());
  });

  test("greedyDecode equals the argmax of each position given the tokens decoded before it", () => {
    const t = task();
    const model = seq2seq({
      sourceVocab: t.source.size,
      targetVocab: t.target.size,
      sourceLength: t.sourceLength,
      targetLength: t.targetLength,
      hidden: 8,
      seed: 3,
    });
    const b = translationBatch(t.pairs.slice(0, 3), t);
    const before_ = tf.memory().numTensors;
    const ids = greedyDecode(model, b.source, t.target.id(BOS));
    assert.equal(tf.memory().numTensors, before_);
    // Reference: feed BOS + the decoded prefix, padded with PAD (any filler: the decoder is causal), and read position t.
    for (let row = 0; row < 3; row++) {
      for (let pos = 0; pos < t.targetLength; pos++) {
        const input = [t.target.id(BOS), ...ids[row].slice(0, pos)];
        while (input.length < t.targetLength) input.push(0);
        const best = tf.tidy(() => {
          const dec = tf.oneHot(tf.tensor2d([input], [1, t.targetLength], "int32"), t.target.size).toFloat();
          const logits = model.apply([b.source.slice([row, 0, 0], [1, -1, -1]), dec]) as tf.Tensor;
          return logits.slice([0, pos, 0], [1, 1, -1]).argMax(-1).dataSync()[0];
        });
        assert.equal(ids[row][pos], best, `row ${row} position ${pos}`);
      }
    }
    b.dispose();
  });

  test("learns a tiny task (one- and two-digit numbers) in float", () => {
    const t = numberTranslation({ split: "train", size: 640, seed: 0, maxDigits: 2 });
    const model = seq2seq({
      sourceVocab: t.source.size,
      targetVocab: t.target.size,
      sourceLength: t.sourceLength,
      targetLength: t.targetLength,
      hidden: 32,
      seed: 1,
    });
    const optimizer = tf.train.adam(0.02);
    for (let epoch = 0; epoch < 6; epoch++) {
      for (let i = 0; i < t.pairs.length; i += 64) {
        const b = translationBatch(t.pairs.slice(i, i + 64), t);
        trainStep(model, optimizer, softmaxCrossEntropy, [b.source, b.decoderInput], b.decoderTarget).dispose();
        b.dispose();
      }
    }
    const pairs = t.pairs.slice(0, 200);
    const b = translationBatch(pairs, t);
    const hyp = greedyDecode(model, b.source, t.target.id(BOS)).map((r) => t.target.decode(r));
    b.dispose();
    const unigram = corpusBleu(
      hyp,
      pairs.map((p) => [p.target]),
      { maxOrder: 2 },
    ).bleu;
    assert.ok(unigram > 0.5, `BLEU-2 ${unigram}`);
  });
});
