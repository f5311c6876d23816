/**
 * numberFlag, the command-line number parser of `lowbit` and npm run train: decimal text only,
 * ranges with both bounds in the message, FlagError (a RangeError) for everything wrong.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { FlagError, numberFlag } from "lowbit/core";
import { describeRange } from "../../lib/dist/core/flags";

const ROOT = path.resolve(__dirname, "..", "..");

describe("numberFlag", () => {
  it("parses decimal text and leaves an absent flag undefined", () => {
    assert.equal(numberFlag("lr", "0.001", { min: 0, max: 10, minExclusive: true }), 0.001);
    assert.equal(numberFlag("lr", "1e-3", { min: 0, max: 10, minExclusive: true }), 0.001);
    assert.equal(numberFlag("lr", ".5"), 0.5);
    assert.equal(numberFlag("n", " 42 "), 42);
    assert.equal(numberFlag("n", "-3"), -3);
    assert.equal(numberFlag("n", undefined, { min: 1, max: 2 }), undefined);
  });

  it("refuses what Number() would quietly turn into a number or NaN", () => {
    for (const text of ["abc", "", " ", "0x10", "0b1", "1e3x", "Infinity", "NaN", "1,5", "--1"]) {
      assert.throws(
        () => numberFlag("n", text),
        { name: "FlagError", message: `--n must be a number; got "${text}"` },
        text,
      );
    }
  });

  it("checks the range, both bounds in the message, ends open or closed", () => {
    const unit = { min: 0, max: 1 };
    assert.equal(numberFlag("min-accuracy", "0", unit), 0);
    assert.equal(numberFlag("min-accuracy", "1", unit), 1);
    for (const text of ["abc", "-0.1", "1.01", "NaN"]) {
      assert.throws(
        () => numberFlag("min-accuracy", text, unit),
        (e: unknown) =>
          e instanceof FlagError &&
          e instanceof RangeError &&
          e.message === `--min-accuracy must be a number in [0, 1]; got "${text}"`,
      );
    }
    const lr = { min: 0, max: 10, minExclusive: true };
    assert.throws(() => numberFlag("lr", "0", lr), { message: '--lr must be a number in (0, 10]; got "0"' });
    const open = { min: 0, max: 1, maxExclusive: true };
    assert.throws(() => numberFlag("sparsity", "1", open), {
      message: '--sparsity must be a number in [0, 1); got "1"',
    });
    const seed = { min: 0, max: 2 ** 28 - 1, integer: true };
    assert.equal(numberFlag("seed", "268435455", seed), 2 ** 28 - 1);
    assert.throws(() => numberFlag("seed", "1.5", seed), {
      message: '--seed must be an integer in [0, 2^28 - 1]; got "1.5"',
    });
    assert.throws(() => numberFlag("seed", "268435456", seed), {
      message: '--seed must be an integer in [0, 2^28 - 1]; got "268435456"',
    });
    assert.equal(describeRange({ min: 1, max: 2 ** 16, integer: true }), "an integer in [1, 2^16]");
  });

  it("lowbit accum refuses a hexadecimal --n rather than reading 16", () => {
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, "lib", "bin", "lowbit.js"), "accum", "--n", "0x10", "--mp", "5"],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.equal(r.stderr, 'error: --n must be a number; got "0x10"\n(lowbit accum --help lists the options)\n');
  });
});
