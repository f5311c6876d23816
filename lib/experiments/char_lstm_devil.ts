/**
 * The experiment "char-lstm-devil": a character-level LSTM language model (charLstm) on Ambrose
 * Bierce's The Devil's Dictionary (Debian's dict-devil), float or quantized to k bits the way
 * QNN quantizes its recurrent networks (Hubara et al., JMLR 2017): the LSTM's and the output
 * layer's weights as k-bit dynamic fixed point (a power-of-two scale per column, chosen by the
 * overflow rule) and the LSTM's output h as k-bit fixed point in [-1, 1), so the recurrent
 * product multiplies k-bit activations. Adam on random windows of the training text.
 *
 * Configuration keys (defaults): bits (32 = float, else 2 to 8), hidden (128), steps (400),
 * batch (32), length (32: characters per training window), testWindows (1000 windows of 256
 * characters of the test split), learningRate (0.003).
 * Metrics: perplexity (per character on the test windows: exp of the mean cross-entropy),
 * bitsPerChar (log2 of it), trainLoss (mean of the last 50 steps' cross-entropy).
 * The seed gives the initial weights and the training windows.
 */
import { checkInteger, MODEL_SEED_MAX } from "../core/checks";
import type { ExperimentContext, Metrics, RegisteredExperiment } from "../sweep/experiment";
import { checkConfigKeys } from "../sweep/experiment";
import type { JsonObject } from "../sweep/json_value";
import { windowedCrossEntropy } from "./character_windows";
import { ConfigReader } from "./config";

const NAME = "char-lstm-devil";
const KEYS = ["bits", "hidden", "steps", "batch", "length", "testWindows", "learningRate"];
/** Characters per test window: long enough that the state's warm-up is a small part of the score. */
const TEST_LENGTH = 256;
/** Test windows per forward pass. */
const TEST_CHUNK = 16;

export async function charLstmDevil(config: JsonObject, { seed }: ExperimentContext): Promise<Metrics> {
  checkConfigKeys(NAME, config, KEYS);
  checkInteger(`experiment "${NAME}" seed`, seed, 0, MODEL_SEED_MAX);
  const read = new ConfigReader(NAME, config);
  const bits = read.oneOf("bits", 32, [2, 3, 4, 5, 6, 7, 8, 32]);
  const hidden = read.integer("hidden", 128, 1, 4096);
  const steps = read.integer("steps", 400, 1, 1e6);
  const batch = read.integer("batch", 32, 1, 4096);
  const length = read.integer("length", 32, 1, 4096);
  const testWindows = read.integer("testWindows", 1000, 1, 1e6);
  const learningRate = read.number("learningRate", 0.003, 0, 1);
  const tf = require("../backend/tf") as typeof import("../backend/tf");
  const { initBackend } = require("../backend") as typeof import("../backend");
  const { Rng } = require("../core/random") as typeof import("../core/random");
  const { loadDevilsDictionary, randomWindows, windowStarts } = require("../data") as typeof import("../data");
  const { charLstm } = require("../models") as typeof import("../models");
  const { dfpQuantizer, formatQuantizer } = require("../layers") as typeof import("../layers");
  const { fixedPoint } = require("../quant") as typeof import("../quant");
  const { train, softmaxCrossEntropy } = require("../train") as typeof import("../train");
  await initBackend();
  const corpus = loadDevilsDictionary();
  const vocab = corpus.vocab.length;
  const quant =
    bits === 32
      ? () => ({})
      : (layer: { kind: string }) => ({
          weight: dfpQuantizer({ bits, granularity: "channel", exponent: "overflow", maxOverflowRate: 0.01 }),
          ...(layer.kind === "lstm" ? { activation: formatQuantizer(fixedPoint({ bits, frac: bits - 1 })) } : {}),
        });
  const model = charLstm({ vocab, hidden, layers: 1, sequenceLength: length, quant, seed });
  const optimizer = tf.train.adam(learningRate);
  try {
    const run = await train({
      model,
      optimizer,
      batches: randomWindows(corpus.train, length, batch, vocab, new Rng(seed)),
      stepsPerEpoch: steps,
      loss: softmaxCrossEntropy,
      progress: false,
    });
    const starts = windowStarts(corpus.test, TEST_LENGTH, "all").slice(0, testWindows);
    const crossEntropy = windowedCrossEntropy(model, corpus.test, starts, TEST_LENGTH, vocab, TEST_CHUNK);
    const tail = run.steps.slice(-50).map((s) => s.loss);
    return {
      perplexity: Math.exp(crossEntropy),
      bitsPerChar: crossEntropy / Math.LN2,
      trainLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
    };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

export const CHAR_LSTM_DEVIL: RegisteredExperiment = {
  run: charLstmDevil,
  description:
    "Character LSTM language model on The Devil's Dictionary, float or k-bit weights (dynamic fixed point) " +
    "and k-bit LSTM outputs: bits (32), hidden (128), steps (400), batch (32), length (32), testWindows " +
    "(1000 of 256 characters), learningRate (0.003); metrics perplexity, bitsPerChar, trainLoss",
};
