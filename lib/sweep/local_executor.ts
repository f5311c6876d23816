/**
 * Runs a sweep's runs on local worker processes (child_process.fork), `workers` at a time: each
 * worker loop takes the next run, and retries it (in a fresh process if the old one died) until
 * it succeeds or has had 1 + retries attempts.
 */
import { ChildRunner } from "./child_runner";
import type { SweepRecord } from "./record";
import type { SweepRun } from "./spec";

export interface ExecutorCallbacks {
  onRecord(record: SweepRecord): void;
  onFailure(run: SweepRun, error: string, attempts: number): void;
}

export async function runLocal(
  runs: readonly SweepRun[],
  options: { workers: number; retries: number; signal: AbortSignal } & ExecutorCallbacks,
): Promise<void> {
  const { workers, retries, signal } = options;
  let next = 0;
  const runners: ChildRunner[] = [];
  const stopAll = () => Promise.all(runners.map((r) => r.stop()));
  // Stops the loops on `signal` or on an error of a callback (writing a record failed).
  const stop = new AbortController();
  const abort = () => stop.abort();
  signal.addEventListener("abort", abort, { once: true });
  if (signal.aborted) stop.abort();
  stop.signal.addEventListener("abort", () => void stopAll(), { once: true });
  const loop = async (runner: ChildRunner) => {
    while (!stop.signal.aborted && next < runs.length) {
      const run = runs[next++];
      let record: SweepRecord | undefined;
      for (let attempt = 1; attempt <= retries + 1 && !stop.signal.aborted; attempt++) {
        try {
          record = await runner.run(run, attempt);
          break;
        } catch (e) {
          if (stop.signal.aborted) break;
          if (attempt === retries + 1) options.onFailure(run, e instanceof Error ? e.message : String(e), attempt);
        }
      }
      // Outside the attempts: the run succeeded, and an error writing its record is not a failed
      // attempt to redo (a retry would write the line again) but ends the sweep.
      if (record !== undefined) options.onRecord(record);
    }
  };
  // Loaders (e.g. tsx) only for a user's module, which may need them.
  const loaders = runs.some((r) => r.module !== undefined);
  for (let i = 0; i < Math.min(workers, runs.length); i++) runners.push(new ChildRunner(loaders));
  try {
    // Every loop ends before this returns or throws: one's error stops the others first.
    const ended = await Promise.allSettled(
      runners.map((runner) =>
        loop(runner).catch((e: unknown) => {
          stop.abort();
          throw e;
        }),
      ),
    );
    const failed = ended.find((e) => e.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  } finally {
    signal.removeEventListener("abort", abort);
    await stopAll();
  }
}
