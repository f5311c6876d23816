/**
 * Sizes beyond what lowbit's wasm kernels can address (2^28 elements) are a RangeError naming
 * the limit, up front, instead of a failure inside tfjs. The arrays are allocated but never
 * written, so the operating system does not back them with memory.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { fixedPoint, initBackend, quantize } from "lowbit";
import { maxAbsOf } from "../../lib/dist/quant/kernels/statistics";

const LIMIT =
  /must have a size in \[0, 2\^28\] \(268435456 elements: lowbit's wasm kernels address a 32-bit heap\); got (\d+) elements/;

describe("kernel size limit", () => {
  before(async () => {
    await initBackend({ backend: "cpu", quiet: true });
  });

  it("quantize refuses a 2^30-element array or tensor naming the limit", () => {
    const format = fixedPoint({ bits: 8, frac: 4 });
    assert.throws(
      () => quantize(new Float32Array(2 ** 30), format),
      (e: unknown) =>
        e instanceof RangeError &&
        LIMIT.test(e.message) &&
        e.message.startsWith("lowbit: quantize x") &&
        e.message.includes("got 1073741824 elements"),
    );
    assert.throws(() => quantize(new Float32Array(2 ** 28 + 1), format, { rounding: "stochastic", seed: 1 }), LIMIT);
    const big = tf.zeros([2 ** 14, 2 ** 14 + 1]);
    try {
      assert.throws(() => quantize(big, format), LIMIT);
      assert.throws(
        () => maxAbsOf(big),
        (e: unknown) => e instanceof RangeError && e.message.startsWith("lowbit: maxAbsOf / countAbove x"),
      );
    } finally {
      big.dispose();
    }
  });
});
