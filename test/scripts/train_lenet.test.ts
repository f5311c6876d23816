/**
 * npm run train's command line (scripts/train-lenet.ts, on commander like the lowbit command): a
 * non-numeric or out-of-range value is an error naming the flag and both bounds, exit code 2, no
 * stack trace, before any training; --help prints every option and exits 0. Every run also gets --train 64 --batch 64, so that a
 * script that ignored a bad value would train for a moment only and then fail the assertions.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type ProcessResult, runProcess } from "../run_process";

const ROOT = path.resolve(__dirname, "..", "..");

function train(...args: string[]): Promise<ProcessResult> {
  return trainWith({}, ...args);
}

function trainWith(env: Record<string, string>, ...args: string[]): Promise<ProcessResult> {
  const script = path.join(ROOT, "scripts", "train-lenet.ts");
  return runProcess(process.execPath, ["--import", "tsx", script, "--train", "64", "--batch", "64", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
}

describe("npm run train arguments", () => {
  it("refuses bad values naming the flag and its range, with exit code 2 and no stack trace", async () => {
    const cases: [string[], string][] = [
      [["--min-accuracy", "abc"], 'error: --min-accuracy must be a number in [0, 1]; got "abc"'],
      [["--lr", "abc"], 'error: --lr must be a number in (0, 10]; got "abc"'],
      [["--epochs", "0"], 'error: --epochs must be an integer in [1, 100000]; got "0"'],
      [["--seed", "NaN"], 'error: --seed must be an integer in [0, 2^28 - 1]; got "NaN"'],
      [["--eta", "8,x"], 'error: --eta must be a number in (0, 2^16]; got "x"'],
      [["--dataset", "cifar"], 'error: --dataset must be one of mnist, fashion-mnist; got "cifar"'],
      [["--bogus"], "error: unknown option '--bogus'"],
    ];
    // Three at a time: each process spends most of its time loading TensorFlow.js.
    for (let i = 0; i < cases.length; i += 3) {
      const runs = await Promise.all(cases.slice(i, i + 3).map(([args]) => train(...args)));
      runs.forEach((r, j) => {
        const [args, message] = cases[i + j];
        assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
        assert.equal(r.stderr.split("\n")[0], message, args.join(" "));
        assert.equal(r.stderr.split("\n")[1], "(npm run train -- --help lists the options)");
        assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");
        assert.equal(r.stdout, "", "nothing trained");
      });
    }
  });

  it("--results FILE writes the run as JSON in either profile (regression: the full profile threw for want of claims)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-train-"));
    try {
      const file = path.join(dir, "run.json");
      const r = await trainWith({ LOWBIT_PROFILE: "full" }, "--epochs", "1", "--results", file);
      assert.equal(r.code, 0, r.stderr);
      const run = JSON.parse(fs.readFileSync(file, "utf8")) as {
        args: { results: string };
        epochs: { epoch: number }[];
      };
      assert.equal(run.args.results, file);
      assert.deepEqual(
        run.epochs.map((e) => e.epoch),
        [1],
      );
      assert.deepEqual(fs.readdirSync(dir), ["run.json"], "no temporary file left");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--help prints the usage, explaining every option, and exits 0", async () => {
    const r = await train("--help");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: npm run train -- \[options\]/);
    for (const option of [
      "--model",
      "--dataset",
      "--epochs",
      "--batch",
      "--lr",
      "--eta",
      "--variant",
      "--seed",
      "--train",
      "--min-accuracy",
      "--results",
    ]) {
      assert.match(r.stdout, new RegExp(`\\n  ${option} <\\w+> +\\S`), option);
    }
    for (const line of r.stdout.split("\n")) assert.ok(line.length <= 100, line);
    assert.equal(r.stderr, "");
  });
});
