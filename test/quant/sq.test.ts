/**
 * Stochastic quantization's pieces against independent references: the per-channel BWN/TWN
 * formulas in float64 (and a hand-worked TWN example), relative errors, the roulette's selection
 * frequencies against probabilities enumerated by brute force over every draw sequence, the
 * hybrid weight, the schedule's counts, reproducibility and bad input.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { quantize } from "lowbit";
import {
  bwnPerChannel,
  hybridWeight,
  keptRealCount,
  relativeErrors,
  roulette,
  SQ_SCHEDULE,
  stochasticQuantize,
  ternary,
  twnPerChannel,
  twnThreshold,
} from "lowbit/quant";

/** Deterministic test weights (an LCG), roughly uniform in [-scale, scale). */
function weights(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 31 - 1) * scale;
  });
}

/** Channel c of a flat [..., C] array, as a float64 list (the reference reads by stride). */
function channel(w: Float32Array, channels: number, c: number): number[] {
  const out: number[] = [];
  for (let j = c; j < w.length; j += channels) out.push(w[j]);
  return out;
}

describe("per-channel BWN and TWN", () => {
  test("BWN: each filter is mean|W_i| * sign(W_i), sign(0) = +1", () => {
    const C = 6,
      w = weights(9 * 4 * C, 3);
    w[7] = 0;
    const { q, scales } = bwnPerChannel(w, C);
    for (let c = 0; c < C; c++) {
      const col = channel(w, C, c);
      const a = Math.fround(col.reduce((s, v) => s + Math.abs(v), 0) / col.length);
      assert.equal(scales[c], a);
      channel(q, C, c).forEach((v, k) => assert.equal(v, col[k] >= 0 ? a : -a));
    }
    assert.equal(q[7], scales[7 % C]);
  });

  test("TWN: a hand-worked layer (layer-wide Delta = 0.7 mean|W|, a per filter)", () => {
    // Filters (channels) 0: 0.9, -0.5, 0.05 and 1: -0.1, 0.3, -0.8. mean |W| = 2.65 / 6,
    // Delta = 0.7 * 0.44167 = 0.30917: filter 0 keeps 0.9 and -0.5 (a = 0.7), filter 1 keeps
    // -0.8 only (a = 0.8; 0.3 < Delta).
    const w = Float32Array.from([0.9, -0.1, -0.5, 0.3, 0.05, -0.8]);
    const { q, scales, delta } = twnPerChannel(w, 2);
    assert.ok(Math.abs(delta! - (0.7 * 2.65) / 6) < 1e-7);
    assert.deepEqual([...scales], [Math.fround(0.7), Math.fround(0.8)]);
    assert.deepEqual(
      [...q].map((v) => v + 0),
      [0.7, 0, -0.7, 0, 0, -0.8].map(Math.fround),
    );
  });

  test("TWN equals its float64 formula on a random layer", () => {
    const C = 8,
      w = weights(3 * 3 * 5 * C, 11, 0.2);
    const { q, scales, delta } = twnPerChannel(w, C, 0.7);
    const all = [...w];
    const d = Math.fround((0.7 * all.reduce((s, v) => s + Math.abs(v), 0)) / all.length);
    assert.equal(delta, d);
    for (let c = 0; c < C; c++) {
      const col = channel(w, C, c),
        big = col.filter((v) => Math.abs(v) > d);
      const a = big.length ? Math.fround(big.reduce((s, v) => s + Math.abs(v), 0) / big.length) : 0;
      assert.equal(scales[c], a);
      channel(q, C, c).forEach((v, k) => assert.equal(v + 0, col[k] > d ? a : col[k] < -d ? -a : 0));
    }
  });

  test("one TWN threshold, TWN's 0.7 mean|W| (not the mean-centred one), in the ternary format and SQ's TWN (issue 16)", () => {
    // A layer with mean 0.3: centring would give Delta = 0.7 * mean|W - 0.3| instead.
    const C = 4,
      w = weights(12 * C, 17, 0.2).map((v) => v + 0.3);
    const d = Math.fround((0.7 * [...w].reduce((s, v) => s + Math.abs(v), 0)) / w.length);
    assert.equal(twnThreshold(w, 0.7), d);
    assert.equal(twnPerChannel(w, C).delta, d);
    const mean = [...w].reduce((s, v) => s + v, 0) / w.length;
    assert.notEqual(d, Math.fround((0.7 * [...w].reduce((s, v) => s + Math.abs(v - mean), 0)) / w.length));
    // With one channel SQ's TWN is the ternary format, element for element.
    for (const t of [0.7, 0.5, 0]) {
      assert.deepEqual([...twnPerChannel(w, 1, t).q], [...quantize(w, ternary({ threshold: t }))]);
    }
  });

  test("TWN per channel: NaN stays NaN, Inf takes its filter's level, Delta and a_i from finite weights (issue 16)", () => {
    const w = Float32Array.from([0.9, -0.1, -0.5, 0.3, 0.05, -0.8, NaN, Infinity, -Infinity, 0.2]);
    const finite = [0.9, -0.1, -0.5, 0.3, 0.05, -0.8, 0.2].map(Math.fround);
    const d = Math.fround((0.7 * finite.reduce((s, v) => s + Math.abs(v), 0)) / finite.length);
    const { q, scales, delta } = twnPerChannel(w, 2);
    assert.equal(delta, d);
    // channel 0: 0.9, -0.5, 0.05, NaN, -Inf; channel 1: -0.1, 0.3, -0.8, Inf, 0.2
    const a0 = Math.fround((0.9 + 0.5) / 2),
      a1 = Math.fround((Math.fround(0.3) + Math.fround(0.8)) / 2);
    assert.deepEqual([...scales], [a0, a1]);
    assert.deepEqual(
      [...q].map((v) => v + 0),
      [a0, 0, -a0, a1, 0, -a1, NaN, a1, -a0, 0],
    );
  });

  test("relative errors, filter-wise and element-wise, against float64 sums", () => {
    const C = 4,
      w = weights(40, 5);
    const { q } = bwnPerChannel(w, C);
    const e = relativeErrors(w, q, C);
    for (let c = 0; c < C; c++) {
      const col = channel(w, C, c),
        qc = channel(q, C, c);
      const expected = col.reduce((s, v, k) => s + Math.abs(v - qc[k]), 0) / col.reduce((s, v) => s + Math.abs(v), 0);
      assert.ok(Math.abs(e[c] - expected) < 1e-15);
    }
    const el = relativeErrors(w, q, C, "element");
    el.forEach((v, j) => assert.equal(v, Math.abs(w[j] - q[j]) / Math.abs(w[j])));
    assert.deepEqual([...relativeErrors(new Float32Array(4), new Float32Array(4), 2)], [0, 0]);
  });
});

/** Probabilities of every ordered draw sequence of `count` items, sequential roulette, by enumeration. */
function sequenceProbabilities(w: number[], count: number): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (taken: number[], p: number) => {
    if (taken.length === count) {
      out.set(taken.join(","), p);
      return;
    }
    const rest = w.reduce((s, v, i) => (taken.includes(i) ? s : s + v), 0);
    w.forEach((v, i) => {
      if (!taken.includes(i)) walk([...taken, i], (p * v) / rest);
    });
  };
  walk([], 1);
  return out;
}

describe("roulette selection without replacement", () => {
  const e = [0.05, 0.1, 0.2, 0.3, 0.35];
  const trials = 20000;

  test("one draw: frequencies match e_i / sum e (chi-square, 4 df, below the 0.1% critical value 18.47)", () => {
    const counts = new Array(e.length).fill(0);
    for (let s = 0; s < trials; s++) counts[roulette(e, 1, { seed: 7, stream: s })[0]]++;
    const total = e.reduce((a, b) => a + b, 0);
    const chi2 = counts.reduce((acc, c, i) => acc + (c - (trials * e[i]) / total) ** 2 / ((trials * e[i]) / total), 0);
    assert.ok(chi2 < 18.47, `chi-square ${chi2.toFixed(2)}; counts ${counts}`);
  });

  test("two draws: ordered pairs match the sequential roulette's probabilities (chi-square, 19 df, < 43.82 = 0.1% critical)", () => {
    const expected = sequenceProbabilities(e, 2);
    const counts = new Map<string, number>();
    for (let s = 0; s < trials; s++) {
      const key = [...roulette(e, 2, { seed: 8, stream: s })].join(",");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    let chi2 = 0;
    for (const [key, p] of expected) chi2 += ((counts.get(key) ?? 0) - trials * p) ** 2 / (trials * p);
    assert.equal(
      [...counts.keys()].every((k) => expected.has(k)),
      true,
    );
    assert.ok(chi2 < 43.82, `chi-square ${chi2.toFixed(2)}`);
    // Inclusion: each filter's frequency within 4.5 binomial standard deviations of its probability.
    e.forEach((_, i) => {
      let p = 0;
      for (const [key, q] of expected) if (key.split(",").includes(String(i))) p += q;
      let f = 0;
      for (const [key, c] of counts) if (key.split(",").includes(String(i))) f += c;
      assert.ok(
        Math.abs(f / trials - p) <= 4.5 * Math.sqrt((p * (1 - p)) / trials),
        `filter ${i}: ${f / trials} vs ${p}`,
      );
    });
  });

  test("zero weights are taken last; uniform weights give every index the same frequency", () => {
    for (let s = 0; s < 200; s++) {
      const pick = roulette([0, 1, 0, 2], 3, { seed: 1, stream: s });
      assert.deepEqual(Array.from(pick.subarray(0, 2)).sort(), [1, 3]);
      assert.ok(pick[2] === 0 || pick[2] === 2);
    }
    const counts = new Array(8).fill(0);
    for (let s = 0; s < 8000; s++)
      for (const i of roulette(new Array(8).fill(1), 2, { seed: 2, stream: s })) counts[i]++;
    counts.forEach((c) => assert.ok(Math.abs(c / 8000 - 0.25) <= 4.5 * Math.sqrt((0.25 * 0.75) / 8000), `${counts}`));
  });

  test("seeded: the same (seed, stream) gives the same selection; another stream usually differs", () => {
    const w = Array.from(weights(64, 9), Math.abs);
    assert.deepEqual(roulette(w, 10, { seed: 3, stream: 5 }), roulette(w, 10, { seed: 3, stream: 5 }));
    let differ = 0;
    for (let s = 0; s < 20; s++)
      if (roulette(w, 10, { seed: 3, stream: s }).join() !== roulette(w, 10, { seed: 4, stream: s }).join()) differ++;
    assert.ok(differ >= 18);
  });

  test("bad input: RangeErrors naming the parameter", () => {
    assert.throws(
      () => roulette([1, -1], 1, { seed: 0 }),
      /roulette weights must be finite numbers >= 0; got -1 at index 1/,
    );
    assert.throws(() => roulette([1, NaN], 1, { seed: 0 }), /got NaN at index 1/);
    assert.throws(() => roulette([1, 2], 3, { seed: 0 }), /roulette count must be an integer in \[0, 2\]; got 3/);
    assert.throws(() => roulette([1, 2], 1, { seed: -1 }), /Rng seed/);
  });
});

describe("hybrid weight, schedule and one SQ step", () => {
  test("the schedule is 50 -> 75 -> 87.5 -> 100% and keeps floor((1 - r) n) real", () => {
    assert.deepEqual(SQ_SCHEDULE, [0.5, 0.75, 0.875, 1]);
    assert.deepEqual(
      SQ_SCHEDULE.map((r) => keptRealCount(16, r)),
      [8, 4, 2, 0],
    );
    assert.deepEqual(
      SQ_SCHEDULE.map((r) => keptRealCount(10, r)),
      [5, 2, 1, 0],
    );
    assert.throws(() => keptRealCount(10, 1.5), /ratio must be a number in \[0, 1\]/);
  });

  test("hybrid: the kept filters (or elements) are W exactly, the rest Q exactly", () => {
    const C = 5,
      w = weights(30, 4);
    const { q } = bwnPerChannel(w, C);
    const h = hybridWeight(w, q, C, [1, 3]);
    h.forEach((v, j) => assert.equal(v, j % C === 1 || j % C === 3 ? w[j] : q[j]));
    const he = hybridWeight(w, q, C, [0, 29], "element");
    he.forEach((v, j) => assert.equal(v, j === 0 || j === 29 ? w[j] : q[j]));
    assert.throws(() => hybridWeight(w, q, C, [5]), /keptReal indices must be integers in \[0, 4\]; got 5/);
    assert.throws(() => hybridWeight(w, q.subarray(1), C, []), /q must have the length of w/);
    assert.throws(() => hybridWeight(w, q, 7, []), /positive multiple of channels \(7\)/);
  });

  test("at r = 100% SQ is plain BWN / TWN bit for bit (every probability and granularity)", () => {
    const C = 16,
      w = weights(9 * 8 * C, 21, 0.3);
    for (const base of ["bwn", "twn"] as const) {
      const plain = base === "bwn" ? bwnPerChannel(w, C).q : twnPerChannel(w, C).q;
      for (const probability of ["error", "uniform"] as const) {
        for (const granularity of ["filter", "element"] as const) {
          const r = stochasticQuantize(w, C, { base, ratio: 1, probability, granularity, seed: 5, stream: 3 });
          assert.deepEqual(r.hybrid, plain);
          assert.equal(r.keptReal.length, 0);
        }
      }
    }
  });

  test("at r < 100%: floor((1 - r) n) filters real, the rest quantized, reproducible from the seed", () => {
    const C = 16,
      w = weights(9 * 8 * C, 22, 0.3);
    const r = stochasticQuantize(w, C, { base: "twn", ratio: 0.75, seed: 5, stream: 1 });
    assert.equal(r.keptReal.length, 4);
    assert.deepEqual(r.quantized, twnPerChannel(w, C).q);
    r.hybrid.forEach((v, j) => assert.equal(v, r.keptReal.includes(j % C) ? w[j] : r.quantized[j]));
    assert.deepEqual(stochasticQuantize(w, C, { base: "twn", ratio: 0.75, seed: 5, stream: 1 }).hybrid, r.hybrid);
    const el = stochasticQuantize(w, C, { base: "bwn", ratio: 0.5, granularity: "element", seed: 1 });
    assert.equal(el.keptReal.length, w.length / 2);
    assert.throws(
      () => stochasticQuantize(w, C, { base: "xnor" as "bwn", ratio: 1, seed: 0 }),
      /base must be one of "bwn", "twn"; got "xnor"/,
    );
    assert.throws(
      () => stochasticQuantize(w, C, { base: "bwn", ratio: 0.5, probability: "inverse" as "error", seed: 0 }),
      /probability must be one of "error", "uniform"/,
    );
    assert.throws(
      () => stochasticQuantize(w, C, { base: "bwn", ratio: 2, seed: 0 }),
      /ratio must be a number in \[0, 1\]/,
    );
  });

  test("kept filters have higher errors than average (error-proportional selection)", () => {
    const C = 64,
      w = weights(9 * 16 * C, 30, 0.3);
    // Make half the filters quantize badly: one large weight among small ones.
    for (let c = 0; c < C; c += 2) w[c] = 3;
    let keptError = 0,
      draws = 0;
    const errors = relativeErrors(w, bwnPerChannel(w, C).q, C);
    const meanError = errors.reduce((a, b) => a + b, 0) / C;
    for (let s = 0; s < 50; s++) {
      for (const i of stochasticQuantize(w, C, { base: "bwn", ratio: 0.875, seed: 2, stream: s }).keptReal) {
        keptError += errors[i];
        draws++;
      }
    }
    assert.ok(keptError / draws > meanError, `${keptError / draws} vs ${meanError}`);
  });
});
