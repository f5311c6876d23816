/**
 * The zoo's networks in lib/networks' registry, at their default sizes and quantization:
 * cost("qnn-mlp", ...), accumulationTable("char-lstm", ...) and the `lowbit` command's names.
 * Their layers come from building the model once, on first use; cost("wage-lenet5", { phase })
 * builds one to read its formats. LeNet-5 is registered as data by lib/networks (its
 * spec gives the same figures as lenet5() builds; test/hw/cost.test.ts checks it).
 */
import type * as tf from "../backend/tf";
import { builtModelLayers } from "../layers/model_layers";
import { registerNetwork } from "../networks/registry";
import { charLstm } from "./char_lstm";
import { qnnMlp } from "./qnn_mlp";
import { vggNet } from "./vgg";
import { wageLeNet5 } from "./wage_lenet5";

const MNIST = "MNIST (28x28)";

function registerBuilt(name: string, description: string, dataset: string, build: () => tf.LayersModel): void {
  registerNetwork({ name, description, dataset, batch: 64, build, layers: () => builtModelLayers(build) });
}

registerBuilt("wage-lenet5", "WAGE's LeNet-5 2-8-8-8, no biases (lib/models wageLeNet5)", MNIST, () => wageLeNet5());
registerBuilt("qnn-mlp", "QNN's binarized MNIST MLP, 3 x 1024, batch norm (lib/models qnnMlp)", MNIST, () => qnnMlp());
registerBuilt("vgg-net", "VGG-like 2x64C3-MP2-2x128C3-MP2-256FC-10, batch norm, float (lib/models vggNet)", MNIST, () =>
  vggNet(),
);
registerBuilt(
  "char-lstm",
  "character LSTM, 2 x 256 units, vocabulary 64, 64 steps, float (lib/models charLstm)",
  "characters (vocabulary 64, 64 steps)",
  () => charLstm({ vocab: 64, sequenceLength: 64 }),
);
