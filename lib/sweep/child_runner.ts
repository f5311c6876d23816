/**
 * One worker process (child.ts, started with child_process.fork) that runs a sweep's runs one
 * at a time: run() sends a run and resolves to its record. Experiments run in their own process
 * because they are CPU-bound: in the process that talks to Redis, a long synchronous training
 * step would stop BullMQ from renewing the job's lock, and the job would be taken for stalled.
 * A process that dies mid-run (killed, out of memory) rejects the run with WorkerExitedError and
 * is replaced by a fresh one at the next run.
 */
import { type ChildProcess, fork } from "node:child_process";
import * as path from "node:path";
import type { SweepRecord } from "./record";
import type { SweepRun } from "./spec";

export interface ChildRequest {
  run: SweepRun;
  attempt: number;
}

export type ChildReply =
  { type: "done"; key: string; record: SweepRecord } | { type: "failed"; key: string; error: string };

/** The experiment threw (its message, or its stack for an unexpected error). */
export class ExperimentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExperimentError";
  }
}

/** The worker process ended during a run (killed, crashed, or stopped by stop()). */
export class WorkerExitedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkerExitedError";
  }
}

/** Node options a worker process inherits, with a value (separate or after "="), or alone. */
const INHERITED_WITH_VALUE = ["--import", "--require", "-r", "--loader", "--experimental-loader", "--conditions", "-C"];
const INHERITED_ALONE = /^--(max-old-space-size|max-semi-space-size|stack-size|enable-source-maps|no-warnings)(=|$)/;

/**
 * The Node options of this process that its worker processes get: loaders (`--import tsx` lets a
 * user's TypeScript module load), module conditions and memory limits. Only those: fork() would
 * otherwise pass all of process.execArgv, and with `node -e <script>` every worker process would
 * run the script (which starts a sweep, which forks...) instead of child.js; the test runner's,
 * the debugger's and watch mode's options do not belong in a worker either.
 */
export function childExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i];
    const name = a.split("=")[0];
    if (INHERITED_WITH_VALUE.includes(name)) {
      if (a.includes("=")) kept.push(a);
      else if (i + 1 < execArgv.length) kept.push(a, execArgv[++i]);
    } else if (INHERITED_ALONE.test(a)) kept.push(a);
    else if (["-e", "--eval", "-p", "--print", "--input-type"].includes(name) && !a.includes("=")) i++;
  }
  return kept;
}

const isMemoryOption = (a: string): boolean => INHERITED_ALONE.test(a);

export class ChildRunner {
  private child: ChildProcess | undefined;
  private pending: { key: string; resolve: (r: SweepRecord) => void; reject: (e: Error) => void } | undefined;
  private stopped = false;

  /**
   * `loaders`: whether the worker process gets this process's loaders (childExecArgv). Needed
   * for a user's module that is not plain JavaScript (TypeScript under tsx); lowbit's own
   * experiments are compiled, and a loader such as tsx costs each worker process 0.3-0.5 s to start.
   */
  constructor(private readonly loaders = true) {}

  run(run: SweepRun, attempt: number): Promise<SweepRecord> {
    if (this.stopped) return Promise.reject(new WorkerExitedError("lowbit: the sweep's worker was stopped"));
    if (this.pending !== undefined) throw new Error("lowbit: a ChildRunner runs one run at a time");
    const child = this.child ?? this.start();
    return new Promise((resolve, reject) => {
      this.pending = { key: run.key, resolve, reject };
      child.send({ run, attempt } satisfies ChildRequest);
    });
  }

  private start(): ChildProcess {
    const child = fork(path.join(__dirname, "child.js"), [], {
      execArgv: this.loaders ? childExecArgv() : childExecArgv().filter(isMemoryOption),
      // The child's stdout goes to our stderr: a command's stdout (--json) carries its result only.
      stdio: ["ignore", "pipe", "inherit", "ipc"],
      serialization: "advanced",
    });
    child.stdout!.pipe(process.stderr, { end: false });
    child.on("message", (reply: ChildReply) => {
      const pending = this.pending;
      if (pending === undefined || pending.key !== reply.key) return;
      this.pending = undefined;
      if (reply.type === "done") pending.resolve(reply.record);
      else pending.reject(new ExperimentError(reply.error));
    });
    child.on("exit", (code, signal) => {
      if (this.child === child) this.child = undefined;
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(
        new WorkerExitedError(
          `lowbit: the worker process ${child.pid} exited during the run (${signal ?? `exit code ${code}`})`,
        ),
      );
    });
    this.child = child;
    return child;
  }

  /** Ends the worker process (SIGTERM); a run in progress rejects with WorkerExitedError. */
  stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }

  /** The process id of the worker process, if one is running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }
}
