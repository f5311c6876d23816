/**
 * Sweeps through a BullMQ queue on a Redis server started here: 12 runs, 2 `lowbit worker`
 * processes, one of them SIGKILLed while it runs a job. The killed worker's job is retried by the
 * other once its lock expires (lock 1 s, stalled-job checks every 0.5 s); the results file holds
 * exactly one record per (configuration, seed), with the metrics the experiment computes; a re-run
 * adds nothing and leaves no job behind in Redis. Skipped, with a message, without redis-server.
 */
import { after, before, describe, mock, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import IORedis from "ioredis";
import { checkSweepSpec, leastSquaresSgd, readRecords, type SweepSpec, sweep, sweepRuns } from "lowbit/sweep";
import { NOT_INSTALLED, type RedisServer, redisServerInstalled, startRedisServer } from "./redis_server";

const LOWBIT = path.resolve(__dirname, "..", "..", "lib", "bin", "lowbit.js");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-sweep-queue-"));
// The fs module object itself (an `import * as` namespace is a copy), to make a write fail in lib/dist.
const nodeFs = createRequire(__filename)("node:fs") as typeof fs;

interface WorkerProcess {
  child: ChildProcess;
  log: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWorker(url: string): WorkerProcess {
  const child = spawn(
    process.execPath,
    [LOWBIT, "worker", "--queue", url, "--lock-duration", "1000", "--stalled-interval", "500"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    log += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, log: () => log, exited };
}

async function until(what: string, condition: () => boolean, timeoutMs = 30000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("sweep on a Redis queue", { skip: redisServerInstalled ? false : NOT_INSTALLED }, () => {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedisServer();
  });
  after(async () => {
    await redis?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("12 runs, 2 workers, one SIGKILLed mid-run: exactly one record per (configuration, seed); a re-run adds nothing", async () => {
    const output = path.join(dir, "twelve");
    const spec: SweepSpec = {
      experiment: "least-squares-sgd",
      grid: { rounding: ["nearest", "stochastic"], learningRate: [0.01, 0.02] },
      // About 0.2 s per run, so that the kill lands inside one.
      base: { steps: 30000, format: { kind: "fixed", bits: 12, frac: 10 } },
      seeds: [0, 1, 2],
      output,
    };
    const a = startWorker(redis.url),
      b = startWorker(redis.url);
    try {
      await until("both workers to connect", () => a.log().includes("pulling") && b.log().includes("pulling"));
      const running = sweep(spec, { queue: redis.url, progress: false });
      // Kill worker a while it runs its first job (its own process group: no clean-up of any kind).
      await until("worker a to start a job", () => a.log().includes("started"));
      a.child.kill("SIGKILL");
      const killed = await a.exited;
      assert.equal(killed.signal, "SIGKILL");
      const result = await running;
      assert.deepEqual(result.failures, []);
      assert.equal(result.ran, 12);
      const keys = sweepRuns(checkSweepSpec(spec)).map((r) => r.key);
      const written = readRecords(output);
      assert.equal(written.length, 12, "one line per run");
      assert.deepEqual(new Set(written.map((r) => r.key)), new Set(keys));
      const killedJob = /started (\w+) /.exec(a.log())![1];
      assert.match(
        b.log(),
        new RegExp(`started ${killedJob} .* attempt 2`),
        "worker b ran the job worker a was running",
      );
      assert.equal(written.find((r) => r.key.startsWith(killedJob))!.attempt, 2);
      for (const r of written.slice(0, 3)) assert.deepEqual(r.metrics, leastSquaresSgd(r.config, { seed: r.seed }));
      assert.ok(written.every((r) => r.machine === os.hostname()));

      const again = await sweep(spec, { queue: redis.url, progress: false });
      assert.equal(again.ran, 0);
      assert.equal(again.skipped, 12);
      assert.equal(readRecords(output).length, 12);
      // Every job's record is written, so Redis keeps none of them.
      const client = new IORedis(redis.url);
      try {
        const jobs = (await client.keys("bull:lowbit-sweeps:*")).filter((k) => /-[0-9a-f]{32}$/.test(k));
        assert.deepEqual(jobs, []);
      } finally {
        client.disconnect();
      }
    } finally {
      for (const w of [a, b]) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGTERM");
      const stopped = await b.exited;
      assert.equal(stopped.code, 0, `worker b stops cleanly on SIGTERM: ${b.log()}`);
    }
  });

  test("a submitter interrupted while jobs wait: its waiting jobs are removed; the re-run finishes the sweep", async () => {
    const output = path.join(dir, "resume");
    const spec: SweepSpec = {
      experiment: "least-squares-sgd",
      grid: { learningRate: [0.01, 0.02, 0.03] },
      base: { steps: 20000 },
      seeds: [0, 1],
      output,
    };
    const w = startWorker(redis.url);
    try {
      const controller = new AbortController();
      const first = await sweep(spec, {
        queue: redis.url,
        progress: false,
        signal: controller.signal,
        onRecord: () => controller.abort(),
      });
      assert.equal(first.interrupted, true);
      assert.ok(first.records.length >= 1 && first.records.length < 6);
      const second = await sweep(spec, { queue: redis.url, progress: false });
      assert.equal(second.records.length, 6);
      assert.equal(readRecords(output).length, 6);
      assert.equal(new Set(readRecords(output).map((r) => r.key)).size, 6);
    } finally {
      w.child.kill("SIGTERM");
      await w.exited;
    }
  });

  test("a run that fails on every attempt: reported with the experiment's error, not recorded; the re-run tries again", async () => {
    const output = path.join(dir, "failing");
    const spec: SweepSpec = {
      experiment: "least-squares-sgd",
      configurations: [{ steps: 10 }, { stepz: 10 }],
      seeds: [0],
      output,
      retries: 1,
    };
    const w = startWorker(redis.url);
    try {
      for (let round = 0; round < 2; round++) {
        const result = await sweep(spec, { queue: redis.url, progress: false });
        assert.equal(result.records.length, 1);
        assert.equal(result.failures.length, 1, `round ${round}`);
        assert.equal(result.failures[0].attempts, 2);
        assert.match(result.failures[0].error, /has no configuration key "stepz"/);
      }
      assert.equal(readRecords(output).length, 1);
      assert.equal(fs.readFileSync(path.join(output, "failures.jsonl"), "utf8").trim().split("\n").length, 2);
    } finally {
      w.child.kill("SIGTERM");
      await w.exited;
    }
  });

  test("a record that cannot be written fails the sweep, and its job's record is kept for the re-run (regression: lost)", async () => {
    const output = path.join(dir, "write-fails");
    const spec: SweepSpec = {
      experiment: "least-squares-sgd",
      configurations: [{ steps: 10 }, { steps: 20 }, { steps: 30 }],
      seeds: [0],
      output,
    };
    const w = startWorker(redis.url);
    const realWrite = nodeFs.writeSync;
    let failed = 0;
    const write = mock.method(nodeFs, "writeSync", (fd: number, bytes: Uint8Array) => {
      if (failed === 0 && Buffer.from(bytes).toString("utf8").includes('"wallSeconds"')) {
        failed++;
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      }
      return realWrite(fd, bytes);
    });
    try {
      await assert.rejects(
        sweep(spec, { queue: redis.url, progress: false }),
        (e: Error) => e.name === "SweepWriteError" && /ENOSPC/.test(e.message),
      );
      write.mock.restore();
      assert.equal(failed, 1);
      assert.deepEqual(
        fs.readdirSync(output).filter((f) => f.startsWith(".lock")),
        [],
        "the lock is released",
      );
      const again = await sweep(spec, { queue: redis.url, progress: false });
      assert.deepEqual(again.failures, []);
      assert.equal(again.records.length, 3);
      assert.equal(readRecords(output).length, 3);
      assert.equal(new Set(readRecords(output).map((r) => r.key)).size, 3);
    } finally {
      write.mock.restore();
      w.child.kill("SIGTERM");
      await w.exited;
    }
  });

  test("no Redis at the URL: an error that says so, at once", async () => {
    await assert.rejects(
      sweep(
        { experiment: "least-squares-sgd", grid: { steps: [1] }, seeds: [0], output: path.join(dir, "none") },
        { queue: "redis://127.0.0.1:1", progress: false },
      ),
      /no Redis server answers at redis:\/\/127.0.0.1:1 .*start one/,
    );
  });
});
