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
 * to another) is written once. A lock file per submitting process (<output>/.lock.<host>.<pid>)
 * keeps a second submitter off the folder while one runs; the file of a process that is gone (same
 * host) is deleted (acquireLock). A second open in the same process is refused while the first is
 * open.
 *
 * A write that fails (a full disk, a failed sync) is cut back to the last whole line and ends the
 * sweep with SweepWriteError: retried, it could write a key twice or glue a line to torn bytes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isProcessAlive } from "../core/process_alive";
import type { SweepFailure, SweepRecord } from "./record";

export const RESULTS_FILE = "results.jsonl";
export const FAILURES_FILE = "failures.jsonl";
/** Lock files are named .lock.<host>.<pid>, one per process that opens the folder. */
export const LOCK_PREFIX = ".lock.";

/** Another process holds the output folder's lock, or a sweep of this process writes to the folder. */
export class SweepLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SweepLockedError";
  }
}

/** Writing a record failed (the file was cut back to its last whole line); the sweep stops. */
export class SweepWriteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SweepWriteError";
  }
}

/**
 * Folders (resolved) with a ResultsLog open in this process. The lock file cannot tell a second
 * open in this process from a lock this process left: in a notebook, a sweep cell run again while
 * the first run goes on in the background (tslab ends an interrupted cell at once) must be refused.
 */
const openFolders = new Set<string>();

let temporaryCounter = 0;

/**
 * Locks `folder` by mutual exclusion over per-process lock files: this process first puts in its
 * own, .lock.<host>.<pid> holding "<host> <pid>" (written whole, then linked in), and only then
 * reads the others. Of two openers at once, the later reader sees the earlier one's file, so two
 * can never both hold the folder (both may back off). The file of a process that is gone (same
 * host) is deleted: no one else can be using it. A live process's file, or another host's, is
 * never touched, and this opener backs off. Returns the path of this process's lock file.
 */
function acquireLock(folder: string): string {
  const host = os.hostname();
  const content = `${host} ${process.pid}\n`;
  const mine = path.join(folder, `${LOCK_PREFIX}${host}.${process.pid}`);
  const temporary = path.join(folder, `.lock-tmp.${process.pid}.${temporaryCounter++}`);
  fs.writeFileSync(temporary, content, { flag: "wx" });
  try {
    // A file of this name left by a gone process with this pid (this process's own open logs are
    // in openFolders) is replaced.
    fs.renameSync(temporary, mine);
  } catch (e) {
    fs.rmSync(temporary, { force: true });
    throw e;
  }
  for (const name of fs.readdirSync(folder)) {
    if (!name.startsWith(LOCK_PREFIX)) continue;
    const file = path.join(folder, name);
    if (file === mine) continue;
    const held = readLock(file);
    if (held === undefined) continue;
    const [otherHost, pidText] = held.trim().split(" ");
    const pid = Number(pidText);
    if (otherHost === host && Number.isInteger(pid) && pid !== process.pid && !isProcessAlive(pid)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    fs.rmSync(mine, { force: true });
    throw new SweepLockedError(
      otherHost === host
        ? `lowbit: the sweep folder ${folder} is in use by process ${pid} on this machine; wait for it or stop it`
        : `lowbit: the sweep folder ${folder} is in use by a process on ${otherHost} (${file}); if no sweep runs ` +
            `there any more, delete that file`,
    );
  }
  return mine;
}

/** A lock file's content, or undefined if it is gone. */
function readLock(lock: string): string | undefined {
  try {
    return fs.readFileSync(lock, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
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
    const resolved = path.resolve(folder);
    if (openFolders.has(resolved))
      throw new SweepLockedError(
        `lowbit: a sweep of this process is writing to ${folder} (a cell run earlier still running?); ` +
          `wait for it or interrupt it`,
      );
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
    openFolders.add(resolved);
  }

  has(key: string): boolean {
    return this.records.has(key);
  }

  /** Appends `record` unless its key is written already; returns whether it wrote. Throws SweepWriteError. */
  append(record: SweepRecord): boolean {
    if (this.records.has(record.key)) return false;
    if (this.fd === undefined) throw new Error("lowbit: the sweep's results file is closed");
    appendLine(this.fd, JSON.stringify(record), path.join(this.folder, RESULTS_FILE));
    this.records.set(record.key, record);
    return true;
  }

  /** Appends a run that failed on every attempt to failures.jsonl (for reading; a re-run retries it). */
  appendFailure(failure: SweepFailure): void {
    const file = path.join(this.folder, FAILURES_FILE);
    const fd = fs.openSync(file, "a");
    try {
      appendLine(fd, JSON.stringify(failure), file);
    } finally {
      fs.closeSync(fd);
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
    fs.rmSync(this.lock, { force: true });
    openFolders.delete(path.resolve(this.folder));
  }
}

/**
 * One write(2) of the whole line on an O_APPEND descriptor, then fdatasync. On any error (a short
 * write on a full disk, a failed sync) the file is cut back to its size before the write, so that
 * no torn bytes stay for the next line to be glued to, nor a whole line whose key the log does not
 * hold (a retry would write it twice); the error ends the sweep rather than count as a failed run.
 */
function appendLine(fd: number, json: string, file: string): void {
  const bytes = Buffer.from(`${json}\n`, "utf8");
  const size = fs.fstatSync(fd).size;
  try {
    const written = fs.writeSync(fd, bytes);
    if (written !== bytes.length) throw new Error(`wrote ${written} of ${bytes.length} bytes (is the disk full?)`);
    fs.fdatasyncSync(fd);
  } catch (e) {
    let cut = "";
    try {
      fs.ftruncateSync(fd, size);
    } catch (t) {
      cut = `; cutting it back to ${size} bytes failed too (${(t as Error).message}), the next open repairs it`;
    }
    throw new SweepWriteError(
      `lowbit: could not write a line to ${file}: ${(e as Error).message}${cut}; the sweep stopped, run it again to continue`,
      { cause: e },
    );
  }
}
