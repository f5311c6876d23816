/**
 * sqWeight in real layers: at r = 100% a conv layer computes exactly with plain per-channel
 * BWN/TWN weights (against a float64 convolution); the gradient reaching the master weights is
 * the plain one of the hybrid weight (x^T dy, float64); ratios change per stage; a seeded
 * training run is bit-reproducible; no tensors leak; bad input errors.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend, quantConv2d, quantDense, vggNet } from "lowbit";
import { bwnPerChannel, stochasticQuantize, twnPerChannel } from "lowbit/quant";
import { setSqRatio, sqWeight } from "lowbit/layers";
import { softmaxCrossEntropy, trainStep } from "lowbit/train";
import { isSqWeight } from "../../lib/dist/layers/sq_weight";

function data(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 31 - 1) * scale;
  });
}

describe("sqWeight in layers", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("r = 100%: a conv layer computes with plain per-channel BWN/TWN (float64 convolution)", () => {
    const [h, w, cin, cout] = [5, 5, 3, 4];
    const x = data(h * w * cin, 1).map((v) => Math.round(v * 8) / 8); // on a grid: exact products
    for (const base of ["bwn", "twn"] as const) {
      const layer = quantConv2d({
        filters: cout,
        kernelSize: 3,
        padding: "valid",
        useBias: false,
        seed: 3,
        quant: { weight: sqWeight({ base, seed: 1 }) },
      });
      const y = (layer.apply(tf.tensor4d(x, [1, h, w, cin])) as tf.Tensor).dataSync();
      const kernel = layer.masterKernel().dataSync() as Float32Array;
      const q = base === "bwn" ? bwnPerChannel(kernel, cout).q : twnPerChannel(kernel, cout).q;
      assert.deepEqual(layer.quantizedKernel().dataSync(), q);
      let k = 0;
      for (let i = 0; i < h - 2; i++)
        for (let j = 0; j < w - 2; j++)
          for (let o = 0; o < cout; o++) {
            let z = 0;
            for (let a = 0; a < 3; a++)
              for (let b = 0; b < 3; b++)
                for (let c = 0; c < cin; c++) {
                  z += x[((i + a) * w + (j + b)) * cin + c] * q[((a * 3 + b) * cin + c) * cout + o];
                }
            assert.ok(
              Math.abs(y[k++] - z) <= 1e-5 * Math.max(1, Math.abs(z)),
              `${base} output ${k - 1}: ${y[k - 1]} vs ${z}`,
            );
          }
    }
  });

  test("the gradient of the master weights is that of the hybrid weight: x^T dy (float64)", () => {
    const [batch, inDim, units] = [3, 6, 8];
    const q = sqWeight({ base: "bwn", ratio: 0.5, seed: 4 });
    const layer = quantDense({ units, useBias: false, seed: 2, quant: { weight: q } });
    const x = tf.tensor2d(data(batch * inDim, 5), [batch, inDim]);
    const dy = tf.tensor2d(data(batch * units, 6), [batch, units]);
    layer.apply(x); // build
    const master = layer.masterKernel() as tf.Variable;
    const { grads } = tf.variableGrads(() => (layer.apply(x) as tf.Tensor).mul(dy).sum() as tf.Scalar, [master]);
    const g = grads[master.name].dataSync();
    const xs = x.dataSync(),
      ds = dy.dataSync();
    for (let i = 0; i < inDim; i++)
      for (let u = 0; u < units; u++) {
        let s = 0;
        for (let b = 0; b < batch; b++) s += xs[b * inDim + i] * ds[b * units + u];
        assert.ok(Math.abs(g[i * units + u] - s) < 1e-6, `dW[${i},${u}]`);
      }
    // Each call draws from stream `calls`: two calls so far (build, gradient), so the next is stream 2.
    const expected = stochasticQuantize(master.dataSync() as Float32Array, units, {
      base: "bwn",
      ratio: 0.5,
      seed: 4,
      stream: 2,
    }).hybrid;
    assert.deepEqual(q.apply(master).dataSync(), expected);
    tf.dispose([x, dy, grads[master.name]]);
  });

  test("setSqRatio sets every SQ layer of a model; labels say the stage", () => {
    const model = vggNet({
      filters: [4, 8],
      convsPerStage: 1,
      units: 8,
      batchNorm: "none",
      quant: (l) => ({ weight: sqWeight({ base: "twn", ratio: 0.5, seed: l.index }) }),
    });
    assert.equal(setSqRatio(model, 0.875), 4);
    const qs = model.layers
      .map((l) => (l as { quant?: { weight?: unknown } }).quant?.weight)
      .filter((q) => q !== undefined);
    assert.ok(qs.every((q) => isSqWeight(q as never) && (q as { ratio: number }).ratio === 0.875));
    assert.equal((qs[0] as { label: string }).label, "SQ-TWN r=87.5%");
    assert.throws(() => setSqRatio(model, -0.1), /setSqRatio ratio must be a number in \[0, 1\]/);
    model.dispose();
  });

  test("seeded training is bit-reproducible and leaks no tensors across steps and stages", () => {
    const run = () => {
      const model = vggNet({
        filters: [4, 8],
        convsPerStage: 1,
        units: 8,
        batchNorm: "none",
        seed: 1,
        quant: (l) => ({ weight: sqWeight({ base: "bwn", ratio: 0.5, seed: 100 + l.index }) }),
      });
      const optimizer = tf.train.adam(1e-2);
      const x = tf.tensor4d(data(8 * 28 * 28, 7), [8, 28, 28, 1]);
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], "int32"), 10);
      const counts: number[] = [];
      for (const r of [0.5, 0.75, 0.875, 1]) {
        setSqRatio(model, r);
        for (let s = 0; s < 2; s++) {
          trainStep(model, optimizer, softmaxCrossEntropy, x, y).dispose();
          counts.push(tf.memory().numTensors);
        }
      }
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
      return { weights, counts };
    };
    const a = run(),
      b = run();
    assert.deepEqual(a.weights, b.weights);
    // Adam creates its slots on the first step; after that the count stays flat.
    assert.ok(
      a.counts.slice(1).every((c) => c === a.counts[1]),
      `tensor counts ${a.counts}`,
    );
  });

  test("bad input: RangeErrors naming the option", () => {
    assert.throws(() => sqWeight({ base: "xnor" as "bwn" }), /sqWeight base must be one of "bwn", "twn"; got "xnor"/);
    assert.throws(() => sqWeight({ base: "bwn", ratio: 1.2 }), /sqWeight ratio must be a number in \[0, 1\]/);
    assert.throws(
      () => sqWeight({ base: "bwn", granularity: "row" as "filter" }),
      /granularity must be one of "filter", "element"/,
    );
    assert.throws(() => sqWeight({ base: "bwn", seed: -1 }), /sqWeight seed must be an integer/);
    const q = sqWeight({ base: "bwn" });
    assert.throws(() => {
      q.ratio = 2;
    }, /sqWeight ratio must be a number in \[0, 1\]/);
    assert.throws(() => q.apply(tf.scalar(1)), /rank >= 1/);
  });
});
