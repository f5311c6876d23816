/**
 * The results file's protocol: one record per key (a duplicate append writes nothing), a last
 * line cut by a killed writer is removed on open (its run is redone), a hand-broken line is an
 * error naming it, and a second submitter is kept off a folder in use.
 */
import { after, describe, mock, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { readRecords, RESULTS_FILE, type SweepRecord } from "lowbit/sweep";
import { ResultsLog, SweepLockedError, SweepWriteError } from "../../lib/sweep/results_log";

// The fs module object itself (an `import * as` namespace is a copy): mocking its functions
// reaches every module that calls them, lib/dist's and lib's.
const nodeFs = createRequire(__filename)("node:fs") as typeof fs;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-results-log-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const record = (key: string, value: number): SweepRecord => ({
  key,
  experiment: "e",
  config: { a: value },
  seed: 0,
  metrics: { m: value },
  wallSeconds: 0.1,
  started: "2026-01-01T00:00:00.000Z",
  machine: "m",
  commit: null,
  dirty: false,
  attempt: 1,
});

describe("ResultsLog", () => {
  test("appends whole lines, one per key, and keeps them across opens", () => {
    const folder = path.join(dir, "a");
    const log = new ResultsLog(folder);
    assert.equal(log.append(record("k1", 1)), true);
    assert.equal(log.append(record("k2", 2)), true);
    assert.equal(log.append(record("k1", 3)), false, "a duplicate key is not written");
    log.close();
    const again = new ResultsLog(folder);
    assert.equal(again.append(record("k2", 4)), false);
    assert.equal(again.append(record("k3", 5)), true);
    again.close();
    const text = fs.readFileSync(path.join(folder, RESULTS_FILE), "utf8");
    assert.equal(text.split("\n").length, 4);
    assert.ok(text.endsWith("\n"));
    assert.deepEqual(
      readRecords(folder).map((r) => [r.key, r.metrics.m]),
      [
        ["k1", 1],
        ["k2", 2],
        ["k3", 5],
      ],
    );
  });

  test("a last line without its newline (a writer killed mid-write) is cut off on open", () => {
    const folder = path.join(dir, "b");
    fs.mkdirSync(folder);
    const whole = `${JSON.stringify(record("k1", 1))}\n`;
    fs.writeFileSync(path.join(folder, RESULTS_FILE), `${whole}${JSON.stringify(record("k2", 2)).slice(0, 40)}`);
    assert.deepEqual(
      readRecords(folder).map((r) => r.key),
      ["k1"],
      "readers ignore the cut line",
    );
    const log = new ResultsLog(folder);
    assert.deepEqual([...log.records.keys()], ["k1"]);
    assert.equal(fs.readFileSync(path.join(folder, RESULTS_FILE), "utf8"), whole);
    assert.equal(log.append(record("k2", 2)), true);
    log.close();
    assert.deepEqual(
      readRecords(folder).map((r) => r.key),
      ["k1", "k2"],
    );
  });

  test("a broken line inside the file is an error naming the line", () => {
    const folder = path.join(dir, "c");
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, RESULTS_FILE), `${JSON.stringify(record("k1", 1))}\n{oops\n`);
    assert.throws(() => new ResultsLog(folder), /results.jsonl line 2 is not a sweep record/);
    assert.throws(() => readRecords(folder), /line 2 is not a sweep record/);
    // The failed open released its lock.
    assert.equal(fs.existsSync(path.join(folder, ".lock")), false);
  });

  test("a folder in use by a live process is refused; a dead process's lock is taken over", async () => {
    const folder = path.join(dir, "d");
    fs.mkdirSync(folder);
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    fs.writeFileSync(path.join(folder, ".lock"), `${os.hostname()} ${sleeper.pid}\n`);
    assert.throws(() => new ResultsLog(folder), new RegExp(`in use by process ${sleeper.pid} on this machine`));
    const exited = new Promise((resolve) => sleeper.on("exit", resolve));
    sleeper.kill("SIGKILL");
    await exited;
    const log = new ResultsLog(folder);
    assert.equal(fs.readFileSync(path.join(folder, ".lock"), "utf8"), `${os.hostname()} ${process.pid}\n`);
    log.close();
    assert.equal(fs.existsSync(path.join(folder, ".lock")), false);
    fs.writeFileSync(path.join(folder, ".lock"), "another-host 123\n");
    assert.throws(() => new ResultsLog(folder), /in use by a process on another-host .*delete that file/);
  });

  test("a short write (a full disk) is cut back and fails the append; the next line and open are whole (regression)", () => {
    const folder = path.join(dir, "e");
    const log = new ResultsLog(folder);
    assert.equal(log.append(record("k1", 1)), true);
    const before = fs.readFileSync(path.join(folder, RESULTS_FILE), "utf8");
    const realWrite = nodeFs.writeSync;
    const write = mock.method(nodeFs, "writeSync", (fd: number, bytes: Uint8Array) =>
      realWrite(fd, bytes.subarray(0, 10)),
    );
    try {
      assert.throws(
        () => log.append(record("k2", 2)),
        (e: unknown) => e instanceof SweepWriteError && /wrote 10 of \d+ bytes/.test(e.message),
      );
    } finally {
      write.mock.restore();
    }
    assert.equal(fs.readFileSync(path.join(folder, RESULTS_FILE), "utf8"), before, "no torn bytes left");
    assert.equal(log.has("k2"), false);
    assert.equal(log.append(record("k3", 3)), true);
    log.close();
    const again = new ResultsLog(folder);
    assert.deepEqual([...again.records.keys()], ["k1", "k3"]);
    again.close();
  });

  test("a sync that fails after a whole write removes the line, so the key is not written twice (regression)", () => {
    const folder = path.join(dir, "f");
    const log = new ResultsLog(folder);
    const sync = mock.method(nodeFs, "fdatasyncSync", () => {
      throw Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" });
    });
    try {
      assert.throws(() => log.append(record("k1", 1)), SweepWriteError);
    } finally {
      sync.mock.restore();
    }
    assert.equal(fs.readFileSync(path.join(folder, RESULTS_FILE), "utf8"), "");
    assert.equal(log.append(record("k1", 1)), true, "written again, once");
    log.close();
    assert.deepEqual(
      readRecords(folder).map((r) => r.key),
      ["k1"],
    );
  });

  test("a second open of a folder in this process is refused while the first is open (regression: it took the lock over)", () => {
    const folder = path.join(dir, "g");
    const log = new ResultsLog(folder);
    assert.throws(() => new ResultsLog(folder), SweepLockedError);
    assert.throws(() => new ResultsLog(`${folder}${path.sep}.`), /a sweep of this process is writing to/);
    assert.equal(fs.readFileSync(path.join(folder, ".lock"), "utf8"), `${os.hostname()} ${process.pid}\n`);
    log.close();
    new ResultsLog(folder).close();
  });

  test("a stale lock another process takes over first is not taken from it (regression: both held the folder)", () => {
    const folder = path.join(dir, "h");
    fs.mkdirSync(folder);
    const lock = path.join(folder, ".lock");
    // A process that is gone: a child that has exited.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    fs.writeFileSync(lock, `${os.hostname()} ${dead}\n`);
    // Another live process (this one's parent stands for it) takes the stale lock over right after
    // this open has read it.
    const other = `${os.hostname()} ${process.ppid}\n`;
    const realRead = nodeFs.readFileSync;
    const read = mock.method(nodeFs, "readFileSync", (file: fs.PathOrFileDescriptor, options?: unknown) => {
      const text = realRead(file, options as BufferEncoding);
      if (file === lock && read.mock.callCount() === 0) {
        fs.rmSync(lock);
        fs.writeFileSync(lock, other, { flag: "wx" });
      }
      return text;
    });
    try {
      assert.throws(() => new ResultsLog(folder), new RegExp(`in use by process ${process.ppid} on this machine`));
    } finally {
      read.mock.restore();
    }
    assert.equal(fs.readFileSync(lock, "utf8"), other, "the other process keeps its lock");
    assert.deepEqual(
      fs.readdirSync(folder).filter((f) => f.startsWith(".lock")),
      [".lock"],
      "no temporary files left",
    );
  });
});
