import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { initBackend, Rng } from "lowbit";
import { elementHash, hash32, hashKey, uniform32 } from "../../lib/dist/core/random";

before(async () => {
  await initBackend({ backend: "cpu", quiet: true });
});

function popcount(x: number): number {
  let count = 0;
  for (; x !== 0; x &= x - 1) count++;
  return count;
}

describe("hash32", () => {
  it("is a deterministic uint32 function of its three words", () => {
    for (let i = 0; i < 1000; i++) {
      const h = hash32(i, i * 7, i * 13);
      assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32, `hash32 out of range: ${h}`);
      assert.equal(h, hash32(i, i * 7, i * 13));
    }
    assert.notEqual(hash32(0, 0, 0), 0);
  });

  it("is a bijection of the counter (no repeats within a stream)", () => {
    const seen = new Set<number>();
    for (let c = 0; c < 100000; c++) seen.add(hash32(42, 3, c));
    assert.equal(seen.size, 100000);
  });

  it("avalanches: flipping one input bit flips about 16 of 32 output bits", () => {
    const rng = new Rng(7);
    const trials = 1000;
    const flips = new Float64Array(96);
    const perOutputBit = new Float64Array(96 * 32);
    for (let t = 0; t < trials; t++) {
      const words = [rng.uint32(), rng.uint32(), rng.uint32()];
      const h = hash32(words[0], words[1], words[2]);
      for (let bit = 0; bit < 96; bit++) {
        const w = words.slice();
        w[bit >> 5] = (w[bit >> 5] ^ (1 << (bit & 31))) >>> 0;
        const diff = (hash32(w[0], w[1], w[2]) ^ h) >>> 0;
        flips[bit] += popcount(diff);
        for (let o = 0; o < 32; o++) perOutputBit[bit * 32 + o] += (diff >>> o) & 1;
      }
    }
    const mean = flips.reduce((a, b) => a + b, 0) / (96 * trials);
    assert.ok(mean > 15.7 && mean < 16.3, `mean flipped bits ${mean}`);
    for (let bit = 0; bit < 96; bit++) {
      const m = flips[bit] / trials;
      assert.ok(m > 15 && m < 17, `input bit ${bit}: ${m} output bits flip on average`);
    }
    for (let i = 0; i < perOutputBit.length; i++) {
      const p = perOutputBit[i] / trials;
      assert.ok(p > 0.4 && p < 0.6, `input bit ${i >> 5} flips output bit ${i & 31} with probability ${p}`);
    }
  });
});

/** The documented formulas of lib/core/random.ts in BigInt arithmetic modulo 2^32. */
const M32 = (1n << 32n) - 1n;
function xorshiftMultiply(x: bigint, rounds: [number, bigint][], last: number): bigint {
  for (const [shift, c] of rounds) x = ((x ^ (x >> BigInt(shift))) * c) & M32;
  return x ^ (x >> BigInt(last));
}
const lowbias = (x: bigint) =>
  xorshiftMultiply(
    x,
    [
      [16, 0x7feb352dn],
      [15, 0x846ca68bn],
    ],
    16,
  );
const triple = (x: bigint) =>
  xorshiftMultiply(
    x,
    [
      [17, 0xed5ad4bbn],
      [11, 0xac4c1b51n],
      [15, 0x31848babn],
    ],
    14,
  );
function referenceElementHash(seed: number, stream: number, i: number): number {
  const a = lowbias(lowbias(BigInt(seed) ^ 0x9e3779b9n) ^ BigInt(stream));
  const b = lowbias((a + 0x6a09e667n) & M32);
  const salt = [0n, 0x9e3779b9n, 0x6a09e667n, 0xbb67ae85n][i & 3];
  return Number(lowbias(triple(BigInt(i >>> 2) ^ a) ^ b ^ salt));
}

describe("elementHash", () => {
  it("equals its documented formula (BigInt reference), key words included", () => {
    const rng = new Rng(11);
    for (let t = 0; t < 2000; t++) {
      const seed = rng.uint32(),
        stream = t % 7,
        i = t < 1000 ? t : rng.uint32();
      assert.equal(
        elementHash(seed, stream, i),
        referenceElementHash(seed, stream, i),
        `seed ${seed} stream ${stream} i ${i}`,
      );
    }
    const [a, b] = hashKey(5, 6);
    assert.equal(BigInt(a), lowbias(lowbias(5n ^ 0x9e3779b9n) ^ 6n));
    assert.equal(BigInt(b), lowbias((BigInt(a) + 0x6a09e667n) & M32));
  });

  it("gives uniform words: chi-square of the top 8 bits over 2^18 elements", () => {
    const counts = new Float64Array(256);
    const n = 1 << 18;
    for (let i = 0; i < n; i++) counts[elementHash(3, 1, i) >>> 24]++;
    const expected = n / 256;
    const chi2 = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    // 255 degrees of freedom: mean 255, sd 22.6; 370 is beyond the 0.9999 quantile.
    assert.ok(chi2 < 370, `chi-square ${chi2}`);
  });

  it("decorrelates the four lanes of a group and neighbouring groups (joint chi-square, correlation)", () => {
    const groups = 1 << 16;
    const u = (i: number) => (elementHash(9, 0, i) >>> 8) * 2 ** -24;
    for (const [d, label] of [
      [1, "lanes 0,1"],
      [2, "lanes 0,2"],
      [3, "lanes 0,3"],
      [4, "next group"],
    ] as const) {
      const joint = new Float64Array(256);
      let sxy = 0;
      for (let g = 0; g < groups; g++) {
        const x = u(4 * g),
          y = u(4 * g + d);
        joint[Math.floor(x * 16) * 16 + Math.floor(y * 16)]++;
        sxy += (x - 0.5) * (y - 0.5);
      }
      const correlation = sxy / groups / (1 / 12);
      assert.ok(Math.abs(correlation) < 4 / Math.sqrt(groups), `${label}: correlation ${correlation}`);
      const expected = groups / 256;
      const chi2 = joint.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
      assert.ok(chi2 < 370, `${label}: joint chi-square ${chi2}`);
    }
  });

  it("avalanches in the element index: flipping one bit of i flips about 16 output bits", () => {
    const rng = new Rng(13);
    for (let bit = 0; bit < 32; bit++) {
      let flipped = 0;
      for (let t = 0; t < 500; t++) {
        const i = rng.uint32();
        flipped += popcount((elementHash(1, 2, i) ^ elementHash(1, 2, (i ^ (1 << bit)) >>> 0)) >>> 0);
      }
      const mean = flipped / 500;
      assert.ok(mean > 15 && mean < 17, `index bit ${bit}: ${mean} output bits flip on average`);
    }
  });
});

describe("uniform32", () => {
  it("lies in [0, 1) on the 2^-24 grid, exact in float32", () => {
    let sum = 0;
    for (let c = 0; c < 100000; c++) {
      const u = uniform32(1, 2, c);
      assert.ok(u >= 0 && u < 1);
      assert.equal(Math.fround(u), u);
      assert.ok(Number.isInteger(u * 2 ** 24));
      assert.equal(u, (hash32(1, 2, c) >>> 8) * 2 ** -24);
      sum += u;
    }
    assert.ok(Math.abs(sum / 100000 - 0.5) < 0.005, `mean ${sum / 100000}`);
  });
});

describe("Rng", () => {
  it("is deterministic per (seed, stream) and differs across seeds and streams", () => {
    const draw = (seed: number, stream?: number) => {
      const rng = new Rng(seed, stream);
      return Array.from({ length: 20 }, () => rng.next());
    };
    assert.deepEqual(draw(5), draw(5));
    assert.deepEqual(draw(5), draw(5, 0));
    assert.notDeepEqual(draw(5), draw(6));
    assert.notDeepEqual(draw(5, 1), draw(5, 2));
    const words = new Rng(9, 4);
    for (let c = 0; c < 10; c++) assert.equal(words.uint32(), hash32(9, 4, c));
  });

  it("next() is in [0, 1) with mean about 1/2", () => {
    const rng = new Rng(3);
    let sum = 0;
    for (let i = 0; i < 100000; i++) {
      const x = rng.next();
      assert.ok(x >= 0 && x < 1);
      sum += x;
    }
    assert.ok(Math.abs(sum / 100000 - 0.5) < 0.005);
  });

  it("rejects seeds and streams outside the integers in [0, 2^32)", () => {
    for (const seed of [-1, 1.5, 2 ** 32, NaN, Infinity]) {
      assert.throws(
        () => new Rng(seed),
        (e: Error) => e instanceof RangeError && /seed/.test(e.message),
        `seed ${seed}`,
      );
    }
    assert.throws(
      () => new Rng(1, -1),
      (e: Error) => e instanceof RangeError && /stream/.test(e.message),
    );
    assert.doesNotThrow(() => new Rng(2 ** 32 - 1, 2 ** 32 - 1));
  });

  it("int(n) stays in [0, n) and is uniform (chi-square)", () => {
    const rng = new Rng(11);
    for (const n of [1, 2, 3, 10, 1000, 2 ** 31 + 1, 2 ** 32]) {
      for (let i = 0; i < 1000; i++) {
        const k = rng.int(n);
        assert.ok(Number.isInteger(k) && k >= 0 && k < n, `int(${n}) gave ${k}`);
      }
    }
    const n = 10;
    const draws = 100000;
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < draws; i++) counts[rng.int(n)]++;
    const expected = draws / n;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: P(chi2 > 40) is about 7e-6.
    assert.ok(chi2 < 40, `chi-square ${chi2} for counts ${counts}`);
    // 3 does not divide 2^32: a modulo-biased int(3 * 2^30) would favour [0, 2^30) in its low third.
    const big = 3 * 2 ** 30;
    let low = 0;
    for (let i = 0; i < 30000; i++) if (rng.int(big) < 2 ** 30) low++;
    assert.ok(Math.abs(low / 30000 - 1 / 3) < 0.02, `share below 2^30: ${low / 30000}`);
    assert.throws(() => rng.int(0), /n must be an integer in \[1, 2\^32\]/);
    assert.throws(() => rng.int(2.5), RangeError);
  });

  it("permutation(n) holds each of 0..n-1 once, and depends on the seed", () => {
    for (const n of [0, 1, 2, 17, 1000]) {
      const p = new Rng(n).permutation(n);
      assert.ok(p instanceof Int32Array);
      assert.deepEqual(
        Array.from(p).sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i),
      );
    }
    assert.deepEqual(new Rng(1).permutation(100), new Rng(1).permutation(100));
    assert.notDeepEqual(new Rng(1).permutation(100), new Rng(2).permutation(100));
    assert.throws(() => new Rng(1).permutation(-1), RangeError);
  });

  it("shuffle() permutes arrays and typed arrays in place", () => {
    const rng = new Rng(4);
    const words = ["a", "b", "c", "d", "e", "f", "g", "h"];
    const shuffled = rng.shuffle(words.slice());
    assert.deepEqual(shuffled.slice().sort(), words);
    const typed = Uint32Array.from({ length: 50 }, (_, i) => i * 3);
    assert.equal(rng.shuffle(typed), typed);
    assert.deepEqual(
      Array.from(typed).sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i * 3),
    );
    // Each of the 6 orders of 3 items is about equally likely.
    const orders = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const key = rng.shuffle(Int32Array.of(0, 1, 2)).join("");
      orders.set(key, (orders.get(key) ?? 0) + 1);
    }
    assert.equal(orders.size, 6);
    for (const [order, count] of orders) assert.ok(count > 850 && count < 1150, `${order}: ${count}`);
  });
});
