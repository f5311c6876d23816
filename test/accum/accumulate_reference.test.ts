/**
 * accumulate() and lowPrecisionMatMul() against an exact reference of the documented definition,
 * written independently of lib/accum: the running sum is an exact dyadic rational M 2^E (BigInt
 * M), each addition is exact and then rounded once with integer arithmetic to p = m + 1 bits,
 * nearest-even, toward zero or stochastically (up iff hash32(seed, stream, counter) / 2^32 <
 * the distance from the lower neighbour in steps), with IEEE-style emin and subnormals and
 * saturation at the largest finite value when the exponent is bounded, IEEE rules for Inf and
 * NaN, and chunking (chunk sums added in order, counters n + j). Bit for bit over >= 10^4 random
 * vectors mixing wide magnitude ranges, ties, powers of two, subnormals, cancellation and
 * specials, for every rounding and chunk setting, Float32Array and Float64Array inputs, several
 * mantissa and exponent widths; and the regression cases of issue 16.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { accumulate, floatingPoint, Rng } from "lowbit";
import { lowPrecisionMatMulArray } from "lowbit/accum";
import { hash32 } from "../../lib/dist/core/random";

type Exact = [bigint, number]; // M * 2^E

const view = new DataView(new ArrayBuffer(8));

/** x = M * 2^E exactly (x finite). */
function exact(x: number): Exact {
  if (x === 0) return [0n, 0];
  view.setFloat64(0, x);
  const hi = view.getUint32(0),
    lo = view.getUint32(4);
  const field = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (field !== 0) m |= 1n << 52n;
  return [hi >>> 31 ? -m : m, (field === 0 ? 1 : field) - 1075];
}

function bitLength(m: bigint): number {
  return (m < 0n ? -m : m).toString(2).length;
}

interface Format {
  p: number;
  /** Smallest normal exponent; -Infinity when unbounded. */
  emin: number;
  /** Largest finite value as an exact number; null when unbounded. */
  max: Exact | null;
  mode: "nearest" | "zero" | "stochastic";
  seed: number;
  stream: number;
}

function format(
  m: number,
  exponentBits: number | undefined,
  mode: Format["mode"],
  seed: number,
  stream: number,
): Format {
  if (exponentBits === undefined) return { p: m + 1, emin: -Infinity, max: null, mode, seed, stream };
  const bias = 2 ** (exponentBits - 1) - 1;
  // (2 - 2^-m) 2^bias = (2^(m+1) - 1) 2^(bias - m)
  return { p: m + 1, emin: 1 - bias, max: [(1n << BigInt(m + 1)) - 1n, bias - m], mode, seed, stream };
}

function compare(a: Exact, b: Exact): number {
  const e = Math.min(a[1], b[1]);
  const x = a[0] << BigInt(a[1] - e),
    y = b[0] << BigInt(b[1] - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The definition's rounding of M 2^E, draw `counter`. */
function round([M, E]: Exact, f: Format, counter: number): Exact {
  if (M === 0n) return [0n, 0];
  const lead = E + bitLength(M) - 1; // exponent of the leading bit
  const quantum = Math.max(lead, f.emin) - (f.p - 1);
  let result: Exact;
  const shift = quantum - E;
  if (shift <= 0) result = [M, E];
  else {
    const unit = 1n << BigInt(shift);
    let down = M / unit;
    if (down * unit > M) down -= 1n; // floor for negatives
    const frac = M - down * unit;
    let q = down;
    if (frac !== 0n) {
      if (f.mode === "nearest") {
        const twice = 2n * frac;
        q = twice < unit ? down : twice > unit ? down + 1n : down % 2n === 0n ? down : down + 1n;
      } else if (f.mode === "zero") {
        q = M >= 0n ? down : down + 1n;
      } else {
        q = BigInt(hash32(f.seed, f.stream, counter >>> 0)) * unit < frac * (1n << 32n) ? down + 1n : down;
      }
    }
    result = [q, quantum];
  }
  if (f.max !== null) {
    if (compare(result, f.max) > 0) return f.max;
    const min: Exact = [-f.max[0], f.max[1]];
    if (compare(result, min) < 0) return min;
  }
  return result;
}

function add(a: Exact, b: Exact): Exact {
  const e = Math.min(a[1], b[1]);
  return [(a[0] << BigInt(a[1] - e)) + (b[0] << BigInt(b[1] - e)), e];
}

function toNumber([M, E]: Exact): number {
  // Exact for the values of these tests (at most 24 significant bits, far inside float64's range).
  return Number(M) * 2 ** E;
}

/** The sum of terms with an Inf or NaN, by IEEE rules: NaN, or the infinity that occurs. */
function specialSum(x: ArrayLike<number>): number | null {
  let pos = false,
    neg = false;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i])) return NaN;
    if (x[i] === Infinity) pos = true;
    if (x[i] === -Infinity) neg = true;
  }
  return pos && neg ? NaN : pos ? Infinity : neg ? -Infinity : null;
}

function reference(x: ArrayLike<number>, f: Format, chunk: number): number {
  const special = specialSum(x);
  if (special !== null) return special;
  const n = x.length;
  let total: Exact = [0n, 0];
  for (let j = 0, begin = 0; begin < n; j++, begin += chunk) {
    let s: Exact = [0n, 0];
    for (let i = begin; i < Math.min(n, begin + chunk); i++) s = round(add(s, exact(x[i])), f, i);
    total = chunk >= n ? s : round(add(total, s), f, n + j);
  }
  return toNumber(total);
}

/**
 * Terms that stress the definition: few-bit values (ties), full mantissas, powers of two and
 * their neighbours, values far below the sum (the step below a power of two), cancellation
 * (the negated running sum of the previous terms), over exponents wide enough to reach a
 * bounded format's subnormals and its overflow; rarely an Inf or NaN.
 */
function terms(rng: Rng, n: number, float32: boolean, specials: boolean): number[] {
  const lo = float32 ? -60 : -200,
    span = float32 ? 120 : 400;
  const out: number[] = [];
  const sign = () => (rng.next() < 0.5 ? -1 : 1);
  const scale = () => 2 ** (lo + Math.floor(rng.next() * span));
  const near = () => 2 ** (Math.floor(rng.next() * 40) - 20);
  for (let i = 0; i < n; i++) {
    const kind = Math.floor(rng.next() * 8);
    let v: number;
    if (kind === 0)
      v = sign() * (1 + Math.floor(rng.next() * 16)) * near(); // few bits: ties
    else if (kind === 1)
      v = sign() * (1 + rng.next()) * near(); // full mantissa, similar size
    else if (kind === 2)
      v = sign() * near(); // powers of two
    else if (kind === 3)
      v = sign() * rng.next() * scale(); // wide range
    else if (kind === 4)
      v = sign() * near() * (1 - 2 ** -(1 + Math.floor(rng.next() * 30))); // just below a power of two
    else if (kind === 5)
      v = sign() * near() * 2 ** -(25 + Math.floor(rng.next() * 40)); // far below the sum
    else if (kind === 6)
      v = -out.reduce((a, b) => a + b, 0); // cancellation
    else v = sign() * (1 + Math.floor(rng.next() * 4)) * scale(); // few bits, wide range
    out.push(float32 ? Math.fround(v) : v);
  }
  if (specials && n > 0) out[Math.floor(rng.next() * n)] = [Infinity, -Infinity, NaN][Math.floor(rng.next() * 3)];
  return out;
}

const ROUNDINGS = ["nearest", "zero", "stochastic"] as const;
const CHUNKS = ["none", "1", "small", "mid", "n"] as const;

function chunkOf(kind: (typeof CHUNKS)[number], n: number, rng: Rng): number | undefined {
  if (kind === "none") return undefined;
  if (kind === "1") return 1;
  if (kind === "small") return Math.min(n, 2 + Math.floor(rng.next() * 3));
  if (kind === "mid") return Math.max(1, Math.min(n, Math.floor(n / 2) + Math.floor(rng.next() * 3)));
  return n;
}

test("accumulate equals the exact rational reference over 10^4 random vectors, every rounding, chunking, format, input type", () => {
  let vectors = 0;
  for (const rounding of ROUNDINGS) {
    for (const chunkKind of CHUNKS) {
      for (const array of ["float32", "float64"] as const) {
        const rng = new Rng(
          1000 + ROUNDINGS.indexOf(rounding) * 100 + CHUNKS.indexOf(chunkKind) * 10 + (array === "float32" ? 0 : 1),
        );
        for (let v = 0; v < 340; v++) {
          const n = 1 + Math.floor(rng.next() * 40);
          const raw = terms(rng, n, array === "float32", rng.next() < 0.02);
          const x = array === "float32" ? new Float32Array(raw) : new Float64Array(raw);
          const m = [1, 2, 3, 4, 7, 10, 16, 20, 21, 23][Math.floor(rng.next() * 10)];
          const exponentBits = rng.next() < 0.5 ? undefined : [2, 3, 4, 5, 8, 11][Math.floor(rng.next() * 6)];
          const chunk = chunkOf(chunkKind, n, rng);
          const seed = Math.floor(rng.next() * 2 ** 32),
            stream = Math.floor(rng.next() * 2 ** 32);
          const got = accumulate(x, { mantissaBits: m, exponentBits, rounding, chunk, seed, stream });
          const want = reference(x, format(m, exponentBits, rounding, seed, stream), chunk ?? n);
          // Compare values: the sign of a zero sum is not part of the definition.
          assert.ok(
            Object.is(got + 0, want + 0),
            `${array} m=${m} e=${exponentBits} ${rounding} chunk=${chunk} seed=${seed} stream=${stream} [${raw.join(", ")}]: got ${got}, want ${want}`,
          );
          vectors++;
        }
      }
    }
  }
  assert.ok(vectors >= 10_000, `${vectors} vectors`);
});

test("accumulate equals the exact rational reference on long vectors (the wasm kernel's interleaved lanes and blocks)", () => {
  const rng = new Rng(4242);
  for (let v = 0; v < 36; v++) {
    const rounding = ROUNDINGS[v % 3];
    const n = 300 + Math.floor(rng.next() * 1200);
    const raw = terms(rng, n, v % 2 === 0, rng.next() < 0.05);
    const x = v % 2 === 0 ? new Float32Array(raw) : new Float64Array(raw);
    const m = [1, 4, 8, 20, 21, 23][Math.floor(rng.next() * 6)];
    const exponentBits = rng.next() < 0.5 ? undefined : [3, 5, 8, 11][Math.floor(rng.next() * 4)];
    const chunk = [1, 3, 64, 127, 128, 129, 300][Math.floor(rng.next() * 7)];
    const seed = Math.floor(rng.next() * 2 ** 32),
      stream = Math.floor(rng.next() * 2 ** 32);
    const got = accumulate(x, { mantissaBits: m, exponentBits, rounding, chunk, seed, stream });
    const want = reference(x, format(m, exponentBits, rounding, seed, stream), chunk);
    assert.ok(
      Object.is(got + 0, want + 0),
      `n=${n} m=${m} e=${exponentBits} ${rounding} chunk=${chunk} seed=${seed} stream=${stream}: got ${got}, want ${want}`,
    );
  }
});

test("lowPrecisionMatMul equals the exact rational reference per element, every rounding and chunking", () => {
  // Operands of at most 12 significant bits: their products are exact float32 values, so the
  // product format E8M23 keeps them and each element is the reference sum of exact products.
  const product = floatingPoint({ exp: 8, man: 23 });
  const operand = (rng: Rng) => {
    const r = rng.next();
    if (r < 0.1) return 0;
    const mantissa = r < 0.4 ? 1 + Math.floor(rng.next() * 8) : 2048 + Math.floor(rng.next() * 2048);
    return (rng.next() < 0.5 ? -1 : 1) * mantissa * 2 ** (Math.floor(rng.next() * 40) - 30);
  };
  let elements = 0;
  for (const rounding of ROUNDINGS) {
    for (const chunkKind of CHUNKS) {
      const rng = new Rng(77 + ROUNDINGS.indexOf(rounding) * 10 + CHUNKS.indexOf(chunkKind));
      for (let trial = 0; trial < 12; trial++) {
        const M = 1 + Math.floor(rng.next() * 3),
          K = 1 + Math.floor(rng.next() * 30),
          N = 1 + Math.floor(rng.next() * 10);
        const a = Float32Array.from({ length: M * K }, () => operand(rng)),
          b = Float32Array.from({ length: K * N }, () => operand(rng));
        const m = [2, 4, 8, 15, 23][Math.floor(rng.next() * 5)];
        const exponentBits = rng.next() < 0.5 ? undefined : [3, 5, 8][Math.floor(rng.next() * 3)];
        const chunk = chunkOf(chunkKind, K, rng);
        const seed = Math.floor(rng.next() * 2 ** 32),
          stream = Math.floor(rng.next() * 2 ** 32);
        const got = lowPrecisionMatMulArray(
          { values: a, shape: [M, K] },
          { values: b, shape: [K, N] },
          { product, accumulator: { mantissaBits: m, exponentBits, rounding, chunk, seed, stream } },
        );
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < N; j++) {
            const products = Array.from({ length: K }, (_, k) => a[i * K + k] * b[k * N + j]);
            const f = format(m, exponentBits, rounding, seed, (stream + i * N + j) >>> 0);
            const want = Math.fround(reference(products, f, chunk ?? K));
            assert.ok(
              Object.is(got[i * N + j] + 0, want + 0),
              `${rounding} m=${m} e=${exponentBits} chunk=${chunk} (${i}, ${j}): got ${got[i * N + j]}, want ${want}`,
            );
            elements++;
          }
        }
      }
    }
  }
  assert.ok(elements > 500, `${elements} elements`);
});

test("issue 16: a tiny opposite term at a power of two rounds back to it (fast path, float32 input)", () => {
  assert.equal(accumulate(Float32Array.of(1, -1e-9), { mantissaBits: 23 }), 1);
  assert.equal(accumulate(Float32Array.of(1, -1e-16), { mantissaBits: 3 }), 1);
  assert.equal(accumulate(Float32Array.of(1, -1e-9), { mantissaBits: 23, chunk: 1 }), 1);
  const product = floatingPoint({ exp: 8, man: 23 });
  const c = lowPrecisionMatMulArray(
    { values: Float32Array.of(1, -1e-9), shape: [1, 2] },
    { values: Float32Array.of(1, 1), shape: [2, 1] },
    { product, accumulator: { mantissaBits: 23 } },
  );
  assert.equal(c[0], 1);
});

test("issue 16: a term that is a midpoint of the grid, after a sum far below it, rounds by the exact sum (no double rounding)", () => {
  // fl(2^-60 + 1.25) = 1.25, a tie at 2 bits; the exact sum is above it: 1.5.
  assert.equal(accumulate(Float32Array.of(2 ** -60, 1.25), { mantissaBits: 1 }), 1.5);
  assert.equal(accumulate(Float32Array.of(-(2 ** -60), 1.25), { mantissaBits: 1 }), 1);
});

test("issue 16: special values follow IEEE rules on every path; finite overflow saturates", () => {
  for (const rounding of ROUNDINGS) {
    for (const exponentBits of [undefined, 5]) {
      for (const chunk of [undefined, 1, 2]) {
        for (const Typed of [Float32Array, Float64Array]) {
          const o = { mantissaBits: 10, exponentBits, rounding, chunk };
          const what = JSON.stringify({ ...o, array: Typed.name });
          assert.ok(Number.isNaN(accumulate(Typed.of(Infinity, -Infinity), o)), what);
          assert.ok(Number.isNaN(accumulate(Typed.of(1, NaN, 2), o)), what);
          assert.equal(accumulate(Typed.of(Infinity, 1), o), Infinity, what);
          assert.equal(accumulate(Typed.of(3, -Infinity, 1e30), o), -Infinity, what);
          assert.ok(Number.isNaN(accumulate(Typed.of(Infinity, 5, -Infinity), o)), what);
          if (exponentBits !== undefined) {
            assert.equal(accumulate(Typed.of(60000, 60000, Infinity), o), Infinity, what);
            assert.equal(accumulate(Typed.of(60000, 60000), o), 65504, what);
            assert.equal(accumulate(Typed.of(-1e30, -2), o), -65504, what);
          }
        }
      }
    }
  }
  // A non-saturating product format keeps an infinite operand's products infinite.
  const product = floatingPoint({ exp: 8, man: 23, saturate: false });
  for (const rounding of ROUNDINGS) {
    const c = lowPrecisionMatMulArray(
      { values: Float32Array.of(Infinity, 1, 2, NaN), shape: [2, 2] },
      { values: Float32Array.of(1, -1, 1, 1), shape: [2, 2] },
      { product, accumulator: { mantissaBits: 10, rounding } },
    );
    assert.deepEqual(Array.from(c).map(String), ["Infinity", "-Infinity", "NaN", "NaN"], rounding);
  }
});
