/**
 * Sweeps on local worker processes: a 12-run sweep with 2 workers gives exactly one record per
 * (configuration, seed), the same metrics as the experiment called directly (bit for bit) and as
 * one worker; a re-run adds nothing; a worker killed mid-run has its run retried in a fresh
 * process; a run that always fails is reported and retried by the next run of the sweep; an
 * interrupted sweep keeps what finished and continues.
 */
import { after, describe, mock, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { childExecArgv } from "../../lib/sweep/child_runner";
import { leastSquaresSgd, readRecords, type SweepSpec, sweep, sweepRuns, checkSweepSpec } from "lowbit/sweep";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-sweep-local-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const FIXTURES = path.join(__dirname, "fixtures");
const ROOT = path.resolve(__dirname, "..", "..");
// The fs module object itself (an `import * as` namespace is a copy), to make a write fail in lib/dist.
const nodeFs = createRequire(__filename)("node:fs") as typeof fs;

const twelve = (output: string): SweepSpec => ({
  experiment: "least-squares-sgd",
  grid: {
    rounding: ["nearest", "stochastic"],
    format: [
      { kind: "fixed", bits: 6, frac: 4 },
      { kind: "fixed", bits: 10, frac: 8 },
    ],
  },
  base: { steps: 400, learningRate: 0.02 },
  seeds: [0, 1, 2],
  output,
});

const lines = (folder: string) => fs.readFileSync(path.join(folder, "results.jsonl"), "utf8").split("\n").slice(0, -1);

describe("sweep on local workers", () => {
  test("12 runs on 2 workers: one record per (configuration, seed), as the experiment computes it; a re-run adds nothing", async () => {
    const output = path.join(dir, "twelve");
    const result = await sweep(twelve(output), { workers: 2, progress: false });
    assert.equal(result.total, 12);
    assert.equal(result.ran, 12);
    assert.equal(result.skipped, 0);
    assert.deepEqual(result.failures, []);
    assert.equal(result.interrupted, false);
    const keys = sweepRuns(checkSweepSpec(twelve(output))).map((r) => r.key);
    assert.deepEqual(
      result.records.map((r) => r.key),
      keys,
    );
    const written = readRecords(output);
    assert.equal(lines(output).length, 12);
    assert.deepEqual(new Set(written.map((r) => r.key)), new Set(keys));
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    for (const r of written) {
      assert.deepEqual(r.metrics, leastSquaresSgd(r.config, { seed: r.seed }), "same bits as a direct call");
      assert.equal(r.machine, os.hostname());
      assert.equal(r.commit, commit);
      assert.equal(typeof r.dirty, "boolean");
      assert.equal(r.attempt, 1);
      assert.ok(r.wallSeconds > 0 && r.wallSeconds < 60);
      assert.ok(!Number.isNaN(Date.parse(r.started)));
    }
    assert.equal(result.rows.length, 12);
    assert.equal(result.rows[0].configuration, "rounding=nearest, format=fixed<6,4>");
    assert.equal(result.rows[0].excessRisk, result.records[0].metrics.excessRisk);

    const before = fs.readFileSync(path.join(output, "results.jsonl"));
    const again = await sweep(twelve(output), { workers: 2, progress: false });
    assert.equal(again.ran, 0);
    assert.equal(again.skipped, 12);
    assert.deepEqual(fs.readFileSync(path.join(output, "results.jsonl")), before);
    assert.deepEqual(again.records, result.records);

    const one = await sweep(twelve(path.join(dir, "twelve-1")), { workers: 1, progress: false });
    assert.deepEqual(
      one.records.map((r) => r.metrics),
      result.records.map((r) => r.metrics),
      "one worker or two: the same metrics",
    );
  });

  test("a worker process killed mid-run: the run is retried in a fresh one, recorded once, as attempt 2", async () => {
    const markers = fs.mkdtempSync(path.join(dir, "markers-"));
    const output = path.join(dir, "die-once");
    const spec: SweepSpec = {
      experiment: "dieOnce",
      module: path.join(FIXTURES, "user_experiments.cjs"),
      grid: { x: [1, 2], markers: [markers] },
      seeds: [0, 1],
      output,
    };
    const result = await sweep(spec, { workers: 2, progress: false });
    assert.deepEqual(result.failures, []);
    assert.equal(result.records.length, 4);
    assert.equal(lines(output).length, 4);
    for (const r of result.records) {
      assert.equal(r.attempt, 2);
      assert.deepEqual(r.metrics, { value: (r.config.x as number) + r.seed });
      assert.equal(r.module, spec.module);
    }
  });

  test("a run that fails on every attempt is reported in failures.jsonl, not recorded, and retried by the next run", async () => {
    const output = path.join(dir, "broken");
    const spec: SweepSpec = {
      experiment: "broken",
      module: "./fixtures/user_experiments.cjs",
      configurations: [{ x: 1 }],
      seeds: [5],
      output,
      retries: 1,
    };
    const result = await sweep(spec, { workers: 1, progress: false, baseDir: __dirname });
    assert.equal(result.records.length, 0);
    assert.equal(result.failures.length, 1);
    assert.equal(result.failures[0].attempts, 2);
    assert.match(result.failures[0].error, /this experiment is broken/);
    assert.equal(lines(output).length, 0);
    const failures = fs.readFileSync(path.join(output, "failures.jsonl"), "utf8").trim().split("\n");
    assert.equal(failures.length, 1);
    assert.equal(JSON.parse(failures[0]).seed, 5);
    const again = await sweep(spec, { workers: 1, progress: false, baseDir: __dirname });
    assert.equal(again.failures.length, 1, "tried again");
  });

  test("an interrupted sweep keeps the finished runs and continues from them when run again", async () => {
    const output = path.join(dir, "interrupted");
    const spec: SweepSpec = { ...twelve(output), base: { steps: 6000, learningRate: 0.02 } };
    const controller = new AbortController();
    const first = await sweep(spec, {
      workers: 2,
      progress: false,
      signal: controller.signal,
      onRecord: () => controller.abort(),
    });
    assert.equal(first.interrupted, true);
    assert.ok(first.records.length >= 1 && first.records.length < 12, `${first.records.length} recorded`);
    assert.equal(lines(output).length, first.records.length);
    const second = await sweep(spec, { workers: 2, progress: false });
    assert.equal(second.skipped, first.records.length);
    assert.equal(second.ran, 12 - first.records.length);
    assert.equal(lines(output).length, 12);
    assert.equal(new Set(readRecords(output).map((r) => r.key)).size, 12);
  });

  test("worker processes inherit loaders and memory limits, not `node -e`'s script (regression: every worker ran it)", () => {
    assert.deepEqual(
      childExecArgv([
        "-e",
        "require('lowbit').sweep(...)",
        "--import",
        "tsx",
        "--require=./setup.js",
        "--max-old-space-size=4096",
        "--test",
        "--inspect=9229",
        "--test-reporter",
        "spec",
        "-r",
        "x",
      ]),
      ["--import", "tsx", "--require=./setup.js", "--max-old-space-size=4096", "-r", "x"],
    );
    const script =
      `require("lowbit/sweep").sweep({ experiment: "least-squares-sgd", configurations: [{ steps: 10 }], seeds: [0, 1], ` +
      `output: ${JSON.stringify(path.join(dir, "eval"))} }, { workers: 2, progress: false })` +
      `.then((r) => console.log("recorded", r.records.length))`;
    const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", timeout: 30000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "recorded 2\n");
  });

  test("options are checked: workers and the queue URL", async () => {
    await assert.rejects(
      sweep(twelve(path.join(dir, "x")), { workers: 0 }),
      /sweep workers must be an integer in \[1, 1024\]; got 0/,
    );
    await assert.rejects(
      sweep(twelve(path.join(dir, "x")), { queue: "http://localhost:6379" }),
      /sweep queue must be a Redis URL redis:\/\/host:port/,
    );
    await assert.rejects(sweep(path.join(dir, "missing.json")), /cannot read the sweep spec/);
  });

  test("a record that cannot be written fails the sweep; the run is not redone (regression: a retry wrote it twice)", async () => {
    const output = path.join(dir, "write-fails");
    const spec: SweepSpec = {
      experiment: "square",
      module: path.join(FIXTURES, "user_experiments.cjs"),
      configurations: [{ x: 1 }, { x: 2 }, { x: 3 }, { x: 4 }],
      seeds: [0],
      output,
      retries: 2,
    };
    const realWrite = nodeFs.writeSync;
    let failed = 0;
    const write = mock.method(nodeFs, "writeSync", (fd: number, bytes: Uint8Array) => {
      if (failed === 0 && Buffer.from(bytes).toString("utf8").includes('"wallSeconds"')) {
        failed++;
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      }
      return realWrite(fd, bytes);
    });
    const recorded: string[] = [];
    try {
      await assert.rejects(
        sweep(spec, { workers: 2, progress: false, baseDir: __dirname, onRecord: (r) => recorded.push(r.key) }),
        (e: Error) => e.name === "SweepWriteError" && /ENOSPC/.test(e.message),
      );
    } finally {
      write.mock.restore();
    }
    assert.equal(failed, 1);
    assert.equal(lines(output).length, recorded.length, "the file holds the records reported, whole");
    assert.equal(fs.existsSync(path.join(output, "failures.jsonl")), false, "no run reported failed");
    assert.deepEqual(
      fs.readdirSync(output).filter((f) => f.startsWith(".lock")),
      [],
      "the lock is released",
    );
    const again = await sweep(spec, { workers: 2, progress: false, baseDir: __dirname });
    assert.equal(again.ran + again.skipped, 4);
    assert.equal(lines(output).length, 4);
    assert.equal(new Set(readRecords(output).map((r) => r.key)).size, 4);
  });

  test("a second sweep into a folder a sweep of this process is writing to is refused (regression: both wrote)", async () => {
    const output = path.join(dir, "twice");
    const first = sweep(twelve(output), { workers: 1, progress: false });
    await assert.rejects(
      sweep(twelve(output), { workers: 1, progress: false }),
      (e: Error) => e.name === "SweepLockedError",
    );
    const result = await first;
    assert.equal(result.ran, 12);
    assert.equal(lines(output).length, 12);
  });

  test("SIGINT is taken over after the caller's turn, stops the sweep, and is given back (regression: added synchronously)", async () => {
    const output = path.join(dir, "sigint");
    const spec: SweepSpec = { ...twelve(output), base: { steps: 6000, learningRate: 0.02 } };
    const listeners = process.listeners("SIGINT");
    let sent = false;
    const running = sweep(spec, {
      workers: 2,
      progress: false,
      onRecord: () => {
        if (!sent) process.kill(process.pid, "SIGINT");
        sent = true;
      },
    });
    // tslab drops SIGINT listeners added in a cell's synchronous part.
    assert.deepEqual(process.listeners("SIGINT"), listeners, "no listener added synchronously");
    const result = await running;
    assert.equal(result.interrupted, true);
    assert.ok(result.records.length >= 1 && result.records.length < 12, `${result.records.length} recorded`);
    assert.deepEqual(process.listeners("SIGINT"), listeners, "the process's listeners are back");
  });
});
