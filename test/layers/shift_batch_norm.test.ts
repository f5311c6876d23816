/**
 * QNN's shift-based batch norm against a float64 reference of its definition, AP2 against
 * hand values, and the bound on how far the shifts move it from exact batch norm.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { ap2 } from "lowbit/quant";
import { shiftBatchNorm } from "lowbit/layers";
import { testData } from "../backend/reference";

const AP2 = (v: number) => (v === 0 ? 0 : Math.sign(v) * 2 ** Math.round(Math.log2(Math.abs(v))));

/** Float64 shift batch norm over rows of [n, channels]; moving statistics given for inference. */
function reference(
  x: Float32Array,
  channels: number,
  gamma: number[],
  beta: number[],
  eps: number,
  shiftVariance: boolean,
  moving?: { mean: number[]; variance: number[] },
): { y: number[]; mean: number[]; variance: number[] } {
  const n = x.length / channels,
    y = new Array<number>(x.length),
    mean: number[] = [],
    variance: number[] = [];
  for (let c = 0; c < channels; c++) {
    let mu = 0;
    for (let i = 0; i < n; i++) mu += x[i * channels + c];
    mu = moving ? moving.mean[c] : mu / n;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const centered = x[i * channels + c] - mu;
      v += shiftVariance ? centered * AP2(centered) : centered * centered;
    }
    v = moving ? moving.variance[c] : v / n;
    mean.push(mu);
    variance.push(v);
    const scale = AP2(1 / Math.sqrt(v + eps)) * AP2(gamma[c]);
    for (let i = 0; i < n; i++) y[i * channels + c] = (x[i * channels + c] - mu) * scale + beta[c];
  }
  return { y, mean, variance };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])),
      `${what}[${i}] = ${actual[i]}, expected ${expected[i]}`,
    );
  }
}

describe("shift-based batch norm", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("AP2(x) = sign(x) 2^round(log2 |x|)", () => {
    const x = [-3, -0.7, 0, 0.3, 1, 1.4, 1.5, 2 ** -20 * 1.3, 1000];
    assert.deepEqual([...ap2(tf.tensor1d(x)).dataSync()], [-4, -0.5, 0, 0.25, 1, 1, 2, 2 ** -20, 1024]);
    const r = testData(1000, 7).map((v) => v * 50);
    assert.deepEqual([...ap2(tf.tensor1d(r)).dataSync()], [...r].map(AP2));
  });

  for (const shiftVariance of [true, false]) {
    test(`training forward and moving averages equal the float64 reference (shiftVariance ${shiftVariance})`, () => {
      const [n, channels, eps, momentum] = [16, 6, 1e-4, 0.9];
      const x = testData(n * channels, 3).map((v, i) => v * (1 + (i % channels)) + (i % channels) - 2);
      const layer = shiftBatchNorm({ shiftVariance, momentum, epsilon: eps });
      layer.build([null, channels]);
      const gamma = [...testData(channels, 4)].map((v) => 3 * v),
        beta = [...testData(channels, 5)];
      layer.setWeights([tf.tensor1d(gamma), tf.tensor1d(beta), tf.zeros([channels]), tf.ones([channels])]);
      const y = layer.apply(tf.tensor2d(x, [n, channels]), { training: true }) as tf.Tensor;
      const ref = reference(x, channels, gamma, beta, eps, shiftVariance);
      assertClose(y.dataSync(), ref.y, 1e-5, "y");
      const [, , movingMean, movingVariance] = layer.getWeights();
      assertClose(
        movingMean.dataSync(),
        ref.mean.map((m) => (1 - momentum) * m),
        1e-6,
        "moving mean",
      );
      assertClose(
        movingVariance.dataSync(),
        ref.variance.map((v) => momentum + (1 - momentum) * v),
        1e-6,
        "moving variance",
      );
      // Inference normalizes with the moving statistics.
      const inference = layer.apply(tf.tensor2d(x, [n, channels])) as tf.Tensor;
      const expected = reference(x, channels, gamma, beta, eps, shiftVariance, {
        mean: [...movingMean.dataSync()],
        variance: [...movingVariance.dataSync()],
      });
      assertClose(inference.dataSync(), expected.y, 1e-5, "inference y");
    });
  }

  test("conv activations [n, h, w, c] normalize per channel over n, h and w", () => {
    const [n, h, w, c] = [2, 3, 3, 4];
    const x = testData(n * h * w * c, 8);
    const layer = shiftBatchNorm();
    const y = layer.apply(tf.tensor4d(x, [n, h, w, c]), { training: true }) as tf.Tensor;
    assertClose(y.dataSync(), reference(x, c, [1, 1, 1, 1], [0, 0, 0, 0], 1e-4, true).y, 1e-5, "y");
  });

  test("each channel's scale is within 2^(+-5/4) of exact batch norm's", () => {
    const [n, channels] = [64, 32];
    const x = testData(n * channels, 9).map((v, i) => v * 10 ** ((i % channels) / 8 - 2));
    const layer = shiftBatchNorm();
    layer.build([null, channels]);
    const gamma = [...testData(channels, 10)].map((v) => 0.1 + Math.abs(v) * 4);
    layer.setWeights([tf.tensor1d(gamma), tf.zeros([channels]), tf.zeros([channels]), tf.ones([channels])]);
    const y = (layer.apply(tf.tensor2d(x, [n, channels]), { training: true }) as tf.Tensor).dataSync();
    for (let c = 0; c < channels; c++) {
      let mu = 0,
        v = 0;
      for (let i = 0; i < n; i++) mu += x[i * channels + c] / n;
      for (let i = 0; i < n; i++) v += (x[i * channels + c] - mu) ** 2 / n;
      const exact = gamma[c] / Math.sqrt(v + 1e-4),
        shifted = y[c] / (x[c] - mu);
      const log2Ratio = Math.log2(shifted / exact);
      assert.ok(Math.abs(log2Ratio) <= 1.25 + 1e-6, `channel ${c}: log2 ratio ${log2Ratio}`);
    }
  });

  test("gradients reach gamma and beta straight through the shifts; no leaks; bad arguments", () => {
    const layer = shiftBatchNorm();
    const x = tf.tensor2d(testData(8 * 3, 11), [8, 3]);
    layer.build([null, 3]);
    const [gamma, beta] = layer.trainableWeights.map((v) => v.read() as tf.Variable);
    const step = () => {
      const g = tf.tidy(
        () =>
          tf.variableGrads(() => (layer.apply(x, { training: true }) as tf.Tensor).sum() as tf.Scalar, [gamma, beta])
            .grads[beta.name],
      );
      const v = g.dataSync();
      g.dispose();
      return v;
    };
    assert.deepEqual([...step()], [8, 8, 8]);
    for (let i = 0; i < 3; i++) step();
    const tensors = tf.memory().numTensors,
      buffers = tf.engine().backend.numDataIds();
    for (let i = 0; i < 20; i++) step();
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(tf.engine().backend.numDataIds(), buffers);
    assert.throws(() => shiftBatchNorm({ momentum: 1 }), /ShiftBatchNorm momentum must be in \[0, 1\); got 1/);
    assert.throws(() => shiftBatchNorm({ epsilon: 0 }), /ShiftBatchNorm epsilon must be a finite number > 0; got 0/);
  });
});
