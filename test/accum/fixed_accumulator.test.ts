/**
 * Fixed-point accumulators, fixedPoint({ bits, frac, symmetric, overflow }), against an exact
 * rational reference written from the definition: the running sum kept as a fraction P / D of
 * BigInts (D a power of two found by doubling the term until it is an integer), rounded to the
 * grid 2^-frac by integer division, then clamped to the range or wrapped by modular arithmetic.
 * Brute force over every pair and triple of grid-straddling terms at 3 and 4 bits, random long
 * sums at 8 to 64 bits (wrap-around, saturation, cancellation), the edges of the float64 step
 * (at most 51 bits) and the BigInt step, ties, chunking, every rounding, NaN and Inf;
 * lowPrecisionMatMul and the layers with the same accumulators.
 */
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { accumulate, type FixedPointFormat, fixedPoint, floatingPoint, initBackend, quantDense, Rng } from "lowbit";
import { lowPrecisionMatMulArray } from "lowbit/accum";
import { hash32 } from "../../lib/dist/core/random";

type Mode = "nearest" | "zero" | "stochastic";
const MODES: Mode[] = ["nearest", "zero", "stochastic"];

/** x as an exact fraction [P, D], D = 2^k: x 2^k is found by doubling until it is an integer. */
function fraction(x: number): [bigint, bigint] {
  let k = 0,
    y = x;
  while (!Number.isInteger(y)) {
    y *= 2;
    k++;
  }
  return [BigInt(y), 1n << BigInt(k)];
}

/** floor(a / b) for b > 0 (BigInt division truncates toward zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return q * b > a ? q - 1n : q;
}

/** The code q saturated to the range, or wrapped into it modulo 2^bits. */
function overflowRef(f: FixedPointFormat, q: bigint): bigint {
  const qmax = 2n ** BigInt(f.bits - 1) - 1n,
    qmin = f.symmetric ? -qmax : -qmax - 1n;
  if (f.overflow === "wrap") {
    const span = 2n ** BigInt(f.bits);
    return ((((q - qmin) % span) + span) % span) + qmin;
  }
  return q > qmax ? qmax : q < qmin ? qmin : q;
}

/** The code of P / D rounded to the grid 2^-frac, then overflowed; counter addresses the draw. */
function roundRef(
  f: FixedPointFormat,
  P: bigint,
  D: bigint,
  mode: Mode,
  seed: number,
  stream: number,
  counter: number,
): bigint {
  // In units of the grid: P 2^frac / D.
  const num = f.frac >= 0 ? P << BigInt(f.frac) : P,
    den = f.frac >= 0 ? D : D << BigInt(-f.frac);
  const down = floorDiv(num, den),
    rest = num - down * den;
  let q = down;
  if (rest !== 0n) {
    if (mode === "nearest") q = 2n * rest > den || (2n * rest === den && down % 2n !== 0n) ? down + 1n : down;
    else if (mode === "zero") q = num < 0n ? down + 1n : down;
    else q = BigInt(hash32(seed, stream, counter)) * den < rest * 2n ** 32n ? down + 1n : down;
  }
  return overflowRef(f, q);
}

/** One addition; null is NaN. */
function addRef(
  f: FixedPointFormat,
  code: bigint | null,
  x: number,
  mode: Mode,
  seed: number,
  stream: number,
  counter: number,
): bigint | null {
  if (code === null || Number.isNaN(x)) return null;
  if (!Number.isFinite(x)) return f.overflow === "wrap" ? null : overflowRef(f, x > 0 ? 2n ** 70n : -(2n ** 70n));
  const [P, D] = fraction(x);
  // code 2^-frac + P / D over the common denominator D 2^max(frac, 0).
  const scale = f.frac >= 0 ? 1n << BigInt(f.frac) : 1n;
  const codeP = f.frac >= 0 ? code : code << BigInt(-f.frac);
  return roundRef(f, codeP * D + P * scale, D * scale, mode, seed, stream, counter);
}

function reference(
  f: FixedPointFormat,
  x: ArrayLike<number>,
  mode: Mode,
  chunk: number,
  seed: number,
  stream: number,
): number {
  const n = x.length;
  let total: bigint | null = 0n;
  for (let begin = 0; begin < n; begin += chunk) {
    let s: bigint | null = 0n;
    for (let i = begin; i < Math.min(n, begin + chunk); i++) s = addRef(f, s, x[i], mode, seed, stream, i);
    // A chunk sum is on the grid: only the overflow rule acts.
    total = s === null || total === null ? null : overflowRef(f, total + s);
  }
  return total === null ? NaN : Number(total) * 2 ** -f.frac;
}

function sameValue(got: number, want: number, what: string): void {
  if (!Object.is(got, want) && !(got === 0 && want === 0)) assert.fail(`${what}: got ${got}, want ${want}`);
}

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

test("brute force at 3 and 4 bits: every pair and triple of terms, every rounding and overflow", () => {
  let cases = 0;
  // Terms straddling the grid: multiples of a quarter step (ties at halves), beyond the range.
  for (const [bits, frac] of [
    [3, 1],
    [4, 2],
    [4, -1],
  ] as const) {
    const step = 2 ** -frac;
    const terms = [0, 0.25, 0.5, 0.75, 1, 1.5, 2.5, 3, 4.25, 7, 9.5].flatMap((k) => [k * step, -k * step]);
    for (const overflow of ["saturate", "wrap"] as const) {
      for (const symmetric of overflow === "wrap" ? [false] : [false, true]) {
        const f = fixedPoint({ bits, frac, symmetric, overflow });
        for (const mode of MODES) {
          for (const a of terms)
            for (const b of terms) {
              for (const x of [
                [a, b],
                [a, b, a],
                [b, a, 3 * step + a],
              ]) {
                const values = new Float64Array(x);
                sameValue(
                  accumulate(values, { accumulator: f, rounding: mode, seed: 4, stream: 2 }),
                  reference(f, values, mode, x.length, 4, 2),
                  `${JSON.stringify(f)} ${mode} [${x}]`,
                );
                cases++;
              }
            }
        }
      }
    }
  }
  assert.ok(cases > 10000, `${cases}`);
});

/** Terms of mixed size: many below the step (lost or rounded), some beyond the range. */
function terms(rng: Rng, n: number, frac: number, bits: number): number[] {
  const step = 2 ** -frac;
  return Array.from({ length: n }, () => {
    const sign = rng.next() < 0.5 ? -1 : 1,
      kind = rng.int(4);
    if (kind === 0) return (sign * (1 + rng.int(64)) * step) / 8; // ties and eighths
    if (kind === 1) return sign * rng.next() * step * 2 ** rng.int(8); // full mantissas near the step
    if (kind === 2) return sign * (rng.next() + 1) * step * 2 ** Math.min(bits + 2, rng.int(bits + 3)); // up to beyond the range
    return sign * rng.next() * 2 ** (rng.int(60) - 30); // any size
  });
}

test("random long sums at 8 to 64 bits equal the exact rational reference: every rounding, overflow, chunking, float32 and float64 terms", () => {
  const rng = new Rng(12);
  let cases = 0,
    wrapped = 0,
    saturated = 0;
  for (const [bits, frac] of [
    [8, 4],
    [16, 8],
    [24, 0],
    [32, 16],
    [51, 25],
    [52, 25],
    [53, 20],
    [64, 32],
    [64, -10],
    [16, 120],
  ] as const) {
    for (const overflow of ["saturate", "wrap"] as const) {
      for (const mode of MODES) {
        const f = fixedPoint({ bits, frac, overflow });
        const n = 300 + rng.int(1500);
        const raw = terms(rng, n, frac, bits);
        for (const array of ["float32", "float64"] as const) {
          const x = array === "float32" ? new Float32Array(raw) : new Float64Array(raw);
          for (const chunk of [undefined, 1, 7, 64]) {
            const seed = rng.int(2 ** 32),
              stream = rng.int(2 ** 32);
            const got = accumulate(x, { accumulator: f, rounding: mode, chunk, seed, stream });
            sameValue(
              got,
              reference(f, x, mode, chunk ?? n, seed, stream),
              `${JSON.stringify(f)} ${mode} ${array} chunk ${chunk} n ${n}`,
            );
            cases++;
          }
        }
        // The sum without range limits tells whether this case wrapped or saturated.
        let exact = 0;
        for (const v of raw) exact += v;
        if (Math.abs(exact) > 2 ** (bits - 1 - frac)) {
          if (overflow === "wrap") wrapped++;
          else saturated++;
        }
      }
    }
  }
  assert.ok(cases >= 300, `${cases}`);
  assert.ok(wrapped > 0 && saturated > 0, `wrapped ${wrapped} saturated ${saturated}`);
});

test("the edges of the float64 step (up to 51 bits) and of the BigInt step equal the reference: tiny, huge and half-unit terms", () => {
  let cases = 0;
  for (const [bits, frac] of [
    [51, 0],
    [51, 60],
    [52, 0],
    [20, -30],
    [20, 100],
    [8, 0],
  ] as const) {
    const unit = 2 ** -frac;
    // Terms whose grid units y = x 2^frac sit at the window ends 2^-1000 and 2^52, below a
    // float64 ulp of 1 (where 1 + f would round), at halves, and specials.
    const edges = [
      2 ** -1074,
      1e-310,
      2 ** -1000 * unit,
      2 ** -1001 * unit,
      2 ** -60 * unit,
      2 ** -54 * unit,
      0.5 * unit,
      1.5 * unit,
      (0.5 + 2 ** -50) * unit,
      (2 ** 52 - 1) * unit,
      2 ** 52 * unit,
      (2 ** 51 + 0.5) * unit,
      3 * 2 ** 50 * unit,
      7 * unit,
    ];
    const values = edges.flatMap((v) => [v, -v]).filter((v) => Number.isFinite(v));
    for (const overflow of ["saturate", "wrap"] as const) {
      const f = fixedPoint({ bits, frac, overflow });
      for (const mode of MODES) {
        for (const a of values)
          for (const b of values) {
            const x = Float64Array.of(3 * unit, a, b, -unit, a);
            sameValue(
              accumulate(x, { accumulator: f, rounding: mode, seed: 8, stream: cases }),
              reference(f, x, mode, x.length, 8, cases),
              `${JSON.stringify(f)} ${mode} [${[...x]}]`,
            );
            cases++;
          }
      }
    }
  }
  assert.ok(cases > 10000, `${cases}`);
});

test("wrap-around and saturation at the ends of the range; ties to even; truncation toward zero", () => {
  const byte = fixedPoint({ bits: 8, frac: 0, overflow: "wrap" }),
    clamp = fixedPoint({ bits: 8, frac: 0 });
  assert.equal(accumulate(Float64Array.of(100, 100), { accumulator: byte }), 200 - 256);
  assert.equal(accumulate(Float64Array.of(-100, -29), { accumulator: byte }), 127);
  assert.equal(accumulate(Float64Array.of(127, 1, -1), { accumulator: byte }), 127); // -128 - 1 wraps back
  assert.equal(accumulate(Float64Array.of(100, 100, -100), { accumulator: clamp }), 27);
  assert.equal(
    accumulate(Float64Array.of(-100, -100), { accumulator: fixedPoint({ bits: 8, frac: 0, symmetric: true }) }),
    -127,
  );
  // A 64-bit register wraps at 2^63 exactly.
  const long = fixedPoint({ bits: 64, frac: 0, overflow: "wrap" });
  assert.equal(accumulate(Float64Array.of(2 ** 62, 2 ** 62, 2 ** 62), { accumulator: long }), -(2 ** 62));
  assert.equal(
    accumulate(Float64Array.of(2 ** 62, 2 ** 62), { accumulator: fixedPoint({ bits: 64, frac: 0 }) }),
    2 ** 63,
  ); // 2^63 - 1 read as float64
  // Ties: 0.5 and 1.5 and 2.5 steps to even; truncation and nearest of negative sums.
  const half = fixedPoint({ bits: 8, frac: 0 });
  assert.deepEqual(
    [0.5, 1.5, 2.5, -0.5, -1.5].map((v) => accumulate(Float64Array.of(v), { accumulator: half })),
    [0, 2, 2, 0, -2],
  );
  assert.deepEqual(
    [0.75, -0.75, 1.25, -1.25].map((v) => accumulate(Float64Array.of(v), { accumulator: half, rounding: "zero" })),
    [0, 0, 1, -1],
  );
  // A term far below the step is lost by nearest and truncation, sometimes kept by stochastic rounding.
  const tiny = Float64Array.from({ length: 2000 }, () => 2 ** -40);
  assert.equal(accumulate(tiny, { accumulator: fixedPoint({ bits: 16, frac: 8 }) }), 0);
  assert.equal(
    accumulate(
      Float64Array.from({ length: 4096 }, () => 0.25),
      { accumulator: half, rounding: "stochastic", seed: 3 },
    ) > 0,
    true,
  );
});

test("NaN gives NaN; Inf saturates (and later terms continue from the end of the range) or, wrapping, gives NaN", () => {
  const sat = fixedPoint({ bits: 8, frac: 2 }),
    wrap = fixedPoint({ bits: 8, frac: 2, overflow: "wrap" });
  for (const f of [sat, wrap]) {
    for (const mode of MODES) {
      const options = { accumulator: f, rounding: mode };
      assert.ok(Number.isNaN(accumulate(Float64Array.of(1, NaN, 2), options)));
      assert.ok(Number.isNaN(accumulate(Float32Array.of(1, NaN, 2), { ...options, chunk: 1 })));
    }
  }
  assert.equal(accumulate(Float64Array.of(1, Infinity), { accumulator: sat }), 127 / 4);
  assert.equal(accumulate(Float64Array.of(1, Infinity, -2), { accumulator: sat }), 119 / 4);
  assert.equal(accumulate(Float64Array.of(Infinity, -Infinity), { accumulator: sat }), -32);
  assert.ok(Number.isNaN(accumulate(Float64Array.of(1, Infinity), { accumulator: wrap })));
  assert.ok(Number.isNaN(accumulate(Float64Array.of(-Infinity), { accumulator: wrap, chunk: 1 })));
  const specials = [1, Infinity, 3, -Infinity, -1e300, 1e300, 0.3];
  for (const f of [sat, wrap])
    sameValue(
      accumulate(Float64Array.from(specials), { accumulator: f }),
      reference(f, specials, "nearest", specials.length, 0, 0),
      JSON.stringify(f),
    );
});

test("stochastic rounding: same seed same bits; the mean of many sums is the exact sum", () => {
  const f = fixedPoint({ bits: 16, frac: 0 });
  const x = Float64Array.from({ length: 64 }, (_, i) => 0.1 + i / 1000);
  const one = accumulate(x, { accumulator: f, rounding: "stochastic", seed: 5, stream: 1 });
  assert.equal(accumulate(x, { accumulator: f, rounding: "stochastic", seed: 5, stream: 1 }), one);
  let mean = 0;
  const trials = 4000;
  for (let s = 0; s < trials; s++) mean += accumulate(x, { accumulator: f, rounding: "stochastic", seed: s }) / trials;
  let exact = 0;
  for (const v of x) exact += v;
  // Each step's error has variance at most 1/4: the mean's standard error is below sqrt(64 / 4 / trials).
  assert.ok(Math.abs(mean - exact) < 5 * Math.sqrt(16 / trials), `mean ${mean} exact ${exact}`);
});

test("lowPrecisionMatMul with a fixed-point accumulator equals accumulate() on each element's products", () => {
  const rng = new Rng(3);
  const M = 3,
    K = 50,
    N = 5;
  // Operands of 4 bits: the products are exact in the product format, so each element's
  // product list is known without rounding.
  const operand = () => (rng.int(16) - 8) * 2 ** (rng.int(6) - 3);
  const a = Float32Array.from({ length: M * K }, operand),
    b = Float32Array.from({ length: K * N }, operand);
  const product = floatingPoint({ exp: 8, man: 10 });
  for (const accumulator of [fixedPoint({ bits: 10, frac: 2, overflow: "wrap" }), fixedPoint({ bits: 12, frac: 1 })]) {
    for (const rounding of MODES) {
      for (const chunk of [undefined, 8]) {
        const settings = { rounding, chunk, seed: 7, stream: 2 ** 32 - 4 };
        const got = lowPrecisionMatMulArray(
          { values: a, shape: [M, K] },
          { values: b, shape: [K, N] },
          { product, accumulator, ...settings },
        );
        for (let i = 0; i < M; i++)
          for (let j = 0; j < N; j++) {
            const products = Float64Array.from({ length: K }, (_, k) => a[i * K + k] * b[k * N + j]);
            const want = accumulate(products, {
              accumulator,
              ...settings,
              stream: (settings.stream + i * N + j) >>> 0,
            });
            assert.equal(
              got[i * N + j],
              Math.fround(want),
              `${JSON.stringify(accumulator)} ${rounding} chunk ${chunk} (${i}, ${j})`,
            );
          }
      }
    }
  }
});

test("a layer trains with a fixed-point accumulation and leaks no tensors", () => {
  const accumulation = {
    product: floatingPoint({ exp: 5, man: 5 }),
    accumulator: fixedPoint({ bits: 16, frac: 10 }),
    rounding: "stochastic" as const,
    chunk: 8,
  };
  const model = tf.sequential({ layers: [quantDense({ units: 2, inputShape: [6], useBias: false, accumulation })] });
  const x = tf.tensor2d(
    Array.from({ length: 24 }, (_, i) => ((i * 7) % 11) / 11 - 0.5),
    [4, 6],
  );
  const labels = tf.oneHot(tf.tensor1d([0, 1, 1, 0], "int32"), 2);
  const optimizer = tf.train.sgd(0.1);
  const step = () =>
    tf.tidy(() => {
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x) as tf.Tensor) as tf.Scalar);
    });
  step();
  const count = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) step();
  assert.equal(tf.memory().numTensors, count);
  // Without a bias every output is on the accumulator's grid 2^-10.
  const y = (model.predict(x) as tf.Tensor).dataSync();
  for (const v of y) assert.ok(Number.isInteger(v * 2 ** 10), `${v}`);
  assert.throws(
    () =>
      quantDense({
        units: 2,
        accumulation: { ...accumulation, accumulator: { kind: "fixed", bits: 99, frac: 0, symmetric: false } },
      }),
    /fixedPoint bits must be an integer in \[1, 64\]; got 99/,
  );
});
