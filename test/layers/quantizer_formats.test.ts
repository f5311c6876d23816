/**
 * Every layer quantizer declares the format of what it outputs, and the declaration holds: its
 * outputs (divided by the data's scale where the quantizer takes one from the data) are fixed
 * points of quantize() to that format, i.e. values of the format. The cost model prices these
 * formats (cost(model, { batch, phase })).
 */
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import {
  dfpQuantizer,
  fixedPoint,
  FP32,
  FP8_E4M3,
  type Format,
  formatQuantizer,
  initBackend,
  powerOfTwo,
  quantize,
  Rng,
  type ScaledFormat,
} from "lowbit";
import { binary, ternary, dynamicFixedPointFormat, logQuantizerFormat } from "lowbit/quant";
import { logQuantizer, sqWeight, wageActivation, wageError, wageGradient, wageWeight } from "lowbit/layers";

const rng = new Rng(11);
const sample = (n: number, spread: number) =>
  tf.tensor1d(Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * spread));

/** y / scale is a value of `format`: quantizing it changes nothing. */
function assertInFormat(y: tf.Tensor, format: Format, scale = 1): void {
  const v = (y.dataSync() as Float32Array).map((a) => a / scale);
  assert.deepEqual(quantize(v, format), v);
}

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

test("WAGE's W, A, E and G output values of Q's grid, k-bit symmetric fixed point with k - 1 fraction bits", () => {
  const wage8 = fixedPoint({ bits: 8, frac: 7, symmetric: true });
  assert.deepEqual(wageWeight(2).format, fixedPoint({ bits: 2, frac: 1, symmetric: true }));
  for (const q of [wageWeight(8), wageActivation(8), wageError(8), wageError(8, { gamma: 4 })]) {
    assert.deepEqual(q.format, wage8);
    assertInFormat(q.apply(sample(1000, 3)), wage8);
  }
  // G: sigma(8) times integers up to ceil(eta sqrt 2); still inside 8 bits at eta = 64.
  for (const eta of [1, 8, 64]) {
    const g = wageGradient(8, { eta, seed: 3 });
    assert.deepEqual(g.format, wage8);
    assertInFormat(g.apply(sample(4000, 1e-3)), wage8);
  }
});

test("data-scaled quantizers declare their scaled format, whose elements are DFP's integer codes and the log quantizer's powers of two", () => {
  const dfp = dfpQuantizer({ bits: 6 });
  assert.deepEqual(dfp.format, dynamicFixedPointFormat({ bits: 6 }));
  const dfpElement = (dfp.format as ScaledFormat).element;
  assert.deepEqual(dfpElement, fixedPoint({ bits: 6, frac: 0 }));
  const y = dfp.apply(sample(1000, 5));
  assertInFormat(y, dfpElement, 2 ** -dfp.dfp.frac![0]);
  const log = logQuantizer(5);
  assert.deepEqual(log.format, logQuantizerFormat(5));
  const logElement = (log.format as ScaledFormat).element;
  assert.deepEqual(logElement, powerOfTwo({ bits: 5, maxExponent: 0 }));
  const x = sample(1000, 0.3);
  const eMax = Math.ceil(Math.log2(Math.max(...(x.dataSync() as Float32Array).map(Math.abs))));
  assertInFormat(log.apply(x), logElement, 2 ** eMax);
});

test("formatQuantizer declares its format; sqWeight binary or ternary at ratio 1, FP32 below", () => {
  assert.deepEqual(formatQuantizer(FP8_E4M3).format, FP8_E4M3);
  const bwn = sqWeight({ base: "bwn" }),
    twn = sqWeight({ base: "twn", threshold: 0.6 });
  assert.deepEqual([bwn.format, twn.format], [binary(), ternary({ threshold: 0.6 })]);
  // BWN per channel: +-alpha_c, one scale per output channel (the last axis).
  const w = bwn.apply(sample(64, 1).reshape([16, 4]));
  const alphas = tf.tidy(() => w.abs().max(0));
  assertInFormat(
    tf.tidy(() => w.div(alphas)),
    binary(),
  );
  bwn.ratio = 0.5;
  assert.deepEqual(bwn.format, FP32);
  tf.dispose([w, alphas]);
});
