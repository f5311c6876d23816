/**
 * QNN's MNIST multilayer perceptron (Hubara et al., JMLR 2017): hidden
 * layers of binary (or k-bit) weights, each followed by batch norm and the binary (or k-bit)
 * activation, and an output layer of binary weights followed by batch norm:
 *
 *   flatten (reshape) -> [dense(W_k, no bias) -> BN -> act_k] x hidden.length -> dense(W_k) -> BN
 *
 * k = 1: W = sign(W_real), act = sign with the straight-through estimator with cancellation.
 * k in [2, 8]: W = Q(W_real, k) and act = Q(hardTanh(x), k), with WAGE's Q (symmetric fixed point
 * with k - 1 fraction bits, Wu et al., ICLR 2018): QNN's LinearQuant with step 2^(1-k), clipped
 * to +-(1 - 2^(1-k));
 * k = 32: float weights, hard-tanh activation. Initial master weights: `init` "uniform" draws
 * U(-1, 1) at every width (the authors' BinaryNet code: H = 1), "glorot" Glorot uniform; the
 * default keeps "uniform" for 2 to 8 bits and "glorot" otherwise. The real-valued weights are clipped to [-1, 1]
 * after each update (trainStep does it) whenever the weights are quantized. The input layer sees
 * real-valued pixels, as in QNN. Train with trainStep, squaredHinge (the authors' Theano code)
 * or softmaxCrossEntropy, and Adam.
 */
import * as tf from "../backend/tf";
import { checkInteger, checkSeed, MODEL_SEED_MAX } from "../core/checks";
import {
  formatQuantizer,
  logQuantizer,
  quantActivation,
  quantDense,
  type QuantLayerArgs,
  shiftBatchNorm,
  type TensorQuantizer,
} from "../layers";
import { binary, fixedPoint } from "../quant";

export interface QnnMlpOptions {
  /** Hidden layer sizes; default [1024, 1024, 1024] (the paper's MNIST net has 3 x 4096). */
  hidden?: number[];
  /** Bits of the weights: 1 (binary), 2 to 8, or 32 (float); default 1. */
  weightBits?: number;
  /** Bits of the hidden activations: 1 (sign), 2 to 8, or 32 (float hard-tanh); default 1. */
  activationBits?: number;
  /** Batch norm after every layer: "float" (tf.layers.batchNormalization) or QNN's "shift". */
  batchNorm?: "float" | "shift";
  inputShape?: number[];
  numClasses?: number;
  seed?: number;
  onQuantized?: QuantLayerArgs["onQuantized"];
  /**
   * Quantize each dense layer's weight gradient (G) to this many bits with logQuantizer
   * (QNN's 6-bit log quantization of gradients), stochastic rounding seeded from `seed`;
   * default float gradients.
   */
  gradientBits?: number;
  /**
   * Initial master weights: "uniform" U(-1, 1), "glorot" Glorot uniform. Default: "uniform" for
   * 2 to 8 weight bits (Glorot's +-0.08 would all round to 0 on a step of 2^(1-k)), else "glorot".
   * Compare weight widths with one init for all (the batch norm after each layer absorbs the scale).
   */
  init?: "uniform" | "glorot";
}

function checkBits(what: string, bits: number): void {
  if (!(Number.isInteger(bits) && ((bits >= 1 && bits <= 8) || bits === 32))) {
    throw new RangeError(`lowbit: qnnMlp ${what} must be an integer in [1, 8] or 32; got ${bits}`);
  }
}

function quantizer(bits: number): TensorQuantizer | undefined {
  if (bits === 32) return undefined;
  return formatQuantizer(bits === 1 ? binary() : fixedPoint({ bits, frac: bits - 1, symmetric: true }));
}

export function qnnMlp(options: QnnMlpOptions = {}): tf.Sequential {
  const {
    hidden = [1024, 1024, 1024],
    weightBits = 1,
    activationBits = 1,
    batchNorm = "float",
    inputShape = [28, 28, 1],
    numClasses = 10,
    seed = 0,
    onQuantized,
    gradientBits,
    init = weightBits >= 2 && weightBits <= 8 ? "uniform" : "glorot",
  } = options;
  checkSeed("qnnMlp seed", seed, MODEL_SEED_MAX);
  checkBits("weightBits", weightBits);
  checkBits("activationBits", activationBits);
  hidden.forEach((units, i) => {
    checkInteger(`qnnMlp hidden[${i}]`, units, 1);
  });
  if (batchNorm !== "float" && batchNorm !== "shift")
    throw new RangeError(`lowbit: qnnMlp batchNorm must be "float" or "shift"; got ${JSON.stringify(batchNorm)}`);
  if (init !== "uniform" && init !== "glorot")
    throw new RangeError(`lowbit: qnnMlp init must be "uniform" or "glorot"; got ${JSON.stringify(init)}`);
  const norm = (name: string) =>
    batchNorm === "shift"
      ? shiftBatchNorm({ name })
      : // QNN's Theano code: moving averages with alpha = 0.1, epsilon = 1e-4.
        tf.layers.batchNormalization({ name, momentum: 0.9, epsilon: 1e-4 });
  const dense = (units: number, i: number, name: string) =>
    quantDense({
      name,
      units,
      useBias: false,
      seed: seed * 16 + i,
      onQuantized,
      quant: {
        ...(weightBits === 32 ? {} : { weight: quantizer(weightBits) }),
        ...(gradientBits === undefined
          ? {}
          : { gradient: logQuantizer(gradientBits, { rounding: "stochastic", seed: seed * 16 + i }) }),
      },
      weightClip: weightBits === 32 ? undefined : 1,
      initLimit: init === "uniform" ? 1 : undefined,
    });
  const inputSize = inputShape.reduce((a, b) => a * b, 1);
  const layers: tf.layers.Layer[] = [tf.layers.reshape({ inputShape, targetShape: [inputSize] })];
  hidden.forEach((units, i) => {
    layers.push(dense(units, i, `fc${i}`), norm(`bn${i}`));
    layers.push(
      quantActivation({
        name: `act${i}`,
        activation: activationBits === 1 ? "sign" : "hardTanh",
        onQuantized,
        // sign is already binary; k bits quantize the hard-tanh output.
        quant: activationBits === 1 || activationBits === 32 ? {} : { activation: quantizer(activationBits) },
      }),
    );
  });
  layers.push(dense(numClasses, hidden.length, `fc${hidden.length}`), norm(`bn${hidden.length}`));
  return tf.sequential({ name: "qnn_mlp", layers });
}
