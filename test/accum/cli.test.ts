/** The `lowbit accum` command's argument errors: a reason naming the argument, exit code 2. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "lib/cli.ts", ...args], { encoding: "utf8" });

test("lowbit accum: unknown network, bad numbers and out-of-range values exit with code 2", () => {
  const cases: [string[], RegExp][] = [
    [["accum", "--network", "resnet50", "--mp", "5"], /unknown network "resnet50"; choose from resnet32, resnet18, alexnet, lenet5, vgg7/],
    [["accum", "--n", "abc", "--mp", "5"], /--n must be a number; got "abc"/],
    [["accum", "--n", "0", "--mp", "5"], /n must be an integer in \[1, 2\^40\]|n must be an integer/],
    [["accum", "--n", "64", "--mp", "5", "--chunk", "100"], /chunk .* must be an integer in \[1, 64\]/],
    [["accum", "--n", "64"], /--mp .* is required/],
    [["frobnicate"], /unknown command "frobnicate"/],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test("lowbit accum --n prints the minimum and the VRR around it", () => {
  const r = run("accum", "--n", "16", "--mp", "3");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /minimum accumulator mantissa bits: \d+/);
  assert.match(r.stdout, /mAcc\s+VRR/);
});
