/**
 * `lowbit/models`: the model zoo and networks by name. Builders: lenet5, quantLeNet5 (any
 * QuantConfig), wageLeNet5 and its integer-only inference (wageIntegerNetwork), qnnMlp and its
 * XNOR-popcount inference (xnorMlp, xnorMatMul, XnorDense on bit-packed signs), vggNet, charLstm,
 * charTransformer (a decoder-only character language model whose linear layers take a GEMM recipe;
 * transformerOperands captures one linear layer's GEMM operands from it),
 * seq2seq with greedyDecode. networkNames(), registeredNetwork(name) and registerNetwork() are the
 * one registry of networks by name (shapes of ResNet-18/32, AlexNet, VGG-7, LeNet-5 as data, and
 * this zoo) that lowbit/accum, lowbit/hw and the lowbit command read.
 */
import "../backend";
import "./registered_networks";
export { lenet5, forwardMacs } from "./lenet5";
export type { LeNet5Options } from "./lenet5";
export { quantLeNet5 } from "./quant_lenet5";
export type { LeNetLayerArgs, LeNetWidths, QuantLeNet5Options } from "./quant_lenet5";
export { WAGE_VARIANTS, wageLeNet5 } from "./wage_lenet5";
export type { WageBits, WageLeNet5Options, WageVariant } from "./wage_lenet5";
export { qnnMlp } from "./qnn_mlp";
export type { QnnMlpOptions } from "./qnn_mlp";
export { vggNet } from "./vgg";
export type { VggNetOptions } from "./vgg";
export { charLstm } from "./char_lstm";
export type { CharLstmOptions } from "./char_lstm";
export { charTransformer } from "./char_transformer";
export type { CharTransformerOptions } from "./char_transformer";
export { transformerOperands } from "./transformer_operands";
export type { LinearOperands } from "./transformer_operands";
export type { QuantFactory, ZooLayer } from "./zoo_quant";
export { runIntegerNetwork, wageIntegerNetwork } from "./wage_integer";
export type { IntegerLayer, IntegerNetwork } from "./wage_integer";
export { greedyDecode, seq2seq } from "./seq2seq";
export type { Seq2SeqOptions } from "./seq2seq";
export { networkNames, registeredNetwork, registerNetwork } from "../networks";
export type {
  LayerSpec,
  NetworkLayer,
  NetworkLayers,
  NetworkRegistration,
  NetworkSpec,
  RegisteredNetwork,
} from "../networks";
export { packSigns, XnorDense, xnorMatMul, xnorMlp } from "../xnor";
export type { PackedSigns, XnorMlp } from "../xnor";
