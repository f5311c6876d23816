/**
 * WAGE's MNIST network (papers.md section 2): LeNet-5 32C5-MP2-64C5-MP2-512FC-10, no bias,
 * no batch norm, every layer with k_W-k_A-k_G-k_E bits (default 2-8-8-8), WAGE's
 * initialisation and constant layer scales alpha. Train it with trainStep, sumSquaredError and
 * tf.train.sgd(1): the learning rate eta is part of the gradient quantizer.
 */
import * as tf from "@tensorflow/tfjs";
import { QuantLayerArgs, wageActivation, wageError, wageGradient, wageInit, wageWeight } from "../layers";
import { sigma } from "../quant";
import { quantLeNet5 } from "./quant_lenet5";

export interface WageBits { W: number; A: number; G: number; E: number }

export interface WageLeNet5Options {
  bits?: WageBits;
  /** Learning rate, a power of two (default 1). */
  eta?: number;
  seed?: number;
  /** Fan-in gain of the initialisation: 6 (paper) or 3 (authors' code). */
  initGain?: number;
  onQuantized?: QuantLayerArgs["onQuantized"];
}

export function wageLeNet5(options: WageLeNet5Options = {}): tf.Sequential {
  const { bits = { W: 2, A: 8, G: 8, E: 8 }, eta = 1, seed = 0, initGain = 6, onQuantized } = options;
  return quantLeNet5((i, fanIn) => {
    const { limit, alpha } = wageInit(fanIn, bits.W, { gain: initGain });
    return {
      useBias: false, scale: alpha, initLimit: limit, seed: seed * 16 + i, onQuantized,
      // The paper clips master weights to +-(1 - sigma(kG)).
      weightClip: 1 - sigma(bits.G),
      quant: {
        weight: wageWeight(bits.W), activation: wageActivation(bits.A), error: wageError(bits.E),
        gradient: wageGradient(bits.G, { eta, seed: seed * 16 + i }),
      },
    };
  }, "wage_lenet5");
}
