/**
 * The runs of the cross-process resume test (checkpoint.test.ts), shared with the process it
 * starts (resume_child.ts): a tiny model with a stochastic dynamic fixed point quantizer on
 * every tensor a layer has (W, A, E, G and the LSTM gates), trained by every optimizer lowbit
 * offers, bare and inside each quantizer wrapper (themselves stochastic dynamic fixed point,
 * which carries exponents and a stream counter). Two quantizers with other state: one that takes
 * the global stream sequence (no seed of its own), and WAGE's gradient quantizer, whose eta a
 * schedule changes before the half (so only the checkpoint can carry it). The data of step k is
 * a function of k.
 */
import * as tf from "lowbit/tf";
import { dfpQuantizer, floatingPoint, quantDense, quantize, quantLstm } from "lowbit";
import { setQuantizationSeed } from "lowbit/quant";
import { wageGradient } from "lowbit/layers";
import { quantizeUpdates, shiftAdaMax, softmaxCrossEntropy, storeQuantized, trainStep } from "lowbit/train";
import type { QuantLayer, TensorQuantizer } from "lowbit";
import type { WageGradientQuantizer } from "lowbit/layers";

export const STEPS = 8;

export const OPTIMIZERS: Record<string, () => tf.Optimizer> = {
  sgd: () => tf.train.sgd(0.1),
  momentum: () => tf.train.momentum(0.05, 0.9),
  adam: () => tf.train.adam(0.01),
  adamax: () => tf.train.adamax(0.01),
  rmsprop: () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7, true),
  adagrad: () => tf.train.adagrad(0.1),
  adadelta: () => tf.train.adadelta(1),
  shiftAdaMax: () => shiftAdaMax(0.01),
};

let seeds = 100;
const dfp = (bits = 8) =>
  dfpQuantizer({ bits, exponent: "overflow", updateEvery: 2 }, { rounding: "stochastic", seed: seeds++ });

export const WRAPPERS: Record<string, (inner: tf.Optimizer) => tf.Optimizer> = {
  none: (inner) => inner,
  storeQuantized: (inner) => storeQuantized(inner, () => dfp(12)),
  quantizeUpdates: (inner) => quantizeUpdates(inner, dfp(8)),
};

export const COMBINATIONS = Object.keys(OPTIMIZERS).flatMap((o) =>
  Object.keys(WRAPPERS).map((w) => ({ optimizer: o, wrapper: w, name: `${w}-${o}` })),
);

/** Stochastic rounding to e5m4 from the global stream sequence. */
const unseeded = (): TensorQuantizer => ({
  label: "float<e5,m4> stochastic, global stream",
  bits: 10,
  calls: 0,
  apply: (x) => quantize(x, floatingPoint({ exp: 5, man: 4 }), { rounding: "stochastic" }),
});

/** [batch 4, time 3, 5] -> LSTM(4, quantized gates) -> dense 3; restarts the global stream sequence. */
export function model(): tf.LayersModel {
  seeds = 1;
  setQuantizationSeed(7);
  const q = () => ({ weight: dfp(), activation: dfp(), error: dfp(), gradient: dfp() });
  return tf.sequential({
    layers: [
      quantLstm({
        inputShape: [3, 5],
        units: 4,
        returnSequences: false,
        quant: q(),
        gates: { input: dfp(), output: dfp() },
        seed: 1,
        name: "lstm",
      }),
      quantDense({
        units: 3,
        quant: { ...q(), error: unseeded(), gradient: wageGradient(8, { eta: 0.5, seed: 3 }) },
        seed: 2,
        name: "out",
      }),
    ],
  });
}

export function makeOptimizer(optimizer: string, wrapper: string): tf.Optimizer {
  seeds = 50;
  return WRAPPERS[wrapper](OPTIMIZERS[optimizer]());
}

/** Steps first, ..., last - 1: inputs and labels from a fixed integer hash of the step. */
export function trainSteps(m: tf.LayersModel, optimizer: tf.Optimizer, first: number, last: number): void {
  for (let step = first; step < last; step++) {
    if (step === 2) ((m.layers[1] as QuantLayer).quant.gradient as WageGradientQuantizer).eta = 0.25;
    const x = tf.tensor3d(
      Float32Array.from({ length: 4 * 3 * 5 }, (_, i) => (((i * 7919 + step * 104729) % 1000) - 500) / 250),
      [4, 3, 5],
    );
    const y = tf.tidy(() =>
      tf
        .oneHot(
          tf.tensor1d(
            Int32Array.from({ length: 4 }, (_, i) => (i + step) % 3),
            "int32",
          ),
          3,
        )
        .cast("float32"),
    );
    trainStep(m, optimizer, softmaxCrossEntropy, x, y).dispose();
    tf.dispose([x, y]);
  }
}
