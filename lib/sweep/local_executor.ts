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
  signal.addEventListener("abort", () => void stopAll(), { once: true });
  const loop = async (runner: ChildRunner) => {
    while (!signal.aborted && next < runs.length) {
      const run = runs[next++];
      for (let attempt = 1; attempt <= retries + 1 && !signal.aborted; attempt++) {
        try {
          options.onRecord(await runner.run(run, attempt));
          break;
        } catch (e) {
          if (signal.aborted) break;
          if (attempt === retries + 1) options.onFailure(run, e instanceof Error ? e.message : String(e), attempt);
        }
      }
    }
  };
  // Loaders (e.g. tsx) only for a user's module, which may need them.
  const loaders = runs.some((r) => r.module !== undefined);
  for (let i = 0; i < Math.min(workers, runs.length); i++) runners.push(new ChildRunner(loaders));
  try {
    await Promise.all(runners.map(loop));
  } finally {
    await stopAll();
  }
}
