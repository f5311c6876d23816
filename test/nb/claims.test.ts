import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { claim, claimsMarkdown, formatMeasured, measured, orderingVerdict, toleranceVerdict } from "lowbit/notebook";

describe("measured", () => {
  it("is the mean and Student's t 95% interval of the per-seed values", () => {
    // mean 2, s = 1, n = 3: half-width t_{0.975, 2} / sqrt(3) = 4.302652729749464 / 1.7320508075688772.
    const m = measured([1, 2, 3]);
    assert.equal(m.mean, 2);
    assert.equal(m.seeds, 3);
    const half = 4.302652729749464 / Math.sqrt(3);
    assert.ok(Math.abs(m.ci95[0] - (2 - half)) < 1e-9 && Math.abs(m.ci95[1] - (2 + half)) < 1e-9);
    assert.deepEqual(m.values, [1, 2, 3]);
  });

  it("refuses fewer than 3 seeds and non-finite values", () => {
    assert.throws(() => measured([1, 2]), { name: "RangeError", message: /at least 3 seeds; got 2/ });
    assert.throws(() => measured([1, 2, NaN]), /finite/);
  });
});

describe("verdicts", () => {
  const m = (values: number[]) => measured(values);
  it("toleranceVerdict: the interval within the band, straddling its edge, or outside it", () => {
    // [1, 1.1, 0.9]: mean 1, 95% interval 1 +- 0.248.
    assert.equal(toleranceVerdict(m([1, 1.1, 0.9]), 1.2, 0.5), "reproduced");
    assert.equal(toleranceVerdict(m([0, 1, 2]), 2, 0.5), "partial");
    assert.equal(toleranceVerdict(m([1, 1.01, 0.99]), 2, 0.5), "not reproduced");
    assert.equal(toleranceVerdict(m([0, 0, 0]), 0, 0), "reproduced", "an exact claim measured exactly");
    // Regression: a mean inside the band is not agreement when the interval reaches past it
    // (notebook 04's 4-bit LSTM: mean 1.9, interval [-10.6, 14.3], tolerance 5, was "reproduced").
    assert.equal(toleranceVerdict(m([1, 1.1, 0.9]), 1.2, 0.25), "partial");
    assert.equal(toleranceVerdict(m([-8, 2, 12]), 0, 5), "partial");
    assert.equal(toleranceVerdict(m([0.8, 0.75, 0.7]), 0.75, 0.05), "partial");
    assert.equal(toleranceVerdict(m([10, 11, 12]), 0, 5), "not reproduced");
    assert.throws(() => toleranceVerdict(m([1, 2, 3]), 1, -1), /tolerance must be >= 0/);
  });

  it("orderingVerdict: the interval of the difference on the claimed side, the mean only, or neither", () => {
    assert.equal(orderingVerdict(m([1, 1.1, 0.9]), "positive"), "reproduced");
    assert.equal(orderingVerdict(m([1, -0.5, 0.8]), "positive"), "partial");
    assert.equal(orderingVerdict(m([1, 1.1, 0.9]), "negative"), "not reproduced");
  });
});

describe("claim", () => {
  const base = {
    id: "kg-8",
    claim: "k_G = 8 trains",
    metric: "test error (%)",
    dataset: "MNIST",
    paper: { value: 0.4, source: "Table 1" },
  };
  it("computes ours from the values and checks the entry", () => {
    const c = claim({ ...base, values: [0.5, 0.6, 0.7], verdict: "partial" });
    assert.equal(c.ours?.seeds, 3);
    assert.equal(
      formatMeasured(c.ours),
      `0.6 [${Number((0.6 - (0.1 * 4.302652729749464) / Math.sqrt(3)).toPrecision(3))}, ${Number((0.6 + (0.1 * 4.302652729749464) / Math.sqrt(3)).toPrecision(3))}], 3 seeds`,
    );
    assert.throws(() => claim({ ...base, verdict: "reproduced" }), /can only be "not attempted"/);
    assert.throws(() => claim({ ...base, values: [1, 2, 3], verdict: "done" as never }), /verdict must be one of/);
    assert.throws(() => claim({ ...base, id: "a b", verdict: "not attempted" }), /claim id must use/);
    assert.throws(
      () => claim({ ...base, paper: { value: 1, source: "" }, verdict: "not attempted" }),
      /non-empty source/,
    );
    assert.equal(claim({ ...base, verdict: "not attempted" }).ours, null);
  });

  it("claimsMarkdown escapes pipes and writes one row per claim", () => {
    const c = claim({ ...base, claim: "a | b", values: [1, 2, 3], verdict: "partial" });
    const md = claimsMarkdown([{ notebook: "02-wage", ...c }]);
    assert.equal(md.trim().split("\n").length, 3);
    assert.match(md, /a \\\| b/);
  });
});
