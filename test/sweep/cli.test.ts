/**
 * `lowbit sweep` and `lowbit worker` on the command line: JSON and text output, a re-run that adds
 * nothing, exit code 1 for failed runs and for Ctrl-C (which stops the workers and keeps what
 * finished), exit code 2 for a wrong command line or spec, each named.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readRecords } from "lowbit/sweep";
import { runProcess } from "../run_process";

const LOWBIT = path.resolve(__dirname, "..", "..", "lib", "bin", "lowbit.js");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-sweep-cli-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const lowbit = (...args: string[]) => runProcess(process.execPath, [LOWBIT, ...args]);

function specFile(name: string, spec: object): string {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(spec));
  return file;
}

describe("lowbit sweep", () => {
  test("--json: counts and summary rows; output relative to the spec file; a re-run adds nothing", async () => {
    const file = specFile("four", {
      experiment: "least-squares-sgd",
      grid: { rounding: ["nearest", "stochastic"] },
      base: { steps: 200 },
      seeds: { count: 2 },
      output: "four-out",
    });
    const r = await lowbit("sweep", file, "--workers", "2", "--json");
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.output, path.join(dir, "four-out"));
    assert.deepEqual(
      [out.total, out.recorded, out.ran, out.skipped, out.failed, out.interrupted],
      [4, 4, 4, 0, 0, false],
    );
    assert.deepEqual(
      out.summary.map((s: { configuration: string; metric: string; n: number }) => [s.configuration, s.metric, s.n]),
      [
        ["rounding=nearest", "excessRisk", 2],
        ["rounding=stochastic", "excessRisk", 2],
        ["rounding=nearest", "rmsWeightError", 2],
        ["rounding=stochastic", "rmsWeightError", 2],
      ],
    );
    const again = await lowbit("sweep", file, "--metric", "excessRisk", "--no-progress");
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^4 of 4 runs recorded \(0 now, 4 before\): .*four-out\/results.jsonl\n/);
    assert.match(
      again.stdout,
      /excessRisk \(mean, sd and 95% interval of the mean over seeds\)\nconfiguration +n +mean +sd +low +high\n/,
    );
    assert.doesNotMatch(again.stdout, /rmsWeightError/);
    assert.equal(readRecords(path.join(dir, "four-out")).length, 4);
  });

  test("a run that fails on every attempt: counted on the bar, exit code 1, the failures file named", async () => {
    const file = specFile("bad-config", {
      experiment: "least-squares-sgd",
      configurations: [{ stepz: 3 }],
      seeds: [0],
      output: "bad-out",
      retries: 0,
    });
    const r = await lowbit("sweep", file, "--workers", "1");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /sweep least-squares-sgd 100% 1\/1 \d+s<0s 1 failed\n/, "the bar counts failures");
    assert.match(r.stderr, /error: 1 run\(s\) failed on every attempt \(their errors: .*bad-out\/failures.jsonl\)/);
    assert.match(
      fs.readFileSync(path.join(dir, "bad-out", "failures.jsonl"), "utf8"),
      /has no configuration key \\"stepz\\"/,
    );
  });

  test("Ctrl-C stops the workers, keeps the finished runs, exits 1; the next run continues", async () => {
    const file = specFile("long", {
      experiment: "least-squares-sgd",
      grid: { learningRate: [0.01, 0.02, 0.03, 0.04] },
      base: { steps: 40000 },
      seeds: { count: 3 },
      output: "long-out",
    });
    const child = spawn(process.execPath, [LOWBIT, "sweep", file, "--workers", "2"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const start = Date.now();
    while (!/sweep least-squares-sgd \d+% 1\/12/.test(stderr) && Date.now() - start < 30000)
      await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGINT");
    assert.equal(await exited, 1, stderr);
    assert.match(stderr, /sweep interrupted: \d+ of 12 runs recorded/);
    assert.match(stderr, /error: the sweep was interrupted; running it again continues it/);
    const kept = readRecords(path.join(dir, "long-out")).length;
    assert.ok(kept >= 1 && kept < 12, `${kept} kept`);
    const rest = await lowbit("sweep", file, "--workers", "2", "--json", "--no-progress");
    assert.equal(rest.code, 0, rest.stderr);
    assert.deepEqual([JSON.parse(rest.stdout).skipped, JSON.parse(rest.stdout).ran], [kept, 12 - kept]);
  });

  test("--list names lowbit's experiments", async () => {
    const r = await lowbit("sweep", "--list", "--json");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).experiments.map((e: { name: string }) => e.name),
      [
        "least-squares-sgd",
        "mnist-mlp",
        "dfp-lenet",
        "dfp-seq2seq",
        "wage-lenet",
        "sq-vgg",
        "qnn-mlp-mnist",
        "char-lstm-devil",
        "accumulation-cnn",
        "fp8-mlp",
        "recipe-lm-devil",
        "recipe-mlp-fashion",
      ],
    );
  });

  test("a wrong command line or spec: exit code 2 and a line naming it", async () => {
    const spec = specFile("typo", { experiment: "least-squares-sgd", grid: { steps: [1] }, seed: [0], output: "o" });
    const cases: [string[], RegExp][] = [
      [["sweep"], /error: the spec file is required: lowbit sweep <spec.json>/],
      [["sweep", spec], /error: sweep spec has an unknown field "seed"; the fields are experiment, module, grid/],
      [["sweep", spec, "--workers", "0"], /error: --workers must be an integer in \[1, 1024\]; got "0"/],
      [
        ["sweep", spec, "--workers", "2", "--queue", "redis://h:1"],
        /option '--workers <n>' cannot be used with option '--queue <url>'/,
      ],
      [["sweep", spec, "--queue", "localhost:6379"], /sweep queue must be a Redis URL redis:\/\/host:port/],
      [["worker"], /error: --queue is required: lowbit worker --queue redis:\/\/host:port/],
      [["worker", "--queue", "http://h:1"], /error: --queue must be a Redis URL/],
      [
        ["worker", "--queue", "redis://h:1", "--concurrency", "0"],
        /error: --concurrency must be an integer in \[1, 256\]; got "0"/,
      ],
      [
        ["worker", "--queue", "redis://h:1", "--lock-duration", "5"],
        /error: --lock-duration must be an integer in \[100, 2\^31 - 1\]; got "5"/,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => lowbit(...args)));
    for (const [i, [args, message]] of cases.entries()) {
      assert.equal(results[i].code, 2, `${args.join(" ")}: ${results[i].stderr}`);
      assert.match(results[i].stderr, message, args.join(" "));
    }
  });
});
