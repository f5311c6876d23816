/**
 * sweep(spec, options): runs every (configuration, seed) of a sweep that its output folder does
 * not hold yet, on local worker processes (default one per core) or on a BullMQ queue in Redis
 * (options.queue), writes each record once to <output>/results.jsonl, shows one progress bar
 * (runs done of those to do, ETA, failures) in the terminal or notebook, and returns the sweep's
 * records, as rows a notebook plots and summarises (summarizeSweep, compareSweep). An interrupted
 * sweep (Ctrl-C, Kernel > Interrupt, options.signal) stops its workers, keeps what finished, and
 * continues where it stopped when run again.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeFileAtomic } from "../core/atomic_write";
import { checkInteger } from "../core/checks";
import { InterruptGuard, yieldToEventLoop } from "../train/interrupt";
import { ProgressBar } from "../viz/progress_bar";
import type { JsonObject } from "./json_value";
import { configurationLabels } from "./labels";
import { runLocal } from "./local_executor";
import { runOnQueue } from "./queue_executor";
import type { SweepFailure, SweepRecord } from "./record";
import { checkRedisUrl } from "./redis";
import { RESULTS_FILE, ResultsLog } from "./results_log";
import { checkSweepSpec, type SweepRun, type SweepSpec, sweepRuns } from "./spec";
import { canonicalJson } from "./json_value";

/** How often the sweep looks whether a SIGINT came (the guard records it; the workers are stopped then). */
const INTERRUPT_POLL_MS = 50;

export interface SweepOptions {
  /** Local worker processes; default one per core (os.availableParallelism()). */
  workers?: number;
  /** A Redis URL (redis://host:port): run on the queue that `lowbit worker --queue URL` processes serve. */
  queue?: string;
  /** Show the progress bar (default true). */
  progress?: boolean;
  /** Folder relative paths of a spec object are taken from (default: the current folder). */
  baseDir?: string;
  /** Stops the sweep when aborted (as Ctrl-C does). */
  signal?: AbortSignal;
  /**
   * Whether SIGINT (Ctrl-C, Kernel > Interrupt) stops the sweep cleanly while it runs; default true.
   * A second SIGINT before it has stopped does what it would have done without the sweep.
   */
  handleInterrupt?: boolean;
  /** Called with each record as it is written. */
  onRecord?: (record: SweepRecord) => void;
}

/** One run as a flat row: the configuration's label, the seed, the metrics, and the configuration itself. */
export interface SweepRow {
  configuration: string;
  seed: number;
  config: JsonObject;
  wallSeconds: number;
  machine: string;
  [metric: string]: number | string | JsonObject;
}

export interface SweepResult {
  output: string;
  resultsFile: string;
  /** Runs of the sweep (configurations x seeds). */
  total: number;
  /** Runs recorded before this call (skipped). */
  skipped: number;
  /** Runs recorded by this call. */
  ran: number;
  /** Runs that failed on every attempt in this call (see <output>/failures.jsonl). */
  failures: SweepFailure[];
  /** Whether the sweep was stopped before every run finished. */
  interrupted: boolean;
  /** The sweep's records (this call's and earlier ones), in the spec's order of configurations and seeds. */
  records: SweepRecord[];
  rows: SweepRow[];
}

/** The records as rows (configuration labels over the records' configurations). */
export function sweepRows(records: readonly SweepRecord[]): SweepRow[] {
  // Each configuration as its first record writes it (labels keep the spec's key order).
  const configs = new Map<string, JsonObject>();
  for (const r of records) if (!configs.has(canonicalJson(r.config))) configs.set(canonicalJson(r.config), r.config);
  const labels = configurationLabels([...configs.values()]);
  const labelOf = new Map([...configs.keys()].map((t, i) => [t, labels[i]]));
  return records.map((r) => ({
    configuration: labelOf.get(canonicalJson(r.config))!,
    seed: r.seed,
    ...r.metrics,
    wallSeconds: r.wallSeconds,
    machine: r.machine,
    config: r.config,
  }));
}

/** Reads and checks a spec file; relative paths in it are taken from its folder. */
function readSpecFile(file: string): { spec: unknown; baseDir: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`lowbit: cannot read the sweep spec ${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return { spec: JSON.parse(text), baseDir: path.dirname(path.resolve(file)) };
  } catch (e) {
    throw new Error(`lowbit: the sweep spec ${file} is not JSON: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Runs the sweep `spec` (an object, or the path of a JSON spec file). Resolves when every run is
 * recorded or has failed on every attempt, or when the sweep is interrupted.
 */
export async function sweep(spec: SweepSpec | string, options: SweepOptions = {}): Promise<SweepResult> {
  // Out of the caller's synchronous turn before taking SIGINT over: a listener added within a
  // tslab cell's synchronous part is lost (see train(), lib/train/interrupt.ts).
  await yieldToEventLoop();
  const workers = options.workers ?? os.availableParallelism();
  checkInteger("sweep workers", workers, 1, 1024);
  if (options.queue !== undefined) checkRedisUrl("sweep queue", options.queue);
  const { spec: value, baseDir } =
    typeof spec === "string" ? readSpecFile(spec) : { spec, baseDir: path.resolve(options.baseDir ?? ".") };
  const checked = checkSweepSpec(value, baseDir);
  const runs = sweepRuns(checked);
  const log = new ResultsLog(checked.output);
  const failures: SweepFailure[] = [];
  const controller = new AbortController();
  const abort = () => controller.abort();
  options.signal?.addEventListener("abort", abort, { once: true });
  if (options.signal?.aborted) controller.abort();
  // The first SIGINT stops the sweep (the guard's listener replaces the process's: Node's default
  // exit in a terminal, tslab's interrupt in a notebook); a second one goes on to those.
  const guard = new InterruptGuard(undefined, options.handleInterrupt ?? true);
  const watch = setInterval(() => {
    if (guard.reason !== undefined) controller.abort();
  }, INTERRUPT_POLL_MS);
  try {
    writeFileAtomic(
      path.join(checked.output, "sweep.json"),
      `${JSON.stringify(
        { ...checked, module: checked.module?.spec, output: undefined, runs: runs.length },
        null,
        2,
      )}\n`,
    );
    const todo = runs.filter((r) => !log.has(r.key));
    const skipped = runs.length - todo.length;
    const bar =
      (options.progress ?? true) && todo.length > 0
        ? new ProgressBar(`sweep ${checked.experiment}${skipped > 0 ? ` (${skipped} done before)` : ""}`, todo.length)
        : undefined;
    let ran = 0;
    const status = () => (failures.length > 0 ? `${failures.length} failed` : "");
    const callbacks = {
      onRecord: (record: SweepRecord) => {
        if (!log.append(record)) return;
        ran++;
        bar?.tick(1, status());
        options.onRecord?.(record);
      },
      onFailure: (run: SweepRun, error: string, attempts: number) => {
        const failure: SweepFailure = {
          key: run.key,
          experiment: run.experiment,
          config: run.config,
          seed: run.seed,
          error,
          attempts,
          machine: os.hostname(),
          failed: new Date().toISOString(),
        };
        failures.push(failure);
        log.appendFailure(failure);
        bar?.tick(1, status());
      },
    };
    const common = { retries: checked.retries, signal: controller.signal, ...callbacks };
    if (options.queue !== undefined) await runOnQueue(todo, { url: options.queue, output: checked.output, ...common });
    else await runLocal(todo, { workers, ...common });
    const records = runs.flatMap((r) => {
      const record = log.records.get(r.key);
      return record === undefined ? [] : [record];
    });
    const interrupted = controller.signal.aborted && records.length + failures.length < runs.length;
    if (interrupted)
      process.stderr.write(
        `sweep interrupted: ${records.length} of ${runs.length} runs recorded in ${checked.output}; ` +
          `run the sweep again to continue\n`,
      );
    return {
      output: checked.output,
      resultsFile: path.join(checked.output, RESULTS_FILE),
      total: runs.length,
      skipped,
      ran,
      failures,
      interrupted,
      records,
      rows: sweepRows(records),
    };
  } finally {
    clearInterval(watch);
    guard.release();
    options.signal?.removeEventListener("abort", abort);
    log.close();
  }
}
