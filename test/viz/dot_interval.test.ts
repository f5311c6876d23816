/**
 * dotIntervalChart: dots at the means with asymmetric interval bars, series side by side within
 * each category, each seed as an open marker of its series' colour, the reference line.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { dotIntervalChart } from "lowbit/notebook";

describe("dotIntervalChart", () => {
  it("places series side by side per category with their intervals and seeds", () => {
    const fig = dotIntervalChart(
      [
        {
          name: "full",
          points: [
            { label: "a", mean: 1, low: 0.5, high: 2, values: [0.9, 1.1] },
            { label: "b", mean: -1, low: -3, high: 0 },
          ],
        },
        { name: "smoke", points: [{ label: "b", mean: 2, low: 1, high: 4, values: [2] }] },
      ],
      { title: "t", reference: 0 },
    );
    // Two series of dots, then the seeds of each series that has any.
    assert.equal(fig.data.length, 4);
    assert.deepEqual(fig.data[0].x, [-0.125, 0.875]);
    assert.deepEqual(fig.data[1].x, [1.125]);
    assert.deepEqual(fig.data[0].y, [1, -1]);
    const bars = fig.data[0].error_y as { array: number[]; arrayminus: number[]; symmetric: boolean };
    assert.deepEqual(bars.array, [1, 1]);
    assert.deepEqual(bars.arrayminus, [0.5, 2]);
    assert.equal(bars.symmetric, false);
    assert.deepEqual(fig.data[2].y, [0.9, 1.1]);
    assert.deepEqual(fig.data[3].y, [2]);
    assert.equal((fig.data[3].marker as { color: string }).color, (fig.data[1].marker as { color: string }).color);
    assert.notEqual((fig.data[0].marker as { color: string }).color, (fig.data[1].marker as { color: string }).color);
    const xaxis = fig.layout.xaxis as { tickvals: number[]; ticktext: string[] };
    assert.deepEqual(xaxis.tickvals, [0, 1]);
    assert.deepEqual(xaxis.ticktext, ["a", "b"]);
    assert.equal((fig.layout.shapes as { y0: number }[])[0].y0, 0);
  });

  it("refuses an interval that does not hold its mean, and no series", () => {
    assert.throws(
      () => dotIntervalChart([{ name: "s", points: [{ label: "a", mean: 3, low: 0, high: 1 }] }]),
      /series "s" point "a" needs low <= mean <= high; got 0, 3, 1/,
    );
    assert.throws(() => dotIntervalChart([]), /needs at least one series/);
  });
});
