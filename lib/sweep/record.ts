/**
 * One line of a sweep's results file: what ran (experiment, configuration, seed, run key), what it
 * measured, and where and on which code it ran, so that a number in a paper can be traced to the
 * machine and commit that produced it.
 */
import type { Metrics } from "./experiment";
import type { JsonObject } from "./json_value";

export interface SweepRecord {
  key: string;
  experiment: string;
  /** The sweep's module as its spec gives it, when the experiment is not lowbit's. */
  module?: string;
  config: JsonObject;
  seed: number;
  metrics: Metrics;
  /** Wall-clock seconds of the experiment call (not counting the worker's start-up). */
  wallSeconds: number;
  /** ISO 8601 time the run started. */
  started: string;
  /** Host name of the machine that ran it. */
  machine: string;
  /** Commit (git rev-parse HEAD) of the experiment's code, null outside a git checkout. */
  commit: string | null;
  /** Whether that checkout had uncommitted changes to tracked files. */
  dirty: boolean;
  /** Which attempt succeeded: 1 unless an earlier one failed or its worker died. */
  attempt: number;
}

/** A run that failed on every attempt (failures.jsonl): the sweep's re-run tries it again. */
export interface SweepFailure {
  key: string;
  experiment: string;
  config: JsonObject;
  seed: number;
  error: string;
  attempts: number;
  machine: string;
  failed: string;
}
