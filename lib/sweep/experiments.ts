/**
 * The experiments lowbit registers by name, and how a worker finds a sweep's experiment: by name
 * here, or as a function exported by the sweep's module (a user's file or package).
 */
import { DFP_LENET } from "../experiments/dfp_lenet";
import { DFP_SEQ2SEQ } from "../experiments/dfp_seq2seq";
import { ACCUMULATION_CNN } from "../experiments/accumulation_cnn";
import { FP8_MLP } from "../experiments/fp8_mlp";
import type { Experiment, RegisteredExperiment } from "./experiment";
import { CHAR_LSTM_DEVIL } from "../experiments/char_lstm_devil";
import { QNN_MLP_MNIST } from "../experiments/qnn_mlp_mnist";
import { LEAST_SQUARES_SGD } from "./least_squares_sgd";
import { MNIST_MLP } from "./mnist_mlp";
import { WAGE_LENET } from "../experiments/wage_lenet";
import { SQ_VGG } from "../experiments/sq_vgg";
import { RECIPE_LM_DEVIL } from "../experiments/recipe_lm_devil";
import { RECIPE_MLP_FASHION } from "../experiments/recipe_mlp_fashion";

export const EXPERIMENTS: Readonly<Record<string, RegisteredExperiment>> = {
  "least-squares-sgd": LEAST_SQUARES_SGD,
  "mnist-mlp": MNIST_MLP,
  "dfp-lenet": DFP_LENET,
  "dfp-seq2seq": DFP_SEQ2SEQ,
  "wage-lenet": WAGE_LENET,
  "sq-vgg": SQ_VGG,
  "qnn-mlp-mnist": QNN_MLP_MNIST,
  "char-lstm-devil": CHAR_LSTM_DEVIL,
  "accumulation-cnn": ACCUMULATION_CNN,
  "fp8-mlp": FP8_MLP,
  "recipe-lm-devil": RECIPE_LM_DEVIL,
  "recipe-mlp-fashion": RECIPE_MLP_FASHION,
};

/** The function of experiment `name`, from `module` (a path or package name) or lowbit's EXPERIMENTS. */
export function loadExperiment(name: string, module?: string): Experiment {
  if (module === undefined) {
    const registered = EXPERIMENTS[name];
    if (registered === undefined)
      throw new RangeError(
        `lowbit: unknown experiment "${name}"; lowbit's experiments are ${Object.keys(EXPERIMENTS).join(", ")} ` +
          `(or give a module that exports it)`,
      );
    return registered.run;
  }
  let exported: Record<string, unknown>;
  try {
    exported = require(module) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`lowbit: cannot load the sweep's module ${module}: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  const fn = exported[name] ?? (exported.default as Record<string, unknown> | undefined)?.[name];
  if (typeof fn !== "function")
    throw new RangeError(
      `lowbit: module ${module} exports no function "${name}"; it exports ${
        Object.keys(exported)
          .filter((k) => typeof exported[k] === "function")
          .join(", ") || "no functions"
      }`,
    );
  return fn as Experiment;
}
