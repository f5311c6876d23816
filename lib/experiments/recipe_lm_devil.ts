/**
 * The experiment "recipe-lm-devil": a character-level decoder-only transformer (charTransformer)
 * on Ambrose Bierce's The Devil's Dictionary, its blocks' linear layers computing their three
 * GEMMs (FWD, BWD, GRAD) as a low-bit training recipe says: MXFP8 against float32, MXFP4 with
 * round-to-nearest everywhere against MXFP4 with stochastic rounding and a random Hadamard
 * transform in the backward pass (Tseng et al., AISTATS 2025), NVFP4 (NVIDIA, arXiv 2509.25149).
 * Adam on random windows of the training text, through train().
 *
 * Configuration keys (defaults): recipe ("FP32", or the name of one of GEMM_RECIPES), steps (200),
 * batch (16), length (64: characters per window), dModel (128), layers (4), heads (4),
 * learningRate (0.001), testWindows (200 windows of `length` characters of the test split).
 * A recipe whose blocks, tiles or Hadamard transforms run in b elements (recipeBlockLengths: 32
 * for MX, 16 for NVFP4, 128 for Float8BlockScaling) needs dModel and batch * length (the GRAD
 * GEMM's contraction over the batch's positions) to be multiples of b.
 * Metrics: testLoss (mean cross-entropy per character on the test windows, nats), perplexity
 * (its exp), trainLoss (mean of the last 20 steps' losses), wallSeconds (of the training steps),
 * tensorsGained (tfjs tensors alive after the run minus before: 0 unless something leaks).
 * The seed gives the initial weights, the recipe's random bits and the training windows, so
 * every recipe of one seed starts from the same weights and sees the same windows.
 */
import { checkInteger, MODEL_SEED_MAX } from "../core/checks";
import type { ExperimentContext, Metrics, RegisteredExperiment } from "../sweep/experiment";
import { checkConfigKeys } from "../sweep/experiment";
import type { JsonObject } from "../sweep/json_value";
import { windowedCrossEntropy } from "./character_windows";
import { ConfigReader } from "./config";
import { trainAndMeasure } from "./measured_training";
import { recipeFromConfig } from "./recipe_config";

const NAME = "recipe-lm-devil";
const KEYS = ["recipe", "steps", "batch", "length", "dModel", "layers", "heads", "learningRate", "testWindows"];
/** Test windows per forward pass. */
const EVAL_CHUNK = 32;

export async function recipeLmDevil(config: JsonObject, { seed }: ExperimentContext): Promise<Metrics> {
  checkConfigKeys(NAME, config, KEYS);
  checkInteger(`experiment "${NAME}" seed`, seed, 0, MODEL_SEED_MAX);
  const read = new ConfigReader(NAME, config);
  const steps = read.integer("steps", 200, 1, 1e6);
  const batch = read.integer("batch", 16, 1, 4096);
  const length = read.integer("length", 64, 2, 4096);
  const dModel = read.integer("dModel", 128, 1, 4096);
  const layers = read.integer("layers", 4, 1, 64);
  const heads = read.integer("heads", 4, 1, dModel);
  const learningRate = read.number("learningRate", 0.001, 0, 1);
  const testWindows = read.integer("testWindows", 200, 1, 1e6);
  if (dModel % heads !== 0)
    throw new RangeError(
      `lowbit: experiment "${NAME}" dModel must be a multiple of heads (${heads}); got ${JSON.stringify(config.dModel ?? dModel)}`,
    );
  // The recipe's blocks run along the widths (FWD, BWD) and along the batch's positions (GRAD).
  const recipe = recipeFromConfig(NAME, read, {
    dModel,
    "batch * length": batch * length,
  });
  const { initBackend } = require("../backend") as typeof import("../backend");
  const { Rng } = require("../core/random") as typeof import("../core/random");
  const { loadDevilsDictionary, randomWindows, windowStarts } = require("../data") as typeof import("../data");
  const { charTransformer } = require("../models") as typeof import("../models");
  const { softmaxCrossEntropy } = require("../train") as typeof import("../train");
  await initBackend();
  const corpus = loadDevilsDictionary();
  const vocab = corpus.vocab.length;
  const build = () => charTransformer({ vocab, sequenceLength: length, dModel, layers, heads, recipe, seed });
  const options = {
    batches: randomWindows(corpus.train, length, batch, vocab, new Rng(seed)),
    stepsPerEpoch: steps,
    loss: softmaxCrossEntropy,
  };
  return trainAndMeasure(build, learningRate, options, (model) => {
    const starts = windowStarts(corpus.test, length, "all").slice(0, testWindows);
    const testLoss = windowedCrossEntropy(model, corpus.test, starts, length, vocab, EVAL_CHUNK);
    return { testLoss, perplexity: Math.exp(testLoss) };
  });
}

export const RECIPE_LM_DEVIL: RegisteredExperiment = {
  run: recipeLmDevil,
  description:
    "Character transformer language model on The Devil's Dictionary with its linear layers' GEMMs as a low-bit " +
    'recipe: recipe ("FP32" or a GEMM_RECIPES name: MXFP8BlockScaling, NVFP4BlockScaling, MXFP4_NEAREST, ' +
    "NVFP4_NEAREST, MXFP4_SR_RHT, MXFP4_BWD_NEAREST, ...), steps (200), batch (16), length (64), dModel (128), layers (4), heads (4), " +
    "learningRate (0.001), testWindows (200); metrics testLoss, perplexity, trainLoss, wallSeconds, tensorsGained",
};
