/**
 * WAGE's quantizers (Wu et al., ICLR 2018) as layer quantizers:
 *   W: Q(W, kW)                                   weights, ternary for kW = 2
 *   A: Q(a / alpha, kA)                           activations; alpha is the layer's constant scale;
 *                                                 the gradient passes where a / alpha is inside the clip
 *   E: Q(gamma e / Shift(max|e|), kE)             errors, max over the whole layer tensor (gamma 1)
 *   G: sigma(kG) * SR(eta * g / Shift(max|g|))    weight updates: SR is stochastic rounding to an
 *                                                 integer (floor + Bernoulli of the fraction)
 * and the initialisation and layer scale (wageInit; beta = 1.5, the paper's sqrt(6 / fanIn) or the
 * authors' code's sqrt(3 / fanIn)).
 *
 * E and G are scaled formats (lib/quant/scaled/instances.ts: wageErrorFormat, wageGradientFormat):
 * the max rule with a nearest power-of-two scale (Shift), whose elements WAGE passes on without
 * the scale. max|e| and max|g| are over the finite values: an Inf saturates instead of setting
 * the shift (which zeroed every other value).
 *
 * The format each quantizer declares (what cost() prices) is Q's grid, wageFormat(k): W and A are
 * Q's values; E stays in Q's window (not scaled back); G is sigma(kG) times integers of magnitude
 * at most ceil(eta sqrt(2)) (max|g| / Shift(max|g|) <= sqrt(2)), inside the k_G-bit range while
 * that is <= 2^(kG-1) - 1: eta <= 88 at kG = 8.
 */
import * as tf from "../backend/tf";
import { maxAbsOf } from "../quant/kernels/statistics";
import { scaledElements } from "../quant/scaled/quantize_scaled";
import { shift, sigma, wageErrorFormat, wageFormat, wageGradientFormat, wageQ } from "../quant";
import { checkSeed } from "../core/checks";
import type { ScaledFormat } from "../quant";
import type { TensorQuantizer } from "./tensor_quantizer";

export function wageWeight(k: number): TensorQuantizer {
  return { label: `wage W${k}`, bits: k, format: wageFormat(k), calls: 0, apply: (x) => wageQ(x, k) };
}

/**
 * Q(x, kA); the layer divides by alpha before. Backward: straight through the rounding but not
 * the clip, zero outside [-1 + sigma, 1 - sigma] (as the authors' code differentiates Q).
 */
export function wageActivation(k: number): TensorQuantizer {
  const edge = 1 - sigma(k);
  return {
    label: `wage A${k}`,
    bits: k,
    format: wageFormat(k),
    calls: 0,
    gradientRange: [-edge, edge],
    apply: (x) => wageQ(x, k),
  };
}

/**
 * Q(gamma * e / Shift(max|e|), kE). gamma (a power of two, default 1) shifts the error window by
 * log2(gamma) bits towards small values, so the largest errors saturate at +-(1 - sigma): the
 * ablation of the paper's Table 2.
 */
export function wageError(k: number, options: { gamma?: number } = {}): TensorQuantizer {
  const { gamma = 1 } = options;
  if (!(gamma > 0 && Number.isFinite(gamma)))
    throw new RangeError(`lowbit: wageError gamma must be a finite number > 0; got ${gamma}`);
  const errorFormat = wageErrorFormat(k, gamma);
  return {
    label: gamma === 1 ? `wage E${k}` : `wage E${k} gamma ${gamma}`,
    bits: k,
    calls: 0,
    format: wageFormat(k),
    apply: (e) => scaledElements(e, errorFormat),
  };
}

/** WAGE's gradient quantizer; `eta` (a power of two) may be changed between steps: a schedule. */
export interface WageGradientQuantizer extends TensorQuantizer {
  eta: number;
}

/**
 * The update dW = sigma(kG) * SR(eta * g / Shift(max|g|)); eta a power of two (checked at every
 * call: a schedule may set it). A gradient without a finite nonzero value gives no update (zeros).
 */
export function wageGradient(k: number, options: { eta?: number; seed?: number } = {}): WageGradientQuantizer {
  const { eta = 1, seed = 0 } = options;
  checkSeed("wageGradient seed", seed);
  if (!(eta > 0 && Number.isFinite(eta)))
    throw new RangeError(`lowbit: wageGradient eta must be a finite number > 0; got ${eta}`);
  // The scaled format of the current eta (before the factor sigma(kG)); rebuilt when eta changes.
  let gradientFormat: ScaledFormat = wageGradientFormat(eta);
  return {
    label: `wage G${k}`,
    bits: k,
    calls: 0,
    eta,
    format: wageFormat(k),
    apply(g) {
      const stream = this.calls++;
      if (!(maxAbsOf(g) > 0)) return tf.zerosLike(g);
      if (gradientFormat.scale.rule !== "max" || gradientFormat.scale.target !== this.eta)
        gradientFormat = wageGradientFormat(this.eta);
      const format = gradientFormat;
      return tf.tidy(() => scaledElements(g, format, { rounding: "stochastic", seed, stream }).mul(sigma(k)));
    },
    // A schedule may have changed eta: a resumed run continues with the current one.
    saveState() {
      return { eta: this.eta };
    },
    loadState(state) {
      this.eta = (state as { eta: number }).eta;
    },
  };
}

/**
 * WAGE's initialisation range and layer scale for a fan-in: with L0 = sqrt(gain / fanIn),
 * limit = max(L0, Lmin) and alpha = max(Shift(Lmin / L0), 1). alpha uses the unclamped L0 (with
 * the clamped one it would always be 1); that reproduces the authors' logged MNIST values
 * 2, 16, 16, 8 with gain 3.
 */
export function wageInit(
  fanIn: number,
  kW: number,
  options: { beta?: number; gain?: number } = {},
): { limit: number; alpha: number } {
  const { beta = 1.5, gain = 6 } = options;
  const lMin = beta * sigma(kW);
  const l0 = Math.sqrt(gain / fanIn);
  return { limit: Math.max(l0, lMin), alpha: Math.max(shift(lMin / l0), 1) };
}
