import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { barChart, heatmap, histogram, lineChart } from "lowbit/notebook";

describe("figure builders", () => {
  it("lineChart: one scatter trace per series, default x, log axis range in log10 units, error bars", () => {
    const fig = lineChart(
      [
        { name: "a", y: [1, 10, 100] },
        { name: "b", x: [1, 2, 3], y: new Float32Array([3, 2, 1]), error: [0.1, 0.2, 0.3] },
      ],
      { title: "t", y: { log: true, range: [1, 1000] } },
    );
    assert.equal(fig.data.length, 2);
    assert.deepEqual(fig.data[0].x, [0, 1, 2]);
    assert.deepEqual(fig.data[1].y, [3, 2, 1]);
    assert.deepEqual((fig.data[1].error_y as { array: number[] }).array, [0.1, 0.2, 0.3]);
    const yaxis = fig.layout.yaxis as { type: string; range: number[] };
    assert.equal(yaxis.type, "log");
    assert.deepEqual(yaxis.range, [0, 3]);
    assert.throws(
      () => lineChart([{ name: "c", x: [1, 2], y: [1] }]),
      /lineChart series "c" y has 1 entries; expected 2/,
    );
  });

  it("lineChart: a log axis holding two powers of ten or more labels decades only, minor ticks unlabelled; a narrower one keeps plotly's", () => {
    const wide = lineChart([{ name: "a", x: [64, 1024, 36864], y: [1, 2, 3] }], { x: { log: true } });
    const xaxis = wide.layout.xaxis as { dtick?: number; ticks?: string; minor?: { dtick: string; ticklen: number } };
    assert.equal(xaxis.dtick, 1);
    assert.equal(xaxis.minor?.dtick, "D1");
    assert.equal(xaxis.ticks, "outside", "major ticks push the labels clear of the minor ones");
    assert.equal((wide.layout.yaxis as { dtick?: number }).dtick, undefined, "a linear axis is left alone");
    const narrow = lineChart([{ name: "a", y: [2, 50] }], { y: { log: true } });
    assert.equal((narrow.layout.yaxis as { dtick?: number }).dtick, undefined);
    // Notebook 08's maximum relative errors: 0.0008 to 0.07 holds 0.001 and 0.01.
    const errors = lineChart([{ name: "a", x: [128, 16384], y: [0.0008, 0.07] }], { y: { log: true } });
    assert.equal((errors.layout.yaxis as { dtick?: number }).dtick, 1);
    const ranged = lineChart([{ name: "a", y: [2, 5] }], { y: { log: true, range: [1, 1000] } });
    assert.equal((ranged.layout.yaxis as { dtick?: number }).dtick, 1, "the stated range decides, not the data");
    const bits = lineChart([{ name: "a", x: [1, 2, 4, 8, 16, 32], y: [1, 2, 3, 4, 5, 6] }], {
      x: { log: true, ticks: [1, 2, 4, 8, 16, 32] },
    });
    const bitsAxis = bits.layout.xaxis as { dtick?: number; minor?: unknown; tickvals: number[]; ticktext: string[] };
    assert.deepEqual([bitsAxis.dtick, bitsAxis.minor], [undefined, undefined], "stated ticks replace the decades");
    assert.deepEqual(bitsAxis.ticktext, ["1", "2", "4", "8", "16", "32"]);
  });

  it("a figure grows taller when its title and legend would leave the plot less than 300 pixels", () => {
    const names = [
      "no promotion, this run (full)",
      "promote every 32, this run (full)",
      "promote every 128",
      "every 512",
    ];
    const crowded = lineChart(
      names.map((name) => ({ name, y: [1, 2] })),
      { title: "a title long enough to need three lines at this width, ".repeat(3), width: 640, height: 400 },
    );
    const margin = crowded.layout.margin as { t: number; b: number };
    assert.ok((crowded.layout.height as number) - margin.t - margin.b >= 300, `height ${crowded.layout.height}`);
    assert.equal(
      lineChart([{ name: "a", y: [1] }], { height: 400 }).layout.height,
      400,
      "a plain figure keeps its height",
    );
  });

  it("heatmap: rows top-down, labels, annotations per cell; ragged rows are refused", () => {
    const fig = heatmap(
      [
        [1, 2],
        [3, 4],
      ],
      { xLabels: ["p", "q"], annotate: true },
    );
    assert.equal(fig.data[0].type, "heatmap");
    assert.equal((fig.layout.yaxis as { autorange: string }).autorange, "reversed");
    assert.equal((fig.layout.annotations as unknown[]).length, 4);
    assert.throws(() => heatmap([[1, 2], [3]]), /heatmap row 1 has 1 entries; expected 2/);
  });

  it("histogram overlays series; barChart groups them, one value per category", () => {
    const h = histogram(
      [
        { name: "w", values: [1, 2, 2] },
        { name: "q", values: [1, 1] },
      ],
      { bins: 10 },
    );
    assert.equal(h.layout.barmode, "overlay");
    assert.equal(h.data[0].nbinsx, 10);
    const b = barChart(["8 bit", "4 bit"], [{ name: "acc", values: [99, 98], error: [0.1, 0.2] }]);
    assert.equal(b.layout.barmode, "group");
    assert.deepEqual(b.data[0].x, ["8 bit", "4 bit"]);
    assert.throws(
      () => barChart(["a"], [{ name: "s", values: [1, 2] }]),
      /barChart series "s" values has 2 entries; expected 1/,
    );
  });
});

describe("titles", () => {
  it("a title wider than the figure is broken at spaces into lines that fit, and the top margin grows with them", () => {
    const long =
      "hopper-fp8, normal operands cast to E4M3: relative error against K (16 x 16 outputs, mean of 3 seeds, 95% interval)";
    const one = lineChart([{ name: "a", y: [1, 2] }], { title: "short" });
    const wrapped = lineChart([{ name: "a", y: [1, 2] }], { title: long });
    const text = (wrapped.layout.title as { text: string }).text;
    const lines = text.split("<br>");
    assert.ok(lines.length >= 2, text);
    assert.equal(lines.join(" "), long, "only spaces become breaks");
    // About 0.6 em per character of a 1.4 x 13 px title font in 640 - 40 pixels.
    for (const line of lines) assert.ok(line.length <= Math.floor(600 / (0.6 * 1.4 * 13)), line);
    assert.equal((one.layout.title as { text: string }).text, "short");
    const top = (fig: typeof one) => (fig.layout.margin as { t: number }).t;
    assert.ok(top(wrapped) >= top(one) + 36 * (lines.length - 1), `${top(wrapped)} vs ${top(one)}`);
  });
});
