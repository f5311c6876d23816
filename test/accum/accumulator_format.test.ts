/**
 * Accumulators as format values (issue 18): accumulate(x, { accumulator: floatingPoint({ exp, man }) })
 * is the short form { mantissaBits: man, exponentBits: exp } bit for bit (every rounding, seeds,
 * chunks, float32 and float64 terms, ranges that overflow and underflow), in lowPrecisionMatMul
 * and the layers too; vrr, minAccumulatorBits and accumulationTable read `man` from formats;
 * formats that went through JSON are accepted everywhere; settings the emulator cannot honour
 * are refused with errors naming them.
 */
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import {
  accumulate,
  BF16,
  fixedPoint,
  floatingPoint,
  FP16,
  initBackend,
  minAccumulatorBits,
  quantDense,
  quantize,
  Rng,
  vrr,
} from "lowbit";
import {
  accumulationTable,
  lowPrecisionConv2d,
  lowPrecisionDense,
  lowPrecisionMatMulArray,
  monteCarloVrr,
} from "lowbit/accum";

const ROUNDINGS = ["nearest", "zero", "stochastic"] as const;
const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

/** Terms over wide exponent ranges, few-bit ties, cancellation, and now and then Inf or NaN. */
function terms(rng: Rng, n: number, lo: number, span: number): number[] {
  return Array.from({ length: n }, () => {
    const sign = rng.next() < 0.5 ? -1 : 1,
      scale = 2 ** (lo + rng.int(span)),
      kind = rng.int(40);
    if (kind === 0) return [Infinity, -Infinity, NaN][rng.int(3)];
    if (kind < 14) return sign * (1 + rng.int(16)) * scale;
    return sign * (1 + rng.next()) * scale;
  });
}

test("accumulate: floatingPoint({ exp, man }) equals { mantissaBits: man, exponentBits: exp } bit for bit", () => {
  const rng = new Rng(18);
  let cases = 0;
  for (let trial = 0; trial < 400; trial++) {
    const exp = [2, 3, 4, 5, 8, 11][rng.int(6)],
      man = [1, 2, 3, 5, 7, 10, 16, 20, 21, 23][rng.int(10)];
    const n = 1 + rng.int(trial % 10 === 0 ? 3000 : 300);
    const [lo, span] = [
      [-30, 60],
      [-1080, 40],
      [-10, 20],
      [1000, 40],
      [-150, 300],
    ][rng.int(5)];
    const raw = terms(rng, n, lo, span);
    const x = rng.next() < 0.5 ? new Float32Array(raw) : new Float64Array(raw);
    const rounding = ROUNDINGS[rng.int(3)];
    const chunk = [undefined, 1, 3, 64, 257][rng.int(5)];
    const settings = {
      rounding,
      chunk: chunk === undefined ? undefined : Math.min(chunk, n),
      seed: rng.int(2 ** 32),
      stream: rng.int(2 ** 32),
    };
    const format = floatingPoint({ exp, man });
    const want = accumulate(x, { mantissaBits: man, exponentBits: exp, ...settings });
    const what = JSON.stringify({ exp, man, n, lo, ...settings, float32: x instanceof Float32Array });
    assert.ok(Object.is(accumulate(x, { accumulator: format, ...settings }), want), what);
    assert.ok(Object.is(accumulate(x, { accumulator: json(format), ...settings }), want), `${what} through JSON`);
    cases++;
  }
  // The issue's own case: bfloat16.
  const x = new Float32Array(terms(new Rng(5), 5000, -8, 16));
  for (const rounding of ROUNDINGS) {
    assert.ok(
      Object.is(
        accumulate(x, { accumulator: floatingPoint({ exp: 8, man: 7 }), rounding, seed: 1 }),
        accumulate(x, { mantissaBits: 7, exponentBits: 8, rounding, seed: 1 }),
      ),
    );
    assert.ok(
      Object.is(
        accumulate(x, { accumulator: BF16, rounding, chunk: 32 }),
        accumulate(x, { mantissaBits: 7, exponentBits: 8, rounding, chunk: 32 }),
      ),
    );
  }
  assert.equal(cases, 400);
});

test("lowPrecisionMatMul, lowPrecisionDense and lowPrecisionConv2d: an accumulator format with settings beside it equals the options form", () => {
  const rng = new Rng(4);
  const M = 3,
    K = 70,
    N = 6;
  const operand = () => (rng.next() - 0.5) * 2 ** (rng.int(12) - 6);
  const a = Float32Array.from({ length: M * K }, operand),
    b = Float32Array.from({ length: K * N }, operand);
  const A = { values: a, shape: [M, K] as [number, number] },
    B = { values: b, shape: [K, N] as [number, number] };
  for (const product of [floatingPoint({ exp: 5, man: 4 }), floatingPoint({ exp: 8, man: 23 })]) {
    for (const [exp, man] of [
      [8, 7],
      [5, 10],
      [3, 5],
    ]) {
      for (const rounding of ROUNDINGS) {
        for (const chunk of [undefined, 16]) {
          const settings = { rounding, chunk, seed: 11, stream: 3 };
          const want = lowPrecisionMatMulArray(A, B, {
            product,
            accumulator: { mantissaBits: man, exponentBits: exp, ...settings },
          });
          const byFormat = lowPrecisionMatMulArray(A, B, {
            product: json(product),
            accumulator: json(floatingPoint({ exp, man })),
            ...settings,
          });
          const nested = lowPrecisionMatMulArray(A, B, {
            product,
            accumulator: { accumulator: floatingPoint({ exp, man }), ...settings },
          });
          assert.deepEqual([...byFormat], [...want], `e${exp}m${man} ${rounding} chunk ${chunk}`);
          assert.deepEqual([...nested], [...want]);
        }
      }
    }
  }
  const x = tf.tensor2d(a, [M, K]),
    w = tf.tensor2d(b, [K, N]);
  const dense = lowPrecisionDense(x, w, { product: FP16, accumulator: BF16, chunk: 16 });
  const short = lowPrecisionDense(x, w, {
    product: FP16,
    accumulator: { mantissaBits: 7, exponentBits: 8, chunk: 16 },
  });
  assert.deepEqual([...dense.dataSync()], [...short.dataSync()]);
  const image = tf.tensor4d(
    Array.from({ length: 2 * 6 * 6 * 3 }, (_, i) => Math.cos(i)),
    [2, 6, 6, 3],
  );
  const filter = tf.tensor4d(
    Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.sin(i) / 4),
    [3, 3, 3, 4],
  );
  for (const rounding of ROUNDINGS) {
    const conv = lowPrecisionConv2d(image, filter, {
      product: FP16,
      accumulator: floatingPoint({ exp: 5, man: 6 }),
      rounding,
      chunk: 9,
      seed: 3,
      strides: 2,
      padding: "same",
    });
    const convShort = lowPrecisionConv2d(image, filter, {
      product: FP16,
      accumulator: { mantissaBits: 6, exponentBits: 5, rounding, chunk: 9, seed: 3 },
      strides: 2,
      padding: "same",
    });
    assert.deepEqual([...conv.dataSync()], [...convShort.dataSync()], rounding);
    tf.dispose([conv, convShort]);
  }
  tf.dispose([x, w, dense, short, image, filter]);
});

test("a layer takes accumulation with an accumulator format (also one read back from JSON)", () => {
  const input = tf.tensor2d(
    Array.from({ length: 40 }, (_, i) => Math.sin(i)),
    [4, 10],
  );
  const byFormat = tf.sequential({
    layers: [
      quantDense({
        units: 3,
        inputShape: [10],
        seed: 2,
        accumulation: json({ product: FP16, accumulator: floatingPoint({ exp: 5, man: 4 }), chunk: 4 }),
      }),
    ],
  });
  const short = tf.sequential({
    layers: [
      quantDense({
        units: 3,
        inputShape: [10],
        seed: 2,
        accumulation: { product: FP16, accumulator: { mantissaBits: 4, exponentBits: 5, chunk: 4 } },
      }),
    ],
  });
  short.setWeights(byFormat.getWeights());
  assert.deepEqual(
    [...(byFormat.predict(input) as tf.Tensor).dataSync()],
    [...(short.predict(input) as tf.Tensor).dataSync()],
  );
  assert.throws(
    () =>
      quantDense({
        units: 3,
        accumulation: { product: FP16, accumulator: floatingPoint({ exp: 5, man: 4, saturate: false }) },
      }),
    /accumulator saturate must be true/,
  );
  assert.throws(
    () => quantDense({ units: 3, accumulation: { product: floatingPoint({ exp: 11, man: 52 }), accumulator: BF16 } }),
    /product floatingPoint exp \(values are held in float32: 8 exponent bits\)/,
  );
  assert.throws(
    () =>
      quantDense({
        units: 3,
        accumulation: { product: FP16, accumulator: { mantissaBits: 4, chunk: 4 }, rounding: "zero" },
      }),
    /rounding go inside accumulator/,
  );
});

test("vrr, monteCarloVrr, minAccumulatorBits and accumulationTable read man from formats", () => {
  const product = floatingPoint({ exp: 5, man: 5 });
  for (const [n, man] of [
    [64, 4],
    [4096, 8],
    [100000, 12],
  ]) {
    const want = vrr({ n, mAcc: man, mP: 5 });
    assert.equal(vrr({ n, accumulator: floatingPoint({ exp: 8, man }), product }), want);
    assert.equal(
      vrr({ n, accumulator: json(floatingPoint({ exp: 11, man })), product: json(product), chunk: Math.min(n, 64) }),
      vrr({ n, mAcc: man, mP: 5, chunk: Math.min(n, 64) }),
    );
    assert.equal(vrr({ n, accumulator: floatingPoint({ exp: 8, man }), mP: 5 }), want);
  }
  assert.equal(
    monteCarloVrr({ n: 256, accumulator: BF16, product, trials: 50, seed: 2 }),
    monteCarloVrr({ n: 256, mAcc: 7, mP: 5, trials: 50, seed: 2 }),
  );
  assert.equal(minAccumulatorBits({ n: 4096, product: json(product) }), minAccumulatorBits({ n: 4096, mP: 5 }));
  assert.deepEqual(accumulationTable("lenet5", { product }), accumulationTable("lenet5", { mP: 5 }));
  assert.throws(
    () => vrr({ n: 64, accumulator: fixedPoint({ bits: 16, frac: 8 }) as never, mP: 5 }),
    /vrr accumulator must be a floatingPoint format \(the swamping analysis is for floating-point sums/,
  );
  assert.throws(() => vrr({ n: 64, accumulator: BF16, mAcc: 7, mP: 5 }), /vrr takes accumulator or mAcc, not both/);
  assert.throws(() => vrr({ n: 64, mP: 5 }), /vrr takes accumulator \(a floatingPoint format\) or mAcc/);
  assert.throws(
    () => vrr({ n: 64, accumulator: floatingPoint({ exp: 8, man: 0 }), mP: 5 }),
    /vrr accumulator man must be an integer in \[1, 52\]; got 0/,
  );
  assert.throws(
    () => minAccumulatorBits({ n: 64, product: { kind: "integer", bits: 8 } as never }),
    /minAccumulatorBits product must be a floatingPoint format/,
  );
  assert.throws(
    () => monteCarloVrr({ n: 64, accumulator: floatingPoint({ exp: 11, man: 30 }), mP: 5, trials: 2, seed: 0 }),
    /monteCarloVrr accumulator man must be an integer in \[1, 23\]/,
  );
});

test("JSON: formats keep their JSON (no overflow field unless wrap) and are accepted after a round trip", () => {
  assert.equal(
    JSON.stringify(fixedPoint({ bits: 8, frac: 3 })),
    '{"kind":"fixed","bits":8,"frac":3,"symmetric":false}',
  );
  assert.equal(
    JSON.stringify(fixedPoint({ bits: 8, frac: 3, overflow: "saturate" })),
    '{"kind":"fixed","bits":8,"frac":3,"symmetric":false}',
  );
  assert.equal(
    JSON.stringify(fixedPoint({ bits: 32, frac: 0, overflow: "wrap" })),
    '{"kind":"fixed","bits":32,"frac":0,"symmetric":false,"overflow":"wrap"}',
  );
  assert.equal(JSON.stringify(BF16), '{"kind":"float","exp":8,"man":7,"subnormals":true,"saturate":true}');
  const x = Float32Array.of(0.3, -1.7, 100, 1e-9);
  for (const f of [fixedPoint({ bits: 8, frac: 3 }), FP16, floatingPoint({ exp: 3, man: 1, subnormals: false })]) {
    assert.deepEqual([...quantize(x, json(f))], [...quantize(x, f)]);
  }
  const wide = fixedPoint({ bits: 40, frac: 20, overflow: "wrap" });
  // 2^18 + 2^18 = 2^19 is one step beyond the largest value 2^19 - 2^-20: it wraps to -2^19.
  const terms = Float64Array.of(2 ** 18, 2 ** 18, 0.25);
  assert.equal(accumulate(terms, { accumulator: json(wide) }), -(2 ** 19) + 0.25);
  assert.equal(accumulate(terms, { accumulator: wide }), -(2 ** 19) + 0.25);
  // A hand-written saturating format with the field spelled out is the same format.
  assert.equal(
    accumulate(Float64Array.of(100, 100), {
      accumulator: { kind: "fixed", bits: 8, frac: 0, symmetric: false, overflow: "saturate" },
    }),
    127,
  );
});

test("bad accumulators: typed errors naming the setting", () => {
  const x = new Float32Array(8);
  assert.throws(
    () => accumulate(x, { accumulator: floatingPoint({ exp: 8, man: 7, subnormals: false }) }),
    /accumulate accumulator subnormals must be true \(the emulator keeps subnormals; flush to zero is not emulated\)/,
  );
  assert.throws(
    () => accumulate(x, { accumulator: floatingPoint({ exp: 5, man: 10, saturate: false }) }),
    /accumulate accumulator saturate must be true/,
  );
  assert.throws(
    () => accumulate(x, { accumulator: floatingPoint({ exp: 11, man: 52 }) }),
    /accumulate accumulator man \(the emulator keeps 2 to 24 significant bits: lowPrecisionMatMul returns float32\) must be an integer in \[1, 23\]; got 52/,
  );
  assert.throws(() => accumulate(x, { accumulator: floatingPoint({ exp: 8, man: 0 }) }), /\[1, 23\]; got 0/);
  assert.throws(
    () => accumulate(x, { accumulator: BF16, mantissaBits: 7 }),
    /accumulator \(a format\) or mantissaBits and exponentBits \(the short form\), not both/,
  );
  assert.throws(
    () => accumulate(x, {}),
    /options must give accumulator \(a floatingPoint or fixedPoint format\) or mantissaBits/,
  );
  assert.throws(
    () => accumulate(x, { accumulator: { kind: "ternary", threshold: 0.5 } as never }),
    /accumulate accumulator must be a floatingPoint or fixedPoint format/,
  );
  assert.throws(
    () => accumulate(x, { accumulator: { kind: "fixed", bits: 70, frac: 0, symmetric: false } }),
    /fixedPoint bits must be an integer in \[1, 64\]; got 70/,
  );
  assert.throws(
    () => accumulate(x, { accumulator: { kind: "fixed", bits: 8, frac: 0, symmetric: true, overflow: "wrap" } }),
    /needs symmetric false/,
  );
  const A = { values: new Float32Array(4), shape: [2, 2] as [number, number] };
  assert.throws(
    () => lowPrecisionMatMulArray(A, A, { product: FP16, accumulator: { mantissaBits: 4 }, chunk: 2 }),
    /lowPrecisionMatMul chunk go inside accumulator/,
  );
  assert.throws(
    () => lowPrecisionMatMulArray(A, A, { product: FP16, accumulator: 7 as never }),
    /lowPrecisionMatMul accumulator must be a floatingPoint or fixedPoint format or accumulate\(\)'s options/,
  );
  assert.throws(
    () => lowPrecisionMatMulArray(A, A, { product: floatingPoint({ exp: 8, man: 30 }), accumulator: BF16 }),
    /lowPrecisionMatMul options product floatingPoint man \(values are held in float32: 23 mantissa bits\)/,
  );
});
