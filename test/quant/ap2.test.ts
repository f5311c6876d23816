/**
 * AP2(x) = sign(x) * 2^round(log2 |x|) against an exact float64 reference, on the cpu and wasm
 * backends alike (issue 16: tfjs-backend-wasm's Sign is 0 below 2^-23 in magnitude), over tiny,
 * subnormal, zero, negative zero, huge, Inf and NaN inputs and the sqrt(2) rounding points.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { ap2 } from "lowbit/quant";

/** Exact: |x| in [2^e, 2^(e+1)) rounds up iff |x| > sqrt(2) 2^e, i.e. x^2 > 2^(2e+1) (exact in float64). */
function ap2Ref(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const a = Math.abs(v);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  const up = a * a > 2 ** (2 * e + 1);
  return Math.sign(v) * Math.fround(2 ** (e + (up ? 1 : 0)));
}

function bits(x: ArrayLike<number>): number[] {
  return [...new Uint32Array(Float32Array.from(x).buffer)];
}

describe("ap2", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("the same exact bits on the cpu and wasm backends for tiny, subnormal, zero, -0, huge, Inf, NaN (issue 16)", () => {
    const sqrt2 = Math.fround(Math.SQRT2);
    const special = [
      2 ** -30,
      -(2 ** -24),
      1e-10,
      -1e-9,
      1e-20,
      1e-40,
      -1e-40,
      2 ** -149,
      3 * 2 ** -149,
      5 * 2 ** -149,
      -(2 ** -127),
      2 ** -126,
      1.5 * 2 ** -126,
      0,
      -0,
      Infinity,
      -Infinity,
      NaN,
      3.4e38,
      -2.3e38,
      2.5e38,
      2 ** 127,
      sqrt2,
      -sqrt2,
      sqrt2 * (1 + 2 ** -23),
      sqrt2 * 2 ** -140,
      sqrt2 * (1 + 2 ** -23) * 2 ** -140,
      0.75,
      1.5,
      -3,
    ];
    let s = 5;
    const random = Array.from({ length: 5000 }, () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const e = -149 + (s % 277);
      return (s & 1 ? -1 : 1) * 2 ** e * (1 + ((s >>> 9) % 1000) / 1000);
    });
    const x = Float32Array.from([...special, ...random]);
    const expected = bits([...x].map(ap2Ref));
    for (const backend of ["wasm", "cpu"]) {
      tf.setBackend(backend);
      const t = tf.tensor(x);
      const y = ap2(t);
      const got = bits(y.dataSync());
      for (let i = 0; i < x.length; i++) {
        if (got[i] !== expected[i])
          assert.fail(`${backend}: ap2(${x[i]}) = ${y.dataSync()[i]}, expected ${ap2Ref(x[i])}`);
      }
      t.dispose();
      y.dispose();
    }
    tf.setBackend("wasm");
    assert.deepEqual(
      [...ap2(tf.tensor([1e-10, -1e-10, 1e-40])).dataSync()],
      [2 ** -33, -(2 ** -33), Math.fround(2 ** -133)],
    );
  });

  test("bad input is a TypeError; no tensor leaks", () => {
    assert.throws(() => ap2(tf.tensor([1], undefined, "int32")), /ap2 x must be a float32 tensor/);
    const x = tf.tensor([0.3, -5]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) ap2(x).dispose();
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
});
