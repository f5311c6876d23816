/**
 * WAGE's MNIST network (Wu et al., ICLR 2018): LeNet-5 32C5-MP2-64C5-MP2-512FC-10, no bias,
 * no batch norm, an 8-bit input (Q(x, kA) of the pixels in [0, 1]) and every layer with
 * k_W-k_A-k_G-k_E bits (default 2-8-8-8), WAGE's initialisation and constant layer scales alpha.
 * Train it with trainStep, sumSquaredError and tf.train.sgd(1): the learning rate eta is part of
 * the gradient quantizer.
 *
 * `variant` chooses where the paper and the authors' code (the code behind their MNIST log)
 * differ:
 *                    "paper"                             "code" (default)
 *   init L0          sqrt(6 / fanIn): alpha 2, 8, 8, 8    sqrt(3 / fanIn): alpha 2, 16, 16, 8
 *   master clip      +-(1 - sigma(kG)) = +-0.992          +-(1 - sigma(kW)) = +-0.5
 *   max-pool         a layer after Q_A (conv, ReLU,       inside the conv block, first (conv,
 *                    Q_E, Q_A, pool)                      pool, ReLU, Q_E, Q_A)
 *   master weights   start at U(-L, L)                    start at Q(U(-L, L), kW): ternary
 * The limit L = max(L0, 1.5 sigma(kW)) is 0.75 for every layer in both. The paper does not say
 * where pooling sits; "paper" takes the plain layer order of its 32C5-MP2 notation.
 *
 * The model records its training formats (setTrainingFormats) for cost(model, { phase }): the
 * update is an add (eta is inside G, SGD runs at rate 1), and in "code" the master weights stay
 * on the k_G grid (they start on the coarser k_W grid, move by multiples of sigma(kG) and clip at
 * 1 - sigma(kW), all on it when kW <= kG): wageFormat(kG). In "paper" they start anywhere in
 * (-L, L): FP32.
 */
import type * as tf from "../backend/tf";
import {
  QuantLayer,
  type QuantLayerArgs,
  setTrainingFormats,
  wageActivation,
  wageError,
  wageGradient,
  wageInit,
  wageWeight,
} from "../layers";
import { FP32, sigma, wageFormat } from "../quant";
import { checkOneOf, checkSeed, MODEL_SEED_MAX } from "../core/checks";
import { quantLeNet5 } from "./quant_lenet5";

export interface WageBits {
  W: number;
  A: number;
  G: number;
  E: number;
}

export const WAGE_VARIANTS = ["code", "paper"] as const;
export type WageVariant = (typeof WAGE_VARIANTS)[number];

export interface WageLeNet5Options {
  bits?: WageBits;
  /** Learning rate, a power of two (default 1). */
  eta?: number;
  seed?: number;
  /** Error window shift of wageError (default 1; the paper's Table 2 tries 1, 2, 4, 8). */
  gamma?: number;
  /** The authors' code (default) or the paper's text, where they differ. */
  variant?: WageVariant;
  onQuantized?: QuantLayerArgs["onQuantized"];
}

export function wageLeNet5(options: WageLeNet5Options = {}): tf.Sequential {
  const { bits = { W: 2, A: 8, G: 8, E: 8 }, eta = 1, seed = 0, variant = "code", gamma = 1, onQuantized } = options;
  checkSeed("wageLeNet5 seed", seed, MODEL_SEED_MAX);
  checkOneOf("wageLeNet5 variant", variant, WAGE_VARIANTS);
  const code = variant === "code";
  const model = quantLeNet5(
    (i, fanIn) => {
      const { limit, alpha } = wageInit(fanIn, bits.W, { gain: code ? 3 : 6 });
      return {
        useBias: false,
        scale: alpha,
        initLimit: limit,
        seed: seed * 16 + i,
        onQuantized,
        weightClip: code ? 1 - sigma(bits.W) : 1 - sigma(bits.G),
        quant: {
          weight: wageWeight(bits.W),
          activation: wageActivation(bits.A),
          error: wageError(bits.E, { gamma }),
          gradient: wageGradient(bits.G, { eta, seed: seed * 16 + i }),
        },
      };
    },
    { name: "wage_lenet5", poolInConv: code, input: { quant: { activation: wageActivation(bits.A) }, onQuantized } },
  );
  if (code) {
    for (const layer of model.layers)
      if (layer instanceof QuantLayer && layer.quant.weight) layer.quantizeMasterWeights();
  }
  return setTrainingFormats(model, { master: code && bits.W <= bits.G ? wageFormat(bits.G) : FP32, shiftUpdate: true });
}
