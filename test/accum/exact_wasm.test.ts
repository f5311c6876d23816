/**
 * The wasm kernel of the accumulator's exact path (lib/wasm/accumulate.ts, run by accumulate()
 * and lowPrecisionMatMulArray() from the built package) against the JavaScript exact path it
 * replaced (lib/accum sources, sumLanes), bit for bit, zero signs included: long vectors (the
 * kernel's four-lane blocks of 256 steps, lane counts that are not multiples of four), every
 * rounding, chunk lengths around the block size, mantissa widths on both sides of the direct
 * stochastic step (m <= 20), bounded and unbounded exponents, terms over float64's whole range
 * (subnormals, the scaled top binades, overflow), ties, powers of two, cancellation, Inf, NaN.
 * The exact rational reference (accumulate_reference.test.ts) checks the definition itself.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { accumulate, floatingPoint, Rng } from "lowbit";
import { lowPrecisionMatMulArray } from "lowbit/accum";
import {
  type AccumulatorOptions,
  checkAccumulator,
  type FloatAccumulator,
  sumExactReference,
} from "../../lib/accum/accumulate";
import { exactKernelReference, productRounder } from "../../lib/accum/matmul";
import { floatingPoint as sourceFloatingPoint } from "../../lib/quant/formats";

const ROUNDINGS = ["nearest", "zero", "stochastic"] as const;

/** checkAccumulator for the floating-point accumulators these tests build. */
function floatAccumulator(options: AccumulatorOptions, n: number): FloatAccumulator {
  const acc = checkAccumulator("accumulate", options, n);
  assert.equal(acc.kind, "float");
  return acc as FloatAccumulator;
}

/** Terms over `lo` .. `lo + span` binades: ties, full mantissas, powers of two, cancellation. */
function terms(rng: Rng, n: number, lo: number, span: number, specials: number): Float64Array {
  const x = new Float64Array(n);
  const sign = () => (rng.next() < 0.5 ? -1 : 1);
  const scale = () => 2 ** (lo + Math.floor(rng.next() * span));
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const kind = Math.floor(rng.next() * 7);
    let v: number;
    if (kind === 0)
      v = sign() * (1 + Math.floor(rng.next() * 16)) * scale(); // few bits: ties
    else if (kind === 1)
      v = sign() * (1 + rng.next()) * scale(); // full mantissa
    else if (kind === 2)
      v = sign() * scale(); // powers of two
    else if (kind === 3)
      v = sign() * scale() * (1 - 2 ** -(1 + Math.floor(rng.next() * 52))); // just below one
    else if (kind === 4)
      v = Number.isFinite(sum) ? -sum : -x[i - 1]; // cancellation
    else if (kind === 5)
      v = sign() * rng.next() * 2 ** -1060; // float64 subnormal
    else v = sign() * rng.next() * 4; // near the sum's start
    x[i] = v;
    sum += v;
  }
  for (let s = 0; s < specials; s++)
    x[Math.floor(rng.next() * n)] = [Infinity, -Infinity, NaN][Math.floor(rng.next() * 3)];
  return x;
}

function sameBits(got: number, want: number, what: string): void {
  assert.ok(Object.is(got, want), `${what}: wasm ${got}, JavaScript ${want}`);
}

test("accumulate's wasm exact path equals the JavaScript exact path bit for bit on long vectors", () => {
  const rng = new Rng(20261202);
  let sums = 0;
  for (let trial = 0; trial < 240; trial++) {
    const rounding = ROUNDINGS[trial % 3];
    const n = 1 + Math.floor(rng.next() * 3000);
    const range = [
      [-30, 60],
      [-1080, 2100],
      [900, 123],
      [-160, 40],
    ][Math.floor(rng.next() * 4)];
    const x = terms(rng, n, range[0], range[1], rng.next() < 0.1 ? 1 + Math.floor(rng.next() * 2) : 0);
    const input = rng.next() < 0.5 ? x : new Float32Array(x);
    const m = [1, 2, 5, 8, 10, 16, 20, 21, 23][Math.floor(rng.next() * 9)];
    const exponentBits = rng.next() < 0.4 ? undefined : [2, 3, 5, 8, 11][Math.floor(rng.next() * 5)];
    const chunk = [undefined, 1, 3, 64, 255, 256, 257, 300, n][Math.floor(rng.next() * 9)];
    const options = {
      mantissaBits: m,
      exponentBits,
      rounding,
      chunk: chunk === undefined ? undefined : Math.min(chunk, n),
      seed: Math.floor(rng.next() * 2 ** 32),
      stream: Math.floor(rng.next() * 2 ** 32),
    };
    const want = sumExactReference(input, floatAccumulator(options, n));
    sameBits(
      accumulate(input, options),
      want,
      JSON.stringify({ ...options, n, range, float32: input instanceof Float32Array }),
    );
    sums++;
  }
  assert.equal(sums, 240);
  // Overflow of float64 itself (fl(s + v) = Inf from finite terms) and of a bounded format.
  const top = 1.5 * 2 ** 1023;
  for (const x of [
    [top, top, -(2 ** 1020)],
    [-top, -top, 3],
    [60000, 60000, -1],
    [top, -top, top, top],
  ]) {
    for (const rounding of ROUNDINGS) {
      for (const exponentBits of [undefined, 5, 11]) {
        const options = { mantissaBits: 7, exponentBits, rounding, seed: 5 };
        const values = new Float64Array(x);
        sameBits(
          accumulate(values, options),
          sumExactReference(values, floatAccumulator(options, x.length)),
          `${x} ${rounding} E${exponentBits}`,
        );
      }
    }
  }
});

test("lowPrecisionMatMul's wasm exact path equals the JavaScript exact path bit for bit", () => {
  const rng = new Rng(17);
  const formats = [
    { exp: 8, man: 5 },
    { exp: 5, man: 2 },
    { exp: 4, man: 3, saturate: true },
    { exp: 8, man: 23 },
  ];
  for (let trial = 0; trial < 36; trial++) {
    const rounding = ROUNDINGS[trial % 3];
    const M = 1 + Math.floor(rng.next() * 5),
      K = 1 + Math.floor(rng.next() * 600),
      N = 1 + Math.floor(rng.next() * 21);
    const wide = rng.next() < 0.5;
    const operand = () =>
      rng.next() < 0.05 ? 0 : (rng.next() - 0.5) * 2 ** (wide ? Math.floor(rng.next() * 40) - 20 : 0);
    const a = Float32Array.from({ length: M * K }, operand),
      b = Float32Array.from({ length: K * N }, operand);
    if (rng.next() < 0.1) a[Math.floor(rng.next() * M * K)] = [Infinity, NaN][Math.floor(rng.next() * 2)];
    const spec = formats[Math.floor(rng.next() * formats.length)];
    const m = [2, 8, 20, 23][Math.floor(rng.next() * 4)];
    const exponentBits = rng.next() < 0.4 ? undefined : [3, 5, 8][Math.floor(rng.next() * 3)];
    const chunk = [undefined, 1, 7, 64, 257][Math.floor(rng.next() * 5)];
    // Streams near 2^32: the per-element stream (stream + i N + j) wraps.
    const accumulator = {
      mantissaBits: m,
      exponentBits,
      rounding,
      chunk: chunk === undefined ? undefined : Math.min(chunk, K),
      seed: Math.floor(rng.next() * 2 ** 32),
      stream: rng.next() < 0.3 ? 2 ** 32 - 5 : Math.floor(rng.next() * 2 ** 32),
    };
    if (rounding === "nearest" && exponentBits === undefined) continue; // the fast path, not the kernel
    const got = lowPrecisionMatMulArray(
      { values: a, shape: [M, K] },
      { values: b, shape: [K, N] },
      { product: floatingPoint(spec), accumulator },
    );
    const bt = new Float32Array(K * N);
    for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) bt[j * K + k] = b[k * N + j];
    const want = new Float32Array(M * N);
    exactKernelReference(
      a,
      bt,
      M,
      K,
      N,
      productRounder(sourceFloatingPoint(spec)),
      floatAccumulator(accumulator, K),
      want,
    );
    for (let o = 0; o < M * N; o++)
      sameBits(got[o], want[o], `${JSON.stringify({ ...accumulator, M, K, N, spec })} element ${o}`);
  }
});
