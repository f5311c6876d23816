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
import { runProcess } from "../run_process";

// The fs module object itself (an `import * as` namespace is a copy): mocking its functions
// reaches every module that calls them, lib/dist's and lib's.
const nodeFs = createRequire(__filename)("node:fs") as typeof fs;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-results-log-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The lock files (and temporary files) in `folder`. */
const lockFiles = (folder: string) => fs.readdirSync(folder).filter((f) => f.startsWith(".lock"));
/** The lock file of process `pid` on this machine, as acquireLock names it. */
const lockOf = (folder: string, pid: number) => path.join(folder, `.lock.${os.hostname()}.${pid}`);

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
    assert.deepEqual(lockFiles(folder), []);
  });

  test("a folder in use by a live process is refused; a dead process's lock is taken over", async () => {
    const folder = path.join(dir, "d");
    fs.mkdirSync(folder);
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    fs.writeFileSync(lockOf(folder, sleeper.pid!), `${os.hostname()} ${sleeper.pid}\n`);
    assert.throws(() => new ResultsLog(folder), new RegExp(`in use by process ${sleeper.pid} on this machine`));
    assert.deepEqual(
      lockFiles(folder),
      [path.basename(lockOf(folder, sleeper.pid!))],
      "the live lock is kept, ours removed",
    );
    const exited = new Promise((resolve) => sleeper.on("exit", resolve));
    sleeper.kill("SIGKILL");
    await exited;
    const log = new ResultsLog(folder);
    assert.deepEqual(lockFiles(folder), [path.basename(lockOf(folder, process.pid))]);
    assert.equal(fs.readFileSync(lockOf(folder, process.pid), "utf8"), `${os.hostname()} ${process.pid}\n`);
    log.close();
    assert.deepEqual(lockFiles(folder), []);
    fs.writeFileSync(path.join(folder, ".lock.another-host.123"), "another-host 123\n");
    assert.throws(() => new ResultsLog(folder), /in use by a process on another-host .*delete that file/);
    assert.deepEqual(lockFiles(folder), [".lock.another-host.123"]);
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
    assert.equal(fs.readFileSync(lockOf(folder, process.pid), "utf8"), `${os.hostname()} ${process.pid}\n`);
    log.close();
    new ResultsLog(folder).close();
  });

  test("a stale lock another process takes over first is not taken from it (regression: both held the folder)", () => {
    const folder = path.join(dir, "h");
    fs.mkdirSync(folder);
    // A process that is gone: a child that has exited.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    fs.writeFileSync(lockOf(folder, dead), `${os.hostname()} ${dead}\n`);
    // Another live process (this one's parent stands for it) takes the stale lock over right after
    // this open has put its own lock in, before it reads the others.
    const other = lockOf(folder, process.ppid);
    const realList = nodeFs.readdirSync;
    const list = mock.method(nodeFs, "readdirSync", (...args: Parameters<typeof fs.readdirSync>) => {
      if (args[0] === folder && list.mock.callCount() === 0) {
        fs.rmSync(lockOf(folder, dead));
        fs.writeFileSync(other, `${os.hostname()} ${process.ppid}\n`, { flag: "wx" });
      }
      return realList(...args);
    });
    try {
      assert.throws(() => new ResultsLog(folder), new RegExp(`in use by process ${process.ppid} on this machine`));
    } finally {
      list.mock.restore();
    }
    assert.deepEqual(
      lockFiles(folder),
      [path.basename(other)],
      "the other process keeps its lock; no files of ours left",
    );
  });

  test("two openers at once never both hold the folder: each puts its lock in before reading the others'", () => {
    const folder = path.join(dir, "i");
    fs.mkdirSync(folder);
    // A live process (the parent) puts its lock in while this open is between its own and its read:
    // it will read ours and back off; this open reads its and backs off too. Neither holds.
    const other = lockOf(folder, process.ppid);
    const realRename = nodeFs.renameSync;
    const rename = mock.method(nodeFs, "renameSync", (...args: Parameters<typeof fs.renameSync>) => {
      realRename(...args);
      if (rename.mock.callCount() === 0) fs.writeFileSync(other, `${os.hostname()} ${process.ppid}\n`);
    });
    try {
      assert.throws(() => new ResultsLog(folder), SweepLockedError);
    } finally {
      rename.mock.restore();
    }
    fs.rmSync(other);
    assert.deepEqual(lockFiles(folder), []);
    new ResultsLog(folder).close();
  });

  test("a lock file left by a gone process with this process's pid is replaced, not refused", () => {
    const folder = path.join(dir, "j");
    fs.mkdirSync(folder);
    fs.writeFileSync(lockOf(folder, process.pid), `${os.hostname()} ${process.pid}\n`);
    const log = new ResultsLog(folder);
    log.close();
    assert.deepEqual(lockFiles(folder), []);
  });
});

describe("ResultsLog lock across processes", () => {
  test("six processes opening one folder with a stale lock at once: never two holders", async () => {
    const folder = path.join(dir, "k");
    fs.mkdirSync(folder);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    fs.writeFileSync(lockOf(folder, dead), `${os.hostname()} ${dead}\n`);
    // Each child opens the log as soon as the start file appears, holds it 300 ms if it got it, and
    // prints when it held it (or that it was refused).
    const source = path.resolve(__dirname, "..", "..", "lib", "sweep", "results_log.ts");
    const start = path.join(dir, "k-start");
    const script = `
      const fs = require("node:fs");
      const { ResultsLog } = require(${JSON.stringify(source)});
      while (!fs.existsSync(${JSON.stringify(start)})) {}
      let log;
      try { log = new ResultsLog(${JSON.stringify(folder)}); } catch (e) { console.log(JSON.stringify({ refused: e.name })); process.exit(0); }
      const from = Date.now();
      while (Date.now() - from < 300) {}
      const to = Date.now();
      log.close();
      console.log(JSON.stringify({ from, to }));`;
    const children = Array.from({ length: 6 }, () => runProcess(process.execPath, ["--import", "tsx", "-e", script]));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    fs.writeFileSync(start, "");
    const results = (await Promise.all(children)).map((r) => {
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as { from?: number; to?: number; refused?: string };
    });
    assert.ok(results.every((r) => r.refused === undefined || r.refused === "SweepLockedError"));
    const held = results.filter((r) => r.from !== undefined).sort((a, b) => a.from! - b.from!);
    assert.ok(held.length >= 1, "one process at least held the folder");
    for (let i = 1; i < held.length; i++)
      assert.ok(held[i].from! >= held[i - 1].to!, "two processes held the folder at once");
    assert.deepEqual(lockFiles(folder), [], "every lock released, the stale one removed");
  });
});
