/**
 * The experiment "dfp-seq2seq": notebook 01's laptop-scale stand-in for Su et al.'s (2020) 8-bit
 * GNMT. lowbit's seq2seq (an LSTM encoder, an LSTM decoder and a dense output layer, no
 * attention) learns numberTranslation (English number words to digits, up to six digits), in FP32
 * (bits null) or with W, A, G, E of all three layers and the stored weights in b-bit dynamic fixed
 * point (max rule, stochastic rounding by default). Adam at learningRate, then at a tenth of it
 * for the last fifth of the steps; batches of batchSize pairs drawn at random with replacement.
 * Scored by corpus BLEU-4 of greedy translations of testPairs sentences whose numbers never occur
 * in training.
 *
 * Configuration keys (defaults): bits (null: FP32), rounding ("stochastic"), hidden (96), steps
 * (1000), trainPairs (30000), testPairs (500), evalEvery (250), batchSize (64), learningRate
 * (0.01), taskSeed (0: the sentence pairs, the same for every seed).
 * Metrics: bleu (x 100), exact (fraction of test sentences translated exactly), brevityPenalty,
 * at every evalEvery steps bleuStep<k> and lossStep<k> (mean training loss of the evalEvery steps
 * up to k), and tensorsGained (tensors alive after training minus after the first step: 0 unless
 * something leaks).
 * The seed gives the initial weights and the batch order, the same in FP32 and DFP (paired by
 * seed), and the quantizers' random streams.
 */
import { checkInteger, checkOneOf, MODEL_SEED_MAX } from "../core/checks";
import type { ExperimentContext, Metrics, RegisteredExperiment } from "../sweep/experiment";
import { checkConfigKeys } from "../sweep/experiment";
import type { JsonObject } from "../sweep/json_value";
import { DFP_ROUNDINGS, dfpQuantizers, type DfpRounding } from "./dfp_lenet";

const NAME = "dfp-seq2seq";
const KEYS = [
  "bits",
  "rounding",
  "hidden",
  "steps",
  "trainPairs",
  "testPairs",
  "evalEvery",
  "batchSize",
  "learningRate",
  "taskSeed",
];

function integer(config: JsonObject, key: string, fallback: number, min: number, max: number): number {
  const v = config[key] ?? fallback;
  checkInteger(`experiment "${NAME}" ${key}`, typeof v === "number" ? v : Number.NaN, min, max);
  return v as number;
}

export async function dfpSeq2seqExperiment(config: JsonObject, { seed }: ExperimentContext): Promise<Metrics> {
  checkConfigKeys(NAME, config, KEYS);
  checkInteger(`experiment "${NAME}" seed`, seed, 0, MODEL_SEED_MAX - 50);
  const bits = config.bits ?? null;
  if (bits !== null) checkInteger(`experiment "${NAME}" bits`, typeof bits === "number" ? bits : Number.NaN, 2, 32);
  const rounding = String(config.rounding ?? "stochastic");
  checkOneOf(`experiment "${NAME}" rounding`, rounding, DFP_ROUNDINGS);
  const hidden = integer(config, "hidden", 96, 1, 4096);
  const steps = integer(config, "steps", 1000, 1, 1e7);
  const trainPairs = integer(config, "trainPairs", 30000, 1, 1e7);
  const testPairs = integer(config, "testPairs", 500, 1, 1e6);
  const evalEvery = integer(config, "evalEvery", 250, 1, steps);
  const batchSize = integer(config, "batchSize", 64, 1, 1e5);
  const taskSeed = integer(config, "taskSeed", 0, 0, 2 ** 32 - 1);
  const lr = config.learningRate ?? 0.01;
  if (typeof lr !== "number" || !(lr > 0 && lr <= 10))
    throw new RangeError(
      `lowbit: experiment "${NAME}" learningRate must be a number in (0, 10]; got ${JSON.stringify(lr)}`,
    );

  const tf = require("../backend/tf") as typeof import("../backend/tf");
  const { initBackend } = require("../backend") as typeof import("../backend");
  const { numberTranslation, translationBatch, BOS } = require("../data") as typeof import("../data");
  const { seq2seq, greedyDecode } = require("../models") as typeof import("../models");
  const { train, storeQuantized } = require("../train") as typeof import("../train");
  const { corpusBleu } = require("../metrics/bleu") as typeof import("../metrics/bleu");
  const { Rng } = require("../core/random") as typeof import("../core/random");
  await initBackend();

  const task = numberTranslation({ split: "train", size: trainPairs, seed: taskSeed });
  const test = numberTranslation({ split: "test", size: testPairs, seed: taskSeed });
  const references = test.pairs.map((p) => [p.target]);
  const testBatch = translationBatch(test.pairs, task);
  // Streams seed + 50 onwards: apart from the LeNet experiment's quantizers of the same seed.
  const q = bits === null ? null : dfpQuantizers(bits as number, rounding as DfpRounding, seed + 50);
  const model = seq2seq({
    sourceVocab: task.source.size,
    targetVocab: task.target.size,
    sourceLength: task.sourceLength,
    targetLength: task.targetLength,
    hidden,
    seed,
    quant: () => (q === null ? {} : { weight: q(), activation: q(), gradient: q(), error: q() }),
  });
  const optimizer = q === null ? tf.train.adam(lr) : storeQuantized(tf.train.adam(lr), () => q());
  const order = new Rng(seed, 7);
  function* sampled() {
    for (;;) {
      const picked = Array.from({ length: batchSize }, () => task.pairs[order.int(task.pairs.length)]);
      const batch = translationBatch(picked, task);
      yield { x: [batch.source, batch.decoderInput], y: batch.decoderTarget, dispose: () => batch.dispose() };
    }
  }
  const score = () => {
    const hypotheses = greedyDecode(model, testBatch.source, task.target.id(BOS)).map((ids) => task.target.decode(ids));
    const exact = hypotheses.filter((h, i) => h.join(" ") === test.pairs[i].target.join(" ")).length;
    return { ...corpusBleu(hypotheses, references), exact: exact / hypotheses.length };
  };

  const metrics: Metrics = {};
  let tensorsAfterFirstStep = 0;
  let windowLoss = 0;
  try {
    await train({
      model,
      optimizer,
      batches: sampled(),
      stepsPerEpoch: steps,
      progress: false,
      learningRate: ({ step }) => (step < Math.floor(0.8 * steps) ? lr : lr / 10),
      onStep: (s) => {
        // The optimizer's state exists from the first step on; after it the count must stay flat.
        if (s.step === 1) tensorsAfterFirstStep = tf.memory().numTensors;
        windowLoss += s.loss;
        if (s.step % evalEvery === 0) {
          metrics[`bleuStep${s.step}`] = 100 * score().bleu;
          metrics[`lossStep${s.step}`] = windowLoss / evalEvery;
          windowLoss = 0;
        }
      },
    });
    const final = score();
    metrics.tensorsGained = tf.memory().numTensors - tensorsAfterFirstStep;
    return { bleu: 100 * final.bleu, exact: final.exact, brevityPenalty: final.brevityPenalty, ...metrics };
  } finally {
    model.dispose();
    optimizer.dispose();
    testBatch.dispose();
  }
}

export const DFP_SEQ2SEQ: RegisteredExperiment = {
  run: dfpSeq2seqExperiment,
  description:
    "LSTM encoder-decoder on number words to digits, FP32 or W, A, G, E and stored weights in b-bit dynamic fixed " +
    'point (Su et al. 2020): bits (null: FP32), rounding ("stochastic"), hidden (96), steps (1000), trainPairs (30000), ' +
    "testPairs (500), evalEvery (250), batchSize (64), learningRate (0.01, a tenth for the last fifth), taskSeed (0); " +
    "metrics bleu, exact, brevityPenalty, bleuStep<k>, lossStep<k>, tensorsGained",
};
