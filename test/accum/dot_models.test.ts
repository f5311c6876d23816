/**
 * fmaDot, kahanSum, pairwiseSum, promotedSum and integerDot against their definitions computed
 * here with exact BigInt arithmetic (dyadic.ts): every operation of the algorithm formed exactly
 * and rounded once to nearest-even on the accumulator's grid (emin, subnormals, saturation), for
 * accumulators from 4 mantissa bits to float64, over vectors mixing wide magnitude ranges,
 * cancellation, ties, powers of two and subnormals; IEEE rules for Inf and NaN; wrap and
 * saturation of integer registers against BigInt modular arithmetic.
 */
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { BF16, FP16, FP32, floatingPoint, type FloatingPointFormat, Rng } from "lowbit";
import { fmaDot, integerDot, kahanSum, pairwiseSum, promotedSum } from "lowbit/accum";
import { add, type Dyadic, dyadic, type Grid, mul, neg, roundTo } from "./dyadic";

const FORMATS: FloatingPointFormat[] = [
  floatingPoint({ exp: 5, man: 4 }),
  FP16,
  BF16,
  FP32,
  floatingPoint({ exp: 11, man: 52 }),
];

function grid(f: FloatingPointFormat): Grid {
  const bias = 2 ** (f.exp - 1) - 1;
  const max = (2 - 2 ** -f.man) * 2 ** bias;
  return { man: f.man, emin: 1 - bias, max, overflow: max };
}

const rn = (g: Grid, v: Dyadic) => roundTo(v, g, "nearest");

/** Values over a wide range of magnitudes with ties, powers of two, subnormals and cancellation. */
function values(rng: Rng, n: number): Float32Array {
  const x = new Float32Array(n);
  const spread = [4, 30, 120][Math.floor(rng.next() * 3)];
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.1) x[i] = 2 ** Math.floor(rng.next() * 20 - 10);
    else if (r < 0.15) x[i] = (1 + 2 ** -Math.floor(1 + rng.next() * 12)) * (rng.next() < 0.5 ? 1 : -1);
    else if (r < 0.2) x[i] = 2 ** -149 * Math.floor(1 + rng.next() * 1000);
    else if (r < 0.3 && i > 0) x[i] = -x[i - 1];
    else x[i] = (rng.next() - 0.5) * 2 ** Math.floor(rng.next() * spread - spread / 2);
  }
  return x;
}

test("fmaDot equals s <- RN(a b + s), exact product and sum rounded once", () => {
  const rng = new Rng(1, 0);
  for (let t = 0; t < 3000; t++) {
    const f = FORMATS[t % FORMATS.length],
      g = grid(f);
    const n = 1 + Math.floor(rng.next() * 40);
    const a = values(rng, n),
      b = values(rng, n);
    let s = 0;
    for (let i = 0; i < n; i++) s = rn(g, add(mul(dyadic(a[i]), dyadic(b[i])), dyadic(s)));
    assert.equal(fmaDot(a, b, { accumulator: f }), s, `case ${t}`);
  }
});

test("kahanSum equals Kahan's algorithm with every operation rounded once", () => {
  const rng = new Rng(2, 0);
  for (let t = 0; t < 3000; t++) {
    const f = FORMATS[t % FORMATS.length],
      g = grid(f);
    const x = values(rng, 1 + Math.floor(rng.next() * 60));
    let s = 0,
      c = 0;
    for (const v of x) {
      const y = rn(g, add(dyadic(v), neg(dyadic(c))));
      const u = rn(g, add(dyadic(s), dyadic(y)));
      c = rn(g, add(dyadic(rn(g, add(dyadic(u), neg(dyadic(s))))), neg(dyadic(y))));
      s = u;
    }
    assert.equal(kahanSum(x, { accumulator: f }), s, `case ${t}`);
  }
});

test("kahanSum recovers what recursive summation loses: 1 + n tiny terms in bfloat16", () => {
  const n = 1000;
  const x = new Float32Array(n + 1).fill(2 ** -9);
  x[0] = 1;
  // Recursive bf16 summation swamps every 2^-9 (half an ulp of 1, a tie to even); Kahan keeps them.
  assert.equal(promotedSum(x, { accumulator: BF16, promoteEvery: n + 1, promoteTo: BF16 }), 1);
  assert.equal(kahanSum(x, { accumulator: BF16 }), rn(grid(BF16), dyadic(1 + n * 2 ** -9)));
});

test("pairwiseSum equals the halving tree with every addition rounded once", () => {
  const rng = new Rng(3, 0);
  const tree = (g: Grid, x: Float32Array, lo: number, hi: number): number =>
    hi - lo === 1
      ? rn(g, dyadic(x[lo]))
      : rn(
          g,
          add(
            dyadic(tree(g, x, lo, lo + Math.floor((hi - lo) / 2))),
            dyadic(tree(g, x, lo + Math.floor((hi - lo) / 2), hi)),
          ),
        );
  for (let t = 0; t < 3000; t++) {
    const f = FORMATS[t % FORMATS.length];
    const x = values(rng, 1 + Math.floor(rng.next() * 70));
    assert.equal(pairwiseSum(x, { accumulator: f }), tree(grid(f), x, 0, x.length), `case ${t}`);
  }
  assert.equal(pairwiseSum(new Float32Array(0), { accumulator: FP16 }), 0);
});

test("promotedSum equals runs of N in the narrow format added to the wide one", () => {
  const rng = new Rng(4, 0);
  for (let t = 0; t < 3000; t++) {
    const narrow = FORMATS[t % 3],
      wide = FORMATS[3 + (t % 2)];
    const x = values(rng, 1 + Math.floor(rng.next() * 100));
    const N = 1 + Math.floor(rng.next() * 20);
    let total = 0;
    for (let k = 0; k < x.length; k += N) {
      let r = 0;
      for (let i = k; i < Math.min(x.length, k + N); i++) r = rn(grid(narrow), add(dyadic(r), dyadic(x[i])));
      total = rn(grid(wide), add(dyadic(total), dyadic(r)));
    }
    assert.equal(promotedSum(x, { accumulator: narrow, promoteEvery: N, promoteTo: wide }), total, `case ${t}`);
  }
});

test("the float models: IEEE special values and saturation", () => {
  const one = new Float32Array([1, 1]);
  assert.equal(fmaDot(new Float32Array([Infinity, 1]), one, { accumulator: FP16 }), Infinity);
  assert.ok(Number.isNaN(fmaDot(new Float32Array([Infinity, 1]), new Float32Array([0, 1]), { accumulator: FP16 })));
  assert.ok(Number.isNaN(pairwiseSum(new Float32Array([Infinity, -Infinity]), { accumulator: FP32 })));
  assert.equal(pairwiseSum(new Float32Array([Infinity, 1, 2]), { accumulator: FP32 }), Infinity);
  assert.ok(Number.isNaN(kahanSum(new Float32Array([1, NaN]), { accumulator: FP32 })));
  assert.ok(Number.isNaN(promotedSum(new Float32Array([1, NaN]), { accumulator: FP16, promoteEvery: 1 })));
  // A finite overflow saturates to the largest finite value (the accumulators' semantics).
  assert.equal(fmaDot(new Float32Array([60000, 60000]), one, { accumulator: FP16 }), 65504);
});

test("integerDot wraps modulo 2^bits or saturates, checked against BigInt", () => {
  const rng = new Rng(5, 0);
  for (let t = 0; t < 3000; t++) {
    const bits = [8, 16, 20, 32, 48, 64][t % 6];
    const overflow = t % 2 === 0 ? "wrap" : "saturate";
    const n = 1 + Math.floor(rng.next() * 50);
    const range = 2 ** [7, 15, 23][Math.floor(rng.next() * 3)];
    const a = new Float32Array(n).map(() => Math.floor((rng.next() * 2 - 1) * (range - 1)));
    const b = new Float32Array(n).map(() => Math.floor((rng.next() * 2 - 1) * (range - 1)));
    const lo = -(1n << BigInt(bits - 1)),
      hi = (1n << BigInt(bits - 1)) - 1n;
    let s = 0n;
    for (let i = 0; i < n; i++) {
      s += BigInt(a[i]) * BigInt(b[i]);
      s = overflow === "wrap" ? BigInt.asIntN(bits, s) : s > hi ? hi : s < lo ? lo : s;
    }
    assert.equal(integerDot(a, b, { bits, overflow }), Number(s), `case ${t}`);
  }
});

test("the dot-product models refuse bad input with typed errors naming the parameter", () => {
  const x = new Float32Array([1, 2]);
  assert.throws(
    () => fmaDot(x, new Float32Array(3), { accumulator: FP32 }),
    /fmaDot a and b must have the same length/,
  );
  assert.throws(
    () => fmaDot(x, x, { accumulator: { kind: "fixed" } as never }),
    /fmaDot accumulator must be a floatingPoint/,
  );
  assert.throws(() => kahanSum([1, 2] as never, { accumulator: FP32 }), /kahanSum values/);
  assert.throws(
    () => pairwiseSum(x, { accumulator: floatingPoint({ exp: 8, man: 7, subnormals: false }) }),
    /pairwiseSum accumulator must keep subnormals/,
  );
  assert.throws(() => promotedSum(x, { accumulator: FP16, promoteEvery: 0 }), /promotedSum promoteEvery/);
  assert.throws(() => integerDot(new Float32Array([0.5, 1]), x, { bits: 16 }), /integerDot a\[0\] must be an integer/);
  assert.throws(() => integerDot(x, x, { bits: 1 }), /integerDot bits/);
  assert.throws(() => integerDot(x, x, { bits: 16, overflow: "clip" as never }), /integerDot overflow/);
});
