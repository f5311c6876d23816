/**
 * What a sweep runs: an experiment is a function of one configuration (JSON) and a seed that
 * returns named metrics. It runs in a worker process, so it gets everything it needs from its
 * arguments and reads no state of the submitting process:
 *
 *   (config, { seed }) => ({ accuracy: 0.91, loss: 0.3 })      (or a promise of it)
 *
 * The same (config, seed) must give the same metrics on any worker (seeded end to end).
 */
import { isPlainObject, type JsonObject } from "./json_value";

export interface ExperimentContext {
  /** The run's seed, an integer in [0, 2^32 - 1]. */
  seed: number;
}

/** Named results of one run: finite numbers (a summary needs numbers; JSON has no NaN). */
export type Metrics = Record<string, number>;

export type Experiment = (config: JsonObject, context: ExperimentContext) => Metrics | Promise<Metrics>;

/** An experiment lowbit registers, with what it measures and its configuration keys. */
export interface RegisteredExperiment {
  run: Experiment;
  description: string;
}

/** Throws a TypeError unless `value` is a Metrics object (an experiment's return value). */
export function checkMetrics(experiment: string, value: unknown): asserts value is Metrics {
  if (!isPlainObject(value) || Object.keys(value).length === 0)
    throw new TypeError(
      `lowbit: experiment "${experiment}" must return an object of named numbers (metrics); got ${JSON.stringify(value)}`,
    );
  for (const [k, v] of Object.entries(value))
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new TypeError(
        `lowbit: experiment "${experiment}" returned metric ${k} = ${String(v)}; metrics must be finite numbers ` +
          `(a diverged run can report a large loss or throw)`,
      );
}

/** Throws a RangeError naming the keys a configuration has that an experiment does not read (typos). */
export function checkConfigKeys(experiment: string, config: JsonObject, keys: readonly string[]): void {
  for (const k of Object.keys(config))
    if (!keys.includes(k))
      throw new RangeError(
        `lowbit: experiment "${experiment}" has no configuration key "${k}"; its keys are ${keys.join(", ")}`,
      );
}
