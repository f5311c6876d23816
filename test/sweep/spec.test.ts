/**
 * Sweep specs: validation (each mistake named by its field), the grid's expansion against a
 * brute-force product, run keys that ignore key order but nothing else, and labels.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { canonicalJson, checkSweepSpec, configurationLabels, runKey, sweepRuns } from "lowbit/sweep";

const base = { experiment: "least-squares-sgd", grid: { steps: [10] }, seeds: [0], output: "out" };

describe("checkSweepSpec", () => {
  test("a grid is the product of its value lists, the last key varying fastest; base fills in, configurations win", () => {
    const s = checkSweepSpec(
      {
        experiment: "least-squares-sgd",
        grid: { a: [1, 2], b: ["x", "y", "z"], c: [{ kind: "fixed", bits: 4, frac: 2 }] },
        base: { steps: 5, a: 0 },
        seeds: { count: 3, from: 7 },
        output: "o",
      },
      "/tmp/specs",
    );
    const expected = [];
    for (const a of [1, 2])
      for (const b of ["x", "y", "z"]) expected.push({ steps: 5, a, b, c: { kind: "fixed", bits: 4, frac: 2 } });
    assert.deepEqual(s.configurations, expected);
    assert.deepEqual(s.seeds, [7, 8, 9]);
    assert.equal(s.output, path.resolve("/tmp/specs/o"));
    assert.equal(s.retries, 2);
    const runs = sweepRuns(s);
    assert.equal(runs.length, 18);
    assert.equal(new Set(runs.map((r) => r.key)).size, 18);
    assert.deepEqual(
      runs.slice(0, 4).map((r) => [r.config.a, r.config.b, r.seed]),
      [
        [1, "x", 7],
        [1, "x", 8],
        [1, "x", 9],
        [1, "y", 7],
      ],
    );
  });

  test("a module path is taken from the spec's folder, a package name as it is", () => {
    assert.deepEqual(checkSweepSpec({ ...base, module: "./exp.js" }, "/a/b").module, {
      spec: "./exp.js",
      resolved: "/a/b/exp.js",
    });
    assert.deepEqual(checkSweepSpec({ ...base, module: "my-experiments" }, "/a/b").module, {
      spec: "my-experiments",
      resolved: "my-experiments",
    });
  });

  test("mistakes are named by field, with what is allowed", () => {
    const cases: [unknown, RegExp][] = [
      [[], /sweep spec \(the whole spec\) must be an object; got an array/],
      [{ ...base, seed: [1] }, /unknown field "seed"; the fields are experiment, module, grid/],
      [{ ...base, experiment: "" }, /sweep spec experiment must be a non-empty string; got ""/],
      [{ ...base, configurations: [{}] }, /exactly one of grid \(values per key\) and configurations/],
      [{ ...base, grid: undefined }, /exactly one of grid/],
      [{ ...base, grid: { a: [] } }, /sweep spec grid.a must be a non-empty array of values; got \[\]/],
      [{ ...base, grid: { a: [1, Number.NaN] } }, /sweep spec grid.a\[1\] must be a finite number \(JSON\); got NaN/],
      [{ ...base, grid: undefined, configurations: [] }, /configurations must be a non-empty array of objects/],
      [{ ...base, grid: undefined, configurations: [1] }, /sweep spec configurations\[0\] must be an object; got 1/],
      [
        {
          ...base,
          grid: undefined,
          configurations: [
            { a: 1, b: 2 },
            { b: 2, a: 1 },
          ],
        },
        /configurations 0 and 1 are the same configuration \{"a":1,"b":2\}/,
      ],
      [{ ...base, grid: { a: [1, 1] } }, /configurations 0 and 1 are the same configuration/],
      [{ ...base, seeds: [] }, /seeds must list at least one seed/],
      [{ ...base, seeds: [1, 2, 1] }, /seeds must not repeat; 1 appears twice/],
      [{ ...base, seeds: [-1] }, /sweep spec seeds\[0\] must be an integer in \[0, 2\^32 - 1\]; got -1/],
      [{ ...base, seeds: ["0"] }, /sweep spec seeds\[0\] must be an integer in \[0, 2\^32 - 1\]; got "0" \(string\)/],
      [{ ...base, seeds: { count: 0 } }, /sweep spec seeds.count must be an integer in \[1, 2\^32\]; got 0/],
      [{ ...base, seeds: { count: 2, step: 1 } }, /seeds has an unknown field "step"/],
      [{ ...base, seeds: { count: 2, from: 2 ** 32 - 1 } }, /seeds.count must be an integer in \[1, 1\]; got 2/],
      [{ ...base, output: 3 }, /sweep spec output must be a non-empty string; got 3/],
      [{ ...base, retries: 11 }, /sweep spec retries must be an integer in \[0, 10\]; got 11/],
      [
        { ...base, grid: { a: [1, 2, 3] }, seeds: { count: 400000 } },
        /at most 1000000 runs; this one has 3 configurations x 400000 seeds/,
      ],
    ];
    for (const [spec, message] of cases) assert.throws(() => checkSweepSpec(spec), message, JSON.stringify(spec));
  });

  test("run keys: equal for the same run whatever the key order, different when anything differs", () => {
    const k = runKey("e", undefined, { a: 1, b: { c: 2, d: [1, 2] } }, 3);
    assert.match(k, /^[0-9a-f]{32}$/);
    assert.equal(runKey("e", undefined, { b: { d: [1, 2], c: 2 }, a: 1 }, 3), k);
    for (const other of [
      runKey("f", undefined, { a: 1, b: { c: 2, d: [1, 2] } }, 3),
      runKey("e", "./m.js", { a: 1, b: { c: 2, d: [1, 2] } }, 3),
      runKey("e", undefined, { a: 1, b: { c: 2, d: [2, 1] } }, 3),
      runKey("e", undefined, { a: "1", b: { c: 2, d: [1, 2] } }, 3),
      runKey("e", undefined, { a: 1, b: { c: 2, d: [1, 2] } }, 4),
    ])
      assert.notEqual(other, k);
    assert.equal(canonicalJson({ b: [{ z: 1, y: null }], a: "\u00e9" }), '{"a":"\u00e9","b":[{"y":null,"z":1}]}');
  });

  test("labels name only the keys that vary, formats by their label", () => {
    assert.deepEqual(
      configurationLabels([
        { steps: 5, rounding: "nearest", format: { kind: "fixed", bits: 6, frac: 4 } },
        { steps: 5, rounding: "stochastic", format: { kind: "fixed", bits: 6, frac: 4 } },
        { steps: 5, rounding: "nearest", format: { kind: "fixed", bits: 10, frac: 8 } },
      ]),
      [
        "rounding=nearest, format=fixed<6,4>",
        "rounding=stochastic, format=fixed<6,4>",
        "rounding=nearest, format=fixed<10,8>",
      ],
    );
    assert.deepEqual(configurationLabels([{ a: 1 }]), ["default"]);
    assert.deepEqual(configurationLabels([{ a: { x: 1 } }, { a: { x: 2 } }]), ['a={"x":1}', 'a={"x":2}']);
  });
});
