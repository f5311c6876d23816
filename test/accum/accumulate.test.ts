/**
 * accumulate() against an independent reference of its definition: the accumulator kept as an
 * exact BigInt mantissa and power-of-two exponent, every sum exact, then rounded to p bits with
 * integer arithmetic. Bit for bit, for every rounding and chunk setting, on float32 inputs
 * (the fast path for nearest) and float64 inputs of full precision (the exact path).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { accumulate, Rng } from "lowbit";
import { hash32 } from "../../lib/dist/core/random";

const view = new DataView(new ArrayBuffer(8));

/** x = M * 2^E exactly, M a BigInt (x finite and non-zero). */
function exact(x: number): [bigint, number] {
  view.setFloat64(0, x);
  const hi = view.getUint32(0),
    lo = view.getUint32(4);
  const field = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (field !== 0) m |= 1n << 52n;
  const e = (field === 0 ? 1 : field) - 1075;
  return [hi >>> 31 ? -m : m, e];
}

function bitLength(m: bigint): number {
  return (m < 0n ? -m : m).toString(2).length;
}

/** Rounds M * 2^E to p significant bits. */
function roundRef(
  M: bigint,
  E: number,
  p: number,
  mode: string,
  seed: number,
  stream: number,
  counter: number,
): [bigint, number] {
  if (M === 0n) return [0n, 0];
  const shift = bitLength(M) - p;
  if (shift <= 0) return [M, E];
  const unit = 1n << BigInt(shift);
  let down = M / unit;
  if (down * unit > M) down -= 1n; // floor for negatives
  const frac = M - down * unit;
  if (frac === 0n) return [down, E + shift];
  let q: bigint;
  if (mode === "nearest") {
    const twice = 2n * frac;
    q = twice < unit ? down : twice > unit ? down + 1n : down % 2n === 0n ? down : down + 1n;
  } else if (mode === "zero") {
    q = M >= 0n ? down : down + 1n;
  } else {
    q = BigInt(hash32(seed, stream, counter >>> 0)) * unit < frac * (1n << 32n) ? down + 1n : down;
  }
  return [q, E + shift];
}

function addRef(
  a: [bigint, number],
  x: number | [bigint, number],
  p: number,
  mode: string,
  seed: number,
  stream: number,
  counter: number,
): [bigint, number] {
  const b = typeof x === "number" ? (x === 0 ? ([0n, 0] as [bigint, number]) : exact(x)) : x;
  if (a[0] === 0n) return roundRef(b[0], b[1], p, mode, seed, stream, counter);
  if (b[0] === 0n) return roundRef(a[0], a[1], p, mode, seed, stream, counter);
  const e = Math.min(a[1], b[1]);
  const M = (a[0] << BigInt(a[1] - e)) + (b[0] << BigInt(b[1] - e));
  return roundRef(M, e, p, mode, seed, stream, counter);
}

function reference(x: ArrayLike<number>, m: number, mode: string, chunk: number, seed: number, stream: number): number {
  const n = x.length;
  let total: [bigint, number] = [0n, 0];
  for (let j = 0, begin = 0; begin < n; j++, begin += chunk) {
    let s: [bigint, number] = [0n, 0];
    for (let i = begin; i < Math.min(n, begin + chunk); i++) s = addRef(s, x[i], m + 1, mode, seed, stream, i);
    total = chunk >= n ? s : addRef(total, s, m + 1, mode, seed, stream, n + j);
  }
  return Number(total[0]) * 2 ** total[1];
}

/** Inputs that exercise swamping, ties and cancellation: wide exponents, few-bit values. */
function inputs(n: number, seed: number, wide: boolean): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const kind = rng.int(3);
    const sign = rng.int(2) ? -1 : 1;
    if (kind === 0) return sign * (1 + rng.int(64)) * 2 ** (rng.int(24) - 12); // few bits: ties
    if (kind === 1) return sign * rng.next() * 2 ** (rng.int(40) - 20); // full mantissa
    return wide ? sign * (rng.next() + 1) * 2 ** rng.int(8) : sign * rng.int(3);
  });
}

for (const rounding of ["nearest", "zero", "stochastic"] as const) {
  test(`accumulate equals the exact reference bit for bit: ${rounding}, every chunk setting`, () => {
    let cases = 0;
    for (const [n, seed] of [
      [1, 1],
      [9, 2],
      [200, 3],
      [777, 4],
    ] as const) {
      for (const array of ["float32", "float64"] as const) {
        const raw = inputs(n, seed, seed % 2 === 0);
        const x = array === "float32" ? new Float32Array(raw) : new Float64Array(raw);
        for (const m of [1, 2, 4, 7, 10, 16, 23]) {
          for (const chunk of [undefined, 1, 4, 7, 64, n].filter((c) => c === undefined || c <= n)) {
            const got = accumulate(x, { mantissaBits: m, rounding, chunk, seed: 9, stream: 3 });
            const want = reference(x, m, rounding, chunk ?? n, 9, 3);
            assert.equal(got, want, `${array} n=${n} m=${m} chunk=${chunk}`);
            cases++;
          }
        }
      }
    }
    assert.ok(cases > 200);
  });
}

test("stochastic rounding: same seed same bits, other seeds other bits", () => {
  const x = new Float32Array(inputs(500, 7, true));
  const a = accumulate(x, { mantissaBits: 4, rounding: "stochastic", seed: 1 });
  assert.equal(accumulate(x, { mantissaBits: 4, rounding: "stochastic", seed: 1 }), a);
  const sums = Array.from({ length: 40 }, (_, s) =>
    accumulate(x, { mantissaBits: 4, rounding: "stochastic", seed: s }),
  );
  assert.ok(new Set(sums).size > 5);
});

test("bounded exponent saturates; subnormal steps are fixed", () => {
  const big = new Float32Array([60000, 60000, 60000]);
  assert.equal(accumulate(big, { mantissaBits: 10, exponentBits: 5 }), 65504); // binary16 max
  assert.equal(accumulate(new Float32Array([2 ** -20]), { mantissaBits: 10, exponentBits: 5 }), 2 ** -20);
  assert.equal(accumulate(new Float32Array([3 * 2 ** -26]), { mantissaBits: 10, exponentBits: 5 }), 2 ** -24);
});

test("bad input gives a typed error naming the parameter", () => {
  const x = new Float32Array(8);
  assert.throws(() => accumulate(x, { mantissaBits: 0 }), /mantissaBits must be an integer in \[1, 23\]/);
  assert.throws(() => accumulate(x, { mantissaBits: 4, chunk: 9 }), /chunk .* must be an integer in \[1, 8\]/);
  assert.throws(() => accumulate(x, { mantissaBits: 4, exponentBits: 1 }), /exponentBits/);
  assert.throws(() => accumulate(x, { mantissaBits: 4, rounding: "up" as "zero" }), /rounding must be one of/);
  assert.throws(() => accumulate([1, 2] as unknown as Float32Array, { mantissaBits: 4 }), TypeError);
});
