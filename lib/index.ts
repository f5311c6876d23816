/**
 * lowbit: low-bitwidth training of neural networks, on TensorFlow.js.
 *
 * The top level holds what a first notebook needs; everything else lives in its topic, each a
 * subpath with its own module doc (the table of contents):
 *   lowbit/quant     number formats (fixed and floating point, integer, power of two, binary,
 *                    ternary, block and scaled formats), quantize() and its roundings, STE
 *   lowbit/layers    quantized dense, conv2d, LSTM and activation layers, layer quantizers
 *   lowbit/models    the model zoo, networks by name, XNOR-popcount inference
 *   lowbit/train     the training loop, steps, losses, quantizing optimizers, checkpoints
 *   lowbit/accum     the bit-true accumulator, low-precision GEMMs, VRR, minimum accumulator bits
 *   lowbit/hw        energy, area, memory and FPGA cost of operations and of whole models
 *   lowbit/data      MNIST, Fashion-MNIST, IDX files, the number translation and text corpora
 *   lowbit/stats     t intervals, Welch's and the paired t-test, BLEU
 *   lowbit/sweep     many runs over configurations and seeds: local workers or a BullMQ queue
 *   lowbit/backend   initBackend and lowbit's wasm kernels
 *   lowbit/core      seeded random numbers, atomic writes, checked flags
 *   lowbit/viz       figures and their export (plotly.js, headless Chromium)
 *   lowbit/notebook  presentation for notebooks: figures, tables, progress, profiles, results
 *   lowbit/tf        TensorFlow.js on lowbit's backend
 * Importing lowbit (or any topic but viz and notebook) loads TensorFlow.js and its backends
 * only: no plotly.js, playwright-core, danfojs-node or tslab.
 */
export { backendInfo, initBackend } from "./backend";
export type { BackendInfo, BackendName, InitBackendOptions } from "./backend";
export { Rng } from "./core";
export { DatasetNotFoundError, ImageSplit, loadFashionMnist, loadMnist } from "./data";
export type { Batch, BatchOptions, ImageDataset, LabelEncoding, LoadImageDatasetOptions, PixelRange } from "./data";
export {
  BF16,
  blockFloatingPoint,
  checkFormat,
  dynamicFixedPoint,
  FP8_E4M3,
  FP8_E5M2,
  FP16,
  FP32,
  fixedPoint,
  floatingPoint,
  formatInfo,
  formatLabel,
  mx,
  NVFP4,
  OCP_E4M3,
  powerOfTwo,
  quantize,
  quantizeValue,
  scaled,
  scaledQuantizer,
  ste,
} from "./quant";
export type {
  FixedPointFormat,
  FloatingPointFormat,
  Format,
  FormatInfo,
  QuantizeOptions,
  Rounding,
  ScaledFormat,
  ScaledOptions,
} from "./quant";
export {
  dfpQuantizer,
  formatQuantizer,
  QuantLayer,
  quantActivation,
  quantConv2d,
  quantDense,
  quantLstm,
} from "./layers";
export type { QuantConfig, QuantDenseArgs, QuantConv2dArgs, TensorQuantizer } from "./layers";
export { charLstm, forwardMacs, lenet5, qnnMlp, quantLeNet5, seq2seq, vggNet, wageLeNet5 } from "./models";
export { accumulate, lowPrecisionMatMul, minAccumulatorBits, vrr } from "./accum";
export type { AccumulatorFormat, AccumulatorOptions } from "./accum";
export { meanInterval, welchTTest } from "./stats";
