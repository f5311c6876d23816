/**
 * quantizerState: per layer and role the quantizers' label, bits and calls; dynamic fixed
 * point's frac and history as its own quantizer keeps them (a copy, not the live array); SQ's
 * ratio; an LSTM's gate quantizers; layers without quantizers left out.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { dfpQuantizer, fixedPoint, formatQuantizer, initBackend, quantDense, quantLstm } from "lowbit";
import { quantizerState, setSqRatio, sqWeight } from "lowbit/layers";

describe("quantizerState", () => {
  before(async () => {
    await initBackend({ backend: "cpu", quiet: true });
  });

  test("dynamic fixed point's exponents, SQ's ratio and the call counts, by layer and role", () => {
    const weight = dfpQuantizer({ bits: 8 }, { rounding: "stochastic", seed: 3 });
    const sq = sqWeight({ base: "twn", ratio: 0.5, seed: 1 });
    const model = tf.sequential({
      layers: [
        quantDense({
          inputShape: [5],
          units: 4,
          quant: { weight, activation: formatQuantizer(fixedPoint({ bits: 8, frac: 4 })) },
          name: "a",
        }),
        tf.layers.dense({ units: 3, name: "plain" }),
        quantDense({ units: 2, quant: { weight: sq }, name: "b" }),
      ],
    });
    tf.tidy(() => {
      for (let i = 0; i < 3; i++) model.apply(tf.randomNormal([2, 5], 0, 1 + 10 * i, "float32", i));
    });
    setSqRatio(model, 0.75);
    const state = quantizerState(model);
    assert.deepEqual(Object.keys(state), ["a", "b"]);
    assert.deepEqual(Object.keys(state.a), ["weight", "activation"]);
    assert.equal(state.a.weight.calls, 3);
    assert.equal(state.a.weight.label, weight.label);
    assert.deepEqual(state.a.weight.frac, weight.dfp.frac);
    assert.deepEqual(state.a.weight.history, weight.dfp.history);
    assert.equal(state.a.weight.history!.length, 3);
    state.a.weight.frac![0] = 99;
    assert.notEqual(weight.dfp.frac![0], 99, "a copy: changing it leaves the quantizer alone");
    assert.equal(state.a.activation.frac, undefined);
    assert.equal(state.b.weight.ratio, 0.75);
    model.dispose();
  });

  test("an LSTM's gate quantizers and a single layer", () => {
    const layer = quantLstm({
      units: 3,
      inputShape: [4, 2],
      gates: { output: formatQuantizer(fixedPoint({ bits: 6, frac: 5 })) },
      quant: { weight: dfpQuantizer({ bits: 6 }) },
    });
    const model = tf.sequential({ layers: [layer] });
    tf.tidy(() => {
      model.apply(tf.ones([1, 4, 2]));
    });
    const state = quantizerState(layer);
    assert.deepEqual(Object.keys(state), ["weight", "gates.output"]);
    assert.equal(state["gates.output"].bits, 6);
    assert.deepEqual(quantizerState(model)[layer.name], state);
    assert.throws(
      () => quantizerState({} as never),
      /quantizerState takes a tf.LayersModel or a lowbit quantized layer/,
    );
    model.dispose();
  });
});
