/**
 * Runs one run of a sweep in this process (a worker's): loads the experiment, calls it with the
 * run's configuration and seed, checks its metrics and wraps them in a SweepRecord with the wall
 * time, the host name and the git commit of the experiment's code.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkMetrics } from "./experiment";
import { loadExperiment } from "./experiments";
import type { SweepRecord } from "./record";
import type { SweepRun } from "./spec";

const commits = new Map<string, { commit: string | null; dirty: boolean }>();

/** HEAD and dirtiness of the git checkout holding `folder` (cached per folder); null outside git. */
export function gitState(folder: string): { commit: string | null; dirty: boolean } {
  let state = commits.get(folder);
  if (state === undefined) {
    const git = (args: string[]) =>
      execFileSync("git", ["-C", folder, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    try {
      state = {
        commit: git(["rev-parse", "HEAD"]),
        dirty: git(["status", "--porcelain", "--untracked-files=no"]) !== "",
      };
    } catch {
      state = { commit: null, dirty: false };
    }
    commits.set(folder, state);
  }
  return state;
}

/** The folder of the experiment's code: the module's (a path), else lowbit's own. */
function codeFolder(module: string | undefined): string {
  if (module !== undefined && path.isAbsolute(module)) {
    try {
      return fs.statSync(module).isDirectory() ? module : path.dirname(module);
    } catch {
      return path.dirname(module);
    }
  }
  if (module !== undefined) {
    try {
      return path.dirname(require.resolve(module));
    } catch {
      // loadExperiment reports the module that cannot be found.
    }
  }
  return __dirname;
}

export async function runJob(run: SweepRun, attempt: number): Promise<SweepRecord> {
  const experiment = loadExperiment(run.experiment, run.module?.resolved);
  const started = new Date();
  const t0 = performance.now();
  const metrics = await experiment(structuredClone(run.config), { seed: run.seed });
  const wallSeconds = (performance.now() - t0) / 1000;
  checkMetrics(run.experiment, metrics);
  return {
    key: run.key,
    experiment: run.experiment,
    ...(run.module === undefined ? {} : { module: run.module.spec }),
    config: run.config,
    seed: run.seed,
    metrics: { ...metrics },
    wallSeconds,
    started: started.toISOString(),
    machine: os.hostname(),
    ...gitState(codeFolder(run.module?.resolved)),
    attempt,
  };
}
