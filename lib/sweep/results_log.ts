/**
 * A sweep's results file, <output>/results.jsonl: one JSON line per (configuration, seed), written
 * exactly once, by the submitting process only (workers return records; they never write here).
 *
 * Appending protocol: the file is opened with O_APPEND and each record is one write(2) of its
 * whole line, followed by fdatasync. Rewriting the file through write-then-rename for every record
 * (lib/core/atomic_write.ts, right for files that are replaced whole) would cost O(records) per
 * record, quadratic over a sweep, for no gain: with O_APPEND a write cannot land over another, and
 * the only damage a crash or kill can do is a last line cut short. open() finds that line (the
 * file does not end in a newline), cuts it off and the run it held is redone: a line in the file
 * is a complete record, and a record is either in the file whole or not at all.
 *
 * Exactly once: the submitter keeps the set of keys in the file and append() writes a record only
 * if its key is new, so a run that two workers completed (one was thought dead and its job given
 * to another) is written once. A lock file (<output>/.lock, created with O_EXCL, holding host and
 * process id) keeps a second submitter off the folder while one runs; one whose process is gone
 * (same host) is taken over.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { SweepFailure, SweepRecord } from "./record";

export const RESULTS_FILE = "results.jsonl";
export const FAILURES_FILE = "failures.jsonl";
const LOCK_FILE = ".lock";

/** Another process holds the output folder's lock. */
export class SweepLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SweepLockedError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function acquireLock(folder: string): string {
  const lock = path.join(folder, LOCK_FILE);
  const mine = `${os.hostname()} ${process.pid}\n`;
  for (let tries = 0; tries < 2; tries++) {
    try {
      fs.writeFileSync(lock, mine, { flag: "wx" });
      return lock;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const [host, pidText] = fs.readFileSync(lock, "utf8").trim().split(" ");
    const pid = Number(pidText);
    if (host === os.hostname() && Number.isInteger(pid) && pid !== process.pid && isAlive(pid))
      throw new SweepLockedError(
        `lowbit: the sweep folder ${folder} is in use by process ${pid} on this machine; wait for it or stop it`,
      );
    if (host !== os.hostname())
      throw new SweepLockedError(
        `lowbit: the sweep folder ${folder} is in use by a process on ${host} (${lock}); if no sweep runs ` +
          `there any more, delete that file`,
      );
    // Ours from an earlier open in this process, or left by a process that is gone: take it over.
    fs.rmSync(lock, { force: true });
  }
  throw new SweepLockedError(`lowbit: could not lock the sweep folder ${folder} (${lock})`);
}

/** Complete lines of a JSON-lines file, after cutting off a last line that a killed writer left without its newline. */
function readLines(file: string, repair: boolean): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const end = text.lastIndexOf("\n") + 1;
  if (end < text.length && repair) fs.truncateSync(file, Buffer.byteLength(text.slice(0, end)));
  return text
    .slice(0, end)
    .split("\n")
    .filter((l) => l.trim() !== "");
}

/** The records of a results file (complete lines only), in the order they were written. */
export function readRecords(folder: string): SweepRecord[] {
  return parseRecords(path.join(folder, RESULTS_FILE), readLines(path.join(folder, RESULTS_FILE), false));
}

function parseRecords(file: string, lines: string[]): SweepRecord[] {
  return lines.map((line, i) => {
    try {
      const r = JSON.parse(line) as SweepRecord;
      if (typeof r.key !== "string") throw new Error("no key");
      return r;
    } catch (e) {
      throw new Error(
        `lowbit: ${file} line ${i + 1} is not a sweep record (${e instanceof Error ? e.message : e}); ` +
          `the file was changed by hand: fix or delete that line`,
        { cause: e },
      );
    }
  });
}

export class ResultsLog {
  /** The records in the file, by key (the first, should a hand-edited file hold a key twice). */
  readonly records = new Map<string, SweepRecord>();
  private fd: number | undefined;
  private readonly lock: string;

  /** Opens (creating) the results file of `folder` for appending, locks the folder, repairs a cut last line. */
  constructor(readonly folder: string) {
    fs.mkdirSync(folder, { recursive: true });
    this.lock = acquireLock(folder);
    try {
      const file = path.join(folder, RESULTS_FILE);
      for (const r of parseRecords(file, readLines(file, true)))
        if (!this.records.has(r.key)) this.records.set(r.key, r);
      readLines(path.join(folder, FAILURES_FILE), true);
      this.fd = fs.openSync(file, "a");
    } catch (e) {
      fs.rmSync(this.lock, { force: true });
      throw e;
    }
  }

  has(key: string): boolean {
    return this.records.has(key);
  }

  /** Appends `record` unless its key is written already; returns whether it wrote. */
  append(record: SweepRecord): boolean {
    if (this.records.has(record.key)) return false;
    if (this.fd === undefined) throw new Error("lowbit: the sweep's results file is closed");
    appendLine(this.fd, JSON.stringify(record));
    this.records.set(record.key, record);
    return true;
  }

  /** Appends a run that failed on every attempt to failures.jsonl (for reading; a re-run retries it). */
  appendFailure(failure: SweepFailure): void {
    const fd = fs.openSync(path.join(this.folder, FAILURES_FILE), "a");
    try {
      appendLine(fd, JSON.stringify(failure));
    } finally {
      fs.closeSync(fd);
    }
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    fs.rmSync(this.lock, { force: true });
  }
}

/** One write(2) of the whole line on an O_APPEND descriptor, then fdatasync. */
function appendLine(fd: number, json: string): void {
  const bytes = Buffer.from(`${json}\n`, "utf8");
  const written = fs.writeSync(fd, bytes);
  // A short write (a full disk) leaves a cut line, which the next open() removes.
  if (written !== bytes.length)
    throw new Error(`lowbit: wrote ${written} of ${bytes.length} bytes of a sweep record (is the disk full?)`);
  fs.fdatasyncSync(fd);
}
