/**
 * The zoo's networks in lib/networks' registry, at their default sizes: cost("qnn-mlp", ...),
 * accumulationTable("char-lstm", ...) and the `lowbit` command's names. Their layers come from
 * building the model once, on first use. LeNet-5 is registered as data by lib/networks (its
 * spec gives the same figures as lenet5() builds; test/hw/cost.test.ts checks it).
 */
import { builtModelLayers } from "../layers/model_layers";
import { registerNetwork } from "../networks/registry";
import { charLstm } from "./char_lstm";
import { qnnMlp } from "./qnn_mlp";
import { vggNet } from "./vgg";
import { wageLeNet5 } from "./wage_lenet5";

const MNIST = "MNIST (28x28)";

registerNetwork({
  name: "wage-lenet5", description: "WAGE's LeNet-5, no biases (lib/models wageLeNet5)", dataset: MNIST, batch: 64,
  layers: () => builtModelLayers(() => wageLeNet5()),
});
registerNetwork({
  name: "qnn-mlp", description: "QNN's MNIST MLP, 3 x 1024, batch norm (lib/models qnnMlp)", dataset: MNIST, batch: 64,
  layers: () => builtModelLayers(() => qnnMlp()),
});
registerNetwork({
  name: "vgg-net", description: "VGG-like 2x64C3-MP2-2x128C3-MP2-256FC-10, batch norm (lib/models vggNet)", dataset: MNIST, batch: 64,
  layers: () => builtModelLayers(() => vggNet()),
});
registerNetwork({
  name: "char-lstm", description: "character LSTM, 2 x 256 units, vocabulary 64, 64 steps (lib/models charLstm)",
  dataset: "characters (vocabulary 64, 64 steps)", batch: 64,
  layers: () => builtModelLayers(() => charLstm({ vocab: 64, sequenceLength: 64 })),
});
