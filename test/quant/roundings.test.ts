/**
 * The roundings nearestAway, up, down, odd and stochastic with randomBits on the fixed-point
 * kernels (one step per tensor, and per group through block floating point), against the
 * definitions on the integer grid written here, and bit for bit against quantizeValue.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { elementHash } from "../../lib/dist/core/random";
import { blockFloatingPoint, fixedPoint, quantize, quantizeValue, type Rounding, ROUNDINGS } from "lowbit/quant";

/** v (in steps) rounded to an integer by the definition of each mode. */
function byDefinition(v: number, mode: Rounding): number {
  const lo = Math.floor(v),
    hi = Math.ceil(v);
  if (lo === hi) return v;
  switch (mode) {
    case "nearest":
      return v - lo < 0.5 ? lo : v - lo > 0.5 ? hi : lo % 2 === 0 ? lo : hi;
    case "nearestAway":
      return v - lo < 0.5 ? lo : v - lo > 0.5 ? hi : v > 0 ? hi : lo;
    case "zero":
      return v > 0 ? lo : hi;
    case "floor":
    case "down":
      return lo;
    case "up":
      return hi;
    case "odd":
      return Math.abs(lo % 2) === 1 ? lo : hi;
    default:
      throw new Error(mode);
  }
}

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

const xs = Float32Array.from(
  [0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.25, 0.75, -0.25, -0.75, 3.1, -3.1, 7.9, -7.9, 8.5, -9, 100, -100].flatMap(
    (v) => [v / 16, (v + 1 / 64) / 16, (v - 1 / 64) / 16],
  ),
);

test("fixed point: every deterministic rounding by its definition, kernel and quantizeValue", () => {
  const f = fixedPoint({ bits: 8, frac: 4 });
  for (const mode of ROUNDINGS.filter((r) => r !== "stochastic")) {
    const q = quantize(xs, f, { rounding: mode });
    const t = tf.tensor(xs);
    const qt = quantize(t, f, { rounding: mode });
    const tv = qt.dataSync();
    tf.dispose([t, qt]);
    xs.forEach((x, i) => {
      const expected = Math.min(127, Math.max(-128, byDefinition(x * 16, mode))) / 16;
      assert.equal(q[i], expected, `${mode} kernel(${x})`);
      assert.equal(tv[i], expected, `${mode} tensor(${x})`);
      assert.equal(quantizeValue(f, x, { rounding: mode }), expected, `${mode} quantizeValue(${x})`);
    });
  }
});

test("grouped fixed point (block floating point): the new roundings bit for bit with the reference", () => {
  const f = blockFloatingPoint({ bits: 6, blockSize: 4 });
  const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.3) * 2 ** ((i % 7) - 3));
  for (const mode of ROUNDINGS) {
    for (const randomBits of mode === "stochastic" ? [undefined, 3] : [undefined]) {
      const a = quantize(x, f, { rounding: mode, seed: 2, randomBits });
      // The same block scales under "nearest" and any mode: the elements differ only by rounding.
      for (let b = 0; b < 16; b++) {
        const block = x.slice(4 * b, 4 * b + 4);
        const max = Math.max(...Array.from(block, Math.abs));
        const e = Math.floor(Math.log2(max)) + 2 - 6;
        for (let j = 0; j < 4; j++) {
          const i = 4 * b + j;
          const hash = elementHash(2, 0, i);
          const q = quantizeValue(fixedPoint({ bits: 6, frac: 0 }), x[i] / 2 ** e, {
            rounding: mode,
            hash,
            randomBits,
          });
          assert.equal(a[i], q * 2 ** e, `${mode} r=${randomBits} at ${i}`);
        }
      }
    }
  }
});

test("fixed point stochastic with randomBits: kernel equals quantizeValue with the element's hash", () => {
  const f = fixedPoint({ bits: 8, frac: 4 });
  const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 5);
  for (const r of [1, 4, 13, 24]) {
    const q = quantize(x, f, { rounding: "stochastic", seed: 9, stream: 1, randomBits: r });
    x.forEach((v, i) => {
      const expected = quantizeValue(f, v, { rounding: "stochastic", hash: elementHash(9, 1, i), randomBits: r });
      assert.equal(q[i], expected, `r=${r} at ${i}`);
    });
  }
});
