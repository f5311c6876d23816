/**
 * lowbit's wasm kernels for the backward convolutions against a float64 brute-force reference
 * and against tfjs's cpu backend: strides 1, 2, (2,1), 3; padding same, valid, explicit; shapes
 * from 1 to many channels; batches large enough to be processed in several chunks.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import {
  type ConvGeometry,
  convBackpropFilterRef,
  convBackpropInputRef,
  onBackend,
  readAndDispose,
  relativeError,
  testData,
} from "./reference";

type Pad = "same" | "valid" | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  strides: [number, number];
  pad: Pad;
}

function geometry(c: Case): ConvGeometry {
  const [N, H, W, CI] = c.x;
  const info = tf.backend_util.computeConv2DInfo(c.x, [c.k[0], c.k[1], CI, c.co], c.strides, 1, c.pad);
  return {
    N,
    H,
    W,
    CI,
    KH: c.k[0],
    KW: c.k[1],
    CO: c.co,
    sh: c.strides[0],
    sw: c.strides[1],
    OH: info.outHeight,
    OW: info.outWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

const cases: Case[] = [];
for (const strides of [
  [1, 1],
  [2, 2],
  [2, 1],
  [3, 3],
] as [number, number][]) {
  for (const pad of [
    "same",
    "valid",
    [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  ] as Pad[]) {
    cases.push({ x: [3, 9, 8, 5], k: [3, 3], co: 4, strides, pad });
    cases.push({ x: [2, 11, 7, 1], k: [5, 4], co: 6, strides, pad });
  }
}
// LeNet's layers, and a batch whose im2col matrix exceeds one chunk (2^23 elements).
cases.push({ x: [16, 28, 28, 1], k: [5, 5], co: 32, strides: [1, 1], pad: "valid" });
cases.push({ x: [16, 12, 12, 32], k: [5, 5], co: 64, strides: [1, 1], pad: "valid" });
cases.push({ x: [130, 32, 32, 16], k: [3, 3], co: 8, strides: [1, 1], pad: "same" });

const name = (c: Case) =>
  `x ${c.x.join("x")}, k ${c.k.join("x")}x${c.co}, strides ${c.strides}, pad ${JSON.stringify(c.pad)}`;

function backpropFilter(c: Case, x: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array {
  return readAndDispose(
    tf.tidy(
      () =>
        tf
          .engine()
          .runKernel(
            "Conv2DBackpropFilter",
            { x: tf.tensor4d(x, c.x), dy: tf.tensor4d(dy, [g.N, g.OH, g.OW, g.CO]) },
            { strides: c.strides, pad: c.pad, dataFormat: "NHWC", filterShape: [g.KH, g.KW, g.CI, g.CO] },
          ) as tf.Tensor,
    ),
  );
}

function backpropInput(c: Case, w: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array {
  return readAndDispose(
    tf.tidy(
      () =>
        tf
          .engine()
          .runKernel(
            "Conv2DBackpropInput",
            { dy: tf.tensor4d(dy, [g.N, g.OH, g.OW, g.CO]), filter: tf.tensor4d(w, [g.KH, g.KW, g.CI, g.CO]) },
            { strides: c.strides, pad: c.pad, dataFormat: "NHWC", inputShape: c.x },
          ) as tf.Tensor,
    ),
  );
}

describe("wasm Conv2DBackpropFilter and Conv2DBackpropInput", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  for (const [i, c] of cases.entries()) {
    test(name(c), () => {
      const g = geometry(c);
      const x = testData(g.N * g.H * g.W * g.CI, 3 * i + 1);
      const w = testData(g.KH * g.KW * g.CI * g.CO, 3 * i + 2);
      const dy = testData(g.N * g.OH * g.OW * g.CO, 3 * i + 3);
      const ids = tf.engine().backend.numDataIds();
      const dW = backpropFilter(c, x, dy, g);
      const dx = backpropInput(c, w, dy, g);
      assert.equal(tf.engine().backend.numDataIds(), ids, "the kernels left buffers on the wasm heap");
      assert.ok(relativeError(dW, convBackpropFilterRef(g, x, dy)) < 1e-5, "dW differs from the float64 reference");
      assert.ok(relativeError(dx, convBackpropInputRef(g, w, dy)) < 1e-5, "dx differs from the float64 reference");
      if (g.N * g.OH * g.OW * g.KH * g.KW * g.CI * g.CO <= 2e6) {
        // tfjs's cpu backend is slow (seconds for LeNet's conv2): compared on the small cases.
        assert.ok(
          relativeError(
            dW,
            onBackend("cpu", () => backpropFilter(c, x, dy, g)),
          ) < 1e-5,
          "dW differs from the cpu backend",
        );
        assert.ok(
          relativeError(
            dx,
            onBackend("cpu", () => backpropInput(c, w, dy, g)),
          ) < 1e-5,
          "dx differs from the cpu backend",
        );
      }
    });
  }

  test("NCHW is refused with a clear error", () => {
    assert.throws(
      () =>
        tf.tidy(() =>
          tf
            .engine()
            .runKernel(
              "Conv2DBackpropFilter",
              { x: tf.zeros([1, 4, 4, 1]), dy: tf.zeros([1, 2, 2, 1]) },
              { strides: 1, pad: "valid", dataFormat: "NCHW", filterShape: [3, 3, 1, 1] },
            ),
        ),
      /dataFormat must be "NHWC"/,
    );
  });

  test("tf.grad of a strided, padded convolution matches the cpu backend", () => {
    const x = testData(2 * 10 * 9 * 3, 7),
      w = testData(3 * 3 * 3 * 5, 8);
    const grads = () =>
      tf
        .tidy(() => {
          const r = tf.tensor4d(testData(2 * 5 * 5 * 5, 9), [2, 5, 5, 5]);
          const f = (xt: tf.Tensor, wt: tf.Tensor) =>
            tf
              .conv2d(xt as tf.Tensor4D, wt as tf.Tensor4D, 2, "same")
              .mul(r)
              .sum();
          return tf.grads(f)([tf.tensor4d(x, [2, 10, 9, 3]), tf.tensor4d(w, [3, 3, 3, 5])]);
        })
        .map(readAndDispose);
    const [gx, gw] = grads();
    const [cx, cw] = onBackend("cpu", grads);
    assert.ok(relativeError(gx, cx) < 1e-5);
    assert.ok(relativeError(gw, cw) < 1e-5);
  });

  after(() => tf.disposeVariables());
});
