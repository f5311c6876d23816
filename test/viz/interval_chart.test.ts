/**
 * intervalChart: dots at the means with asymmetric interval bars, series side by side within each
 * category in their own colours, missing categories skipped, each seed as an open marker of its
 * series' colour, reference lines across. intervalSeries: the mean and Student's t interval per
 * category from per-seed values.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { intervalChart, intervalSeries } from "lowbit/notebook";

type Marker = { color: string };

describe("intervalChart", () => {
  it("dots with asymmetric intervals, series side by side, missing categories skipped, references across", () => {
    const fig = intervalChart(
      ["a", "b", "c"],
      [
        { name: "one", mean: [1, 2, null], low: [0.5, 1, null], high: [2, 2.5, null] },
        { name: "two", mean: [3, 4, 5], low: [null, 3, 4], high: [null, 6, 5.5] },
      ],
      { references: [{ name: "zero", y: 0 }] },
    );
    assert.equal(fig.data.length, 3);
    assert.deepEqual(fig.data[0].x, [-0.2, 0.8]);
    assert.deepEqual(fig.data[1].x, [0.2, 1.2, 2.2]);
    const bars = fig.data[0].error_y as { array: number[]; arrayminus: number[]; symmetric: boolean };
    assert.deepEqual(bars.array, [1, 0.5]);
    assert.deepEqual(bars.arrayminus, [0.5, 1]);
    assert.equal(bars.symmetric, false);
    assert.deepEqual((fig.data[1].error_y as { array: number[] }).array, [0, 2, 0.5]);
    assert.deepEqual(fig.data[2].y, [0, 0]);
    assert.equal(fig.data[2].name, "zero");
    assert.notEqual((fig.data[0].marker as Marker).color, (fig.data[1].marker as Marker).color);
    const xaxis = fig.layout.xaxis as { tickvals: number[]; ticktext: string[] };
    assert.deepEqual(xaxis.tickvals, [0, 1, 2]);
    assert.deepEqual(xaxis.ticktext, ["a", "b", "c"]);
  });

  it("draws each seed beside its series' dot, in its colour", () => {
    const fig = intervalChart(
      ["a", "b"],
      [
        { name: "full", mean: [1, -1], low: [0.5, -3], high: [2, 0], values: [[0.9, 1.1], null] },
        { name: "smoke", mean: [null, 2], low: [null, 1], high: [null, 4], values: [null, [2]] },
      ],
    );
    // Two series of dots, then the seeds of each series that has any.
    assert.equal(fig.data.length, 4);
    assert.deepEqual(fig.data[2].y, [0.9, 1.1]);
    assert.deepEqual(fig.data[3].y, [2]);
    assert.ok(
      (fig.data[2].x as number[]).every((x) => x > -0.2 && x < 0.2),
      "seeds sit right of their dot",
    );
    assert.equal((fig.data[3].marker as Marker).color, (fig.data[1].marker as Marker).color);
    assert.equal(fig.data[3].showlegend, false);
  });

  it("slants labels up to their tick only when they are wider than their category's share", () => {
    // Seven recipe names in 900 pixels: plotly's own slant (down to the right) dropped the last one.
    const recipes = [
      "FP32",
      "MXFP8BlockScaling",
      "MXFP4_NEAREST",
      "NVFP4_NEAREST",
      "MXFP4_BWD_NEAREST",
      "MXFP4_BWD_SR",
      "MXFP4_SR_RHT",
    ];
    const one = (n: number) => [{ name: "s", mean: Array(n).fill(1), low: Array(n).fill(0), high: Array(n).fill(2) }];
    const long = intervalChart(recipes, one(7), { width: 900 });
    assert.equal((long.layout.xaxis as { tickangle?: number }).tickangle, -30);
    const short = intervalChart(["a", "b", "c"], one(3), { width: 900 });
    assert.equal((short.layout.xaxis as { tickangle?: number }).tickangle, undefined);
    // Broken into lines that each fit: left level.
    const lines = intervalChart(["MXFP4<br>(k = 32, E8M0)", "NVFP4<br>(k = 16, E4M3 x FP32)"], one(2), { width: 500 });
    assert.equal((lines.layout.xaxis as { tickangle?: number }).tickangle, undefined);
  });

  it("refuses mismatched lengths, an interval that does not hold its mean, and no series", () => {
    assert.throws(
      () => intervalChart(["a"], [{ name: "s", mean: [1, 2], low: [1], high: [1] }]),
      /intervalChart series "s" mean has 2 entries; expected 1/,
    );
    assert.throws(
      () => intervalChart(["a"], [{ name: "s", mean: [3], low: [0], high: [1] }]),
      /series "s" category "a" needs low <= mean <= high; got 0, 3, 1/,
    );
    assert.throws(() => intervalChart(["a"], []), /needs at least one series/);
  });
});

describe("intervalSeries", () => {
  it("is the mean and Student's t 95% interval of each category's seeds; one value has no interval", () => {
    const s = intervalSeries("run", [[1, 2, 3], [5], null]);
    // mean 2, s = 1, n = 3: half-width t_{0.975, 2} / sqrt(3) = 4.302652729749464 / 1.7320508075688772.
    const half = 4.302652729749464 / Math.sqrt(3);
    assert.deepEqual(s.mean, [2, 5, null]);
    assert.ok(Math.abs(s.low[0]! - (2 - half)) < 1e-9 && Math.abs(s.high[0]! - (2 + half)) < 1e-9);
    assert.deepEqual([s.low[1], s.high[1], s.low[2]], [null, null, null]);
    assert.deepEqual(s.values, [[1, 2, 3], [5], null]);
  });
});
