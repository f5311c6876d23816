/**
 * QuantLstm against a float64 LSTM written from the equations (Keras gate order i, f, g, o):
 * one step from a random state, a whole sequence, the quantized weights in the forward pass,
 * and quantized outputs on their grid; plus QuantActivation's config checks.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { fixedPoint, formatQuantizer, initBackend, quantActivation, quantLstm } from "lowbit";
import { wageWeight } from "lowbit/layers";
import { testData } from "../backend/reference";

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** One float64 LSTM step for a batch; w is [inputDim + units, 4 units] row-major, b [4 units]. */
function lstmStep(
  x: number[][],
  h: number[][],
  c: number[][],
  w: ArrayLike<number>,
  b: ArrayLike<number>,
  units: number,
) {
  const next = { h: [] as number[][], c: [] as number[][] };
  for (let r = 0; r < x.length; r++) {
    const input = [...x[r], ...h[r]];
    const z = Array.from({ length: 4 * units }, (_, j) =>
      input.reduce((s, v, i) => s + v * w[i * 4 * units + j], b[j]),
    );
    const hr: number[] = [],
      cr: number[] = [];
    for (let u = 0; u < units; u++) {
      const [i, f, g, o] = [
        sigmoid(z[u]),
        sigmoid(z[units + u]),
        Math.tanh(z[2 * units + u]),
        sigmoid(z[3 * units + u]),
      ];
      cr.push(f * c[r][u] + i * g);
      hr.push(o * Math.tanh(cr[u]));
    }
    next.h.push(hr);
    next.c.push(cr);
  }
  return next;
}

const rows = (data: Float32Array, n: number, m: number) =>
  Array.from({ length: n }, (_, r) => [...data.subarray(r * m, (r + 1) * m)]);

function assertClose(actual: ArrayLike<number>, expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}] = ${actual[i]}, expected ${expected[i]}`);
}

describe("QuantLstm", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("float step equals the float64 reference LSTM step from a random state", () => {
    const [batch, inDim, units] = [3, 5, 4];
    const layer = quantLstm({ units, seed: 2 });
    layer.build([null, inDim]);
    const bias = testData(4 * units, 9).map((v) => v * 0.5);
    layer.setWeights([layer.masterKernel(), tf.tensor1d(bias)]);
    const x = testData(batch * inDim, 1),
      h = testData(batch * units, 2),
      c = testData(batch * units, 3).map((v) => 2 * v);
    const next = layer.step(tf.tensor2d(x, [batch, inDim]), {
      h: tf.tensor2d(h, [batch, units]),
      c: tf.tensor2d(c, [batch, units]),
    });
    const ref = lstmStep(
      rows(x, batch, inDim),
      rows(h, batch, units),
      rows(c, batch, units),
      layer.masterKernel().dataSync(),
      bias,
      units,
    );
    assertClose(next.h.dataSync(), ref.h.flat(), 1e-5, "h");
    assertClose(next.c.dataSync(), ref.c.flat(), 1e-5, "c");
  });

  test("a sequence through the layer equals the reference loop from the zero state; forget bias starts at 1", () => {
    const [batch, time, inDim, units] = [2, 6, 3, 5];
    const layer = quantLstm({ units, seed: 4 });
    const xs = testData(batch * time * inDim, 5);
    const y = layer.apply(tf.tensor3d(xs, [batch, time, inDim])) as tf.Tensor;
    assert.deepEqual(y.shape, [batch, time, units]);
    const b = [...layer.getWeights()[1].dataSync()];
    assert.deepEqual(b, [...Array(units).fill(0), ...Array(units).fill(1), ...Array(2 * units).fill(0)]);
    let state = {
      h: rows(new Float32Array(batch * units), batch, units),
      c: rows(new Float32Array(batch * units), batch, units),
    };
    const expected: number[][][] = [];
    for (let t = 0; t < time; t++) {
      const x = Array.from({ length: batch }, (_, r) => [
        ...xs.subarray((r * time + t) * inDim, (r * time + t + 1) * inDim),
      ]);
      state = lstmStep(x, state.h, state.c, layer.masterKernel().dataSync(), b, units);
      expected.push(state.h);
    }
    // y is [batch, time, units]
    const flat = Array.from({ length: batch }, (_, r) => expected.map((ht) => ht[r])).flat(2);
    assertClose(y.dataSync(), flat, 1e-5, "h sequence");
    const last = quantLstm({ units, seed: 4, returnSequences: false }).apply(
      tf.tensor3d(xs, [batch, time, inDim]),
    ) as tf.Tensor;
    assertClose(last.dataSync(), expected[time - 1].flat(), 1e-5, "last h");
  });

  test("from a given state [x, h0, c0] with returnState: the reference loop from that state, and its final (h, c)", () => {
    const [batch, time, inDim, units] = [2, 4, 3, 5];
    const layer = quantLstm({ units, seed: 8, returnState: true });
    const xs = testData(batch * time * inDim, 11),
      h0 = testData(batch * units, 12),
      c0 = testData(batch * units, 13);
    const [y, h, c] = layer.apply([
      tf.tensor3d(xs, [batch, time, inDim]),
      tf.tensor2d(h0, [batch, units]),
      tf.tensor2d(c0, [batch, units]),
    ]) as tf.Tensor[];
    assert.deepEqual(
      [y.shape, h.shape, c.shape],
      [
        [batch, time, units],
        [batch, units],
        [batch, units],
      ],
    );
    const b = layer.getWeights()[1].dataSync();
    let state = { h: rows(h0, batch, units), c: rows(c0, batch, units) };
    for (let t = 0; t < time; t++) {
      const x = Array.from({ length: batch }, (_, r) => [
        ...xs.subarray((r * time + t) * inDim, (r * time + t + 1) * inDim),
      ]);
      state = lstmStep(x, state.h, state.c, layer.masterKernel().dataSync(), b, units);
    }
    assertClose(h.dataSync(), state.h.flat(), 1e-5, "final h");
    assertClose(c.dataSync(), state.c.flat(), 1e-5, "final c");
    assertClose(y.slice([0, time - 1, 0], [batch, 1, units]).dataSync(), state.h.flat(), 1e-5, "last output");
    assert.throws(
      () => layer.apply([tf.zeros([batch, time, inDim]), tf.zeros([batch, units])]),
      /expects inputs x or \[x, h0, c0\]/,
    );
  });

  test("with weight quantization the forward uses the quantized weights; outputs on the activation grid", () => {
    const [batch, inDim, units] = [4, 6, 3];
    const layer = quantLstm({ units, seed: 6, quant: { weight: wageWeight(3) } });
    layer.build([null, inDim]);
    const x = testData(batch * inDim, 7),
      zeros = tf.zeros([batch, units]) as tf.Tensor2D;
    const next = layer.step(tf.tensor2d(x, [batch, inDim]), { h: zeros, c: zeros });
    const b = layer.getWeights()[1].dataSync();
    const z0 = rows(new Float32Array(batch * units), batch, units);
    const wq = layer.quantizedKernel().dataSync();
    assert.ok(
      wq.every((v) => [-0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75].includes(v)),
      "3-bit WAGE weights",
    );
    assertClose(next.h.dataSync(), lstmStep(rows(x, batch, inDim), z0, z0, wq, b, units).h.flat(), 1e-5, "h with Q(W)");
    const float = lstmStep(rows(x, batch, inDim), z0, z0, layer.masterKernel().dataSync(), b, units).h.flat();
    assert.ok(
      float.some((v, i) => Math.abs(v - next.h.dataSync()[i]) > 1e-3),
      "quantized and float forward differ",
    );
    const grid = quantLstm({
      units,
      quant: { activation: formatQuantizer(fixedPoint({ bits: 4, frac: 3 })) },
      gates: { output: formatQuantizer(fixedPoint({ bits: 8, frac: 7 })) },
    });
    const h = (grid.apply(tf.tensor3d(testData(2 * 3 * inDim, 8), [2, 3, inDim])) as tf.Tensor).dataSync();
    assert.ok(
      h.every((v) => Number.isInteger(v * 8) && Math.abs(v) <= 1),
      "4-bit h on multiples of 1/8",
    );
  });

  test("bad configs are clear errors", () => {
    assert.throws(() => quantLstm({ units: 0 }), /quantLstm units must be an integer in \[1, 2\^53 - 1\]; got 0/);
    assert.throws(
      () => quantLstm({ units: 2, gates: { in: wageWeight(2) } as never }),
      /gates has an unknown entry "in"; allowed: input, output/,
    );
    assert.throws(() => quantLstm({ units: 2 }).apply(tf.zeros([2, 3])), /expects input \[batch, time, inputDim\]/);
    assert.throws(
      () => quantActivation({ activation: "sign", quant: { weight: wageWeight(2) } }),
      /QuantActivation has no weights, so quant.weight is not allowed; allowed: activation, error/,
    );
  });
});
