/**
 * The `lowbit` command's conventions, through `lowbit accum`: help and version exit 0, argument
 * errors are one line naming the argument with exit code 2, --json is one object, --csv has no
 * preamble, text fits 100 columns, and a closed pipe ends the command quietly.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { minAccumulatorBits, vrr } from "lowbit";
import { DEFAULT_VRR_TOLERANCE } from "lowbit/accum";

const ARGS = ["--import", "tsx", "lib/cli.ts"];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command; the cases of a test run side by side. */
function run(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...ARGS, ...args]);
    let stdout = "",
      stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const noStack = (r: Run, what: string) => assert.doesNotMatch(r.stderr, /^\s+at /m, `${what}: no stack trace`);

test("lowbit accum: unknown network, bad numbers, out-of-range values and unknown options exit with code 2", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["accum", "--network", "resnet50", "--mp", "5"],
      /^error: unknown network "resnet50"; choose from resnet32, resnet18, alexnet, lenet5, vgg7, wage-lenet5, qnn-mlp, vgg-net, char-lstm\n/,
    ],
    [["accum", "--n", "abc", "--mp", "5"], /^error: --n must be a number; got "abc"\n/],
    [["accum", "--n", "0", "--mp", "5"], /n must be an integer in \[1, 2\^40\]/],
    [["accum", "--n", "64", "--mp", "5", "--chunk", "100"], /chunk .* must be an integer in \[1, 64\]/],
    [["accum", "--n", "64"], /--mp .* is required/],
    [["accum", "--n", "64", "--mp", "5", "--batch", "8"], /--batch applies to --network only/],
    [["accum", "--n", "64", "--mp", "5", "--csv", "--json"], /option '--csv' cannot be used with option '--json'/],
    [["accum", "--bogus"], /^error: unknown option '--bogus'\n\(lowbit accum --help lists the options\)/],
    [["frobnicate"], /^error: unknown command 'frobnicate'\n/],
    [[], /^Usage: lowbit /],
  ];
  const results = await Promise.all(cases.map(([args]) => run(...args)));
  for (const [i, [args, message]] of cases.entries()) {
    const r = results[i];
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.equal(r.stdout, "", `${args.join(" ")}: the error goes to stderr`);
    noStack(r, args.join(" "));
  }
});

test("lowbit --help, lowbit <command> --help, lowbit help <command> and --version exit 0", async () => {
  const version = JSON.parse(readFileSync("lib/package.json", "utf8")).version as string;
  const cases: [string[], RegExp][] = [
    [["--help"], /^Usage: lowbit \[options\] \[command\][\s\S]*accum[\s\S]*cost[\s\S]*kernel/],
    [["accum", "--help"], /^Usage: lowbit accum \[options\]/],
    [["cost", "--help"], /^Usage: lowbit cost \[options\]/],
    [["kernel", "--help"], /^Usage: lowbit kernel \[options\]/],
    [["help", "accum"], /^Usage: lowbit accum \[options\]/],
    [["--version"], new RegExp(`^${version.replace(/\./g, "\\.")}\n$`)],
    [["-V"], new RegExp(`^${version.replace(/\./g, "\\.")}\n$`)],
  ];
  const results = await Promise.all(cases.map(([args]) => run(...args)));
  for (const [i, [args, expected]] of cases.entries()) {
    assert.equal(results[i].status, 0, `${args.join(" ")}: ${results[i].stderr}`);
    assert.match(results[i].stdout, expected, args.join(" "));
  }
  // The help explains the options a reader cannot guess, and keeps to 100 columns.
  const accumHelp = results[1].stdout;
  for (const option of [
    "--mp",
    "--chunk",
    "--tolerance",
    "--sparsity",
    "--batch",
    "--network",
    "--n",
    "--csv",
    "--json",
  ]) {
    assert.match(accumHelp, new RegExp(`\\n  ${option} .{10,}`), `accum --help explains ${option}`);
  }
  assert.match(accumHelp, /mantissa bits/);
  assert.match(accumHelp, /VRR, the variance retention ratio/);
  for (const r of results)
    for (const line of r.stdout.split("\n")) assert.ok(line.length <= 100, `help line of ${line.length}: ${line}`);
});

test("lowbit accum --n prints the minimum and the VRR around it, within 100 columns", async () => {
  const r = await run("accum", "--n", "16", "--mp", "3");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /minimum accumulator mantissa bits: \d+/);
  assert.match(r.stdout, /mAcc\s+VRR/);
  for (const line of r.stdout.split("\n")) assert.ok(line.length <= 100, line);
});

test("lowbit accum --json: one object whose figures are the library's", async () => {
  const [single, network] = await Promise.all([
    run("accum", "--n", "4096", "--mp", "5", "--chunk", "64", "--json"),
    run("accum", "--network", "lenet5", "--mp", "5", "--json"),
  ]);
  assert.equal(single.status, 0, single.stderr);
  const o = JSON.parse(single.stdout);
  const m = minAccumulatorBits({ n: 4096, mP: 5, chunk: 64 });
  assert.deepEqual(
    { n: o.n, mP: o.mP, chunk: o.chunk, sparsity: o.sparsity, tolerance: o.tolerance, min: o.minAccumulatorBits },
    { n: 4096, mP: 5, chunk: 64, sparsity: 0, tolerance: DEFAULT_VRR_TOLERANCE, min: m },
  );
  assert.deepEqual(
    o.vrr.map((v: { mAcc: number }) => v.mAcc),
    [m - 3, m - 2, m - 1, m, m + 1, m + 2],
  );
  for (const v of o.vrr) assert.equal(v.vrr, vrr({ n: 4096, mAcc: v.mAcc, mP: 5, chunk: 64 }));
  assert.equal(network.status, 0, network.stderr);
  const t = JSON.parse(network.stdout);
  assert.equal(t.network, "lenet5");
  assert.ok(
    t.layers.length > 0 &&
      t.layers.every((l: object) =>
        ["layer", "fwd", "fwdMAcc", "bwd", "bwdMAcc", "grad", "gradMAcc"].every((k) => k in l),
      ),
  );
});

test("lowbit accum --csv: a header line first, no preamble", async () => {
  const [single, network] = await Promise.all([
    run("accum", "--n", "4096", "--mp", "5", "--csv"),
    run("accum", "--network", "resnet18", "--mp", "5", "--csv"),
  ]);
  assert.equal(single.status, 0, single.stderr);
  const lines = single.stdout.trim().split("\n");
  assert.equal(lines[0], "mAcc,VRR,note");
  assert.equal(lines.filter((l) => l.endsWith(",minimum")).length, 1);
  assert.equal(network.status, 0, network.stderr);
  assert.match(network.stdout, /^layer,FWD n,FWD mAcc,BWD n,BWD mAcc,GRAD n,GRAD mAcc\nconv1,/);
});

test("a reader that closes the pipe early ends the command quietly", async () => {
  const r = await new Promise<Run>((resolve) => {
    const child = spawn(process.execPath, [...ARGS, "accum", "--network", "resnet18", "--mp", "5"]);
    // Closed before the command writes anything: its first write meets EPIPE.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout: "", stderr }));
  });
  assert.equal(r.stderr, "", "nothing on stderr");
  assert.equal(r.status, 0);
});
