/**
 * A sweep as data: an experiment (a name lowbit registers, or a function exported by a user's
 * module), the configurations to run it on (a grid, the product of the values given per key, or a
 * list), the seeds every configuration runs with, and the folder its results go to. All JSON, so a
 * spec file is the whole description of a sweep:
 *
 *   {
 *     "experiment": "least-squares-sgd",
 *     "grid": { "rounding": ["nearest", "stochastic"], "format": [{ "kind": "fixedPoint", ... }] },
 *     "base": { "steps": 200 },
 *     "seeds": { "count": 5 },
 *     "output": "sweeps/sr-vs-rn"
 *   }
 *
 * checkSweepSpec validates it with errors that name the field and what is allowed, and expands it
 * into runs: one per (configuration, seed), each with a key that identifies it across re-runs.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { checkInteger, checkSeed } from "../core/checks";
import { canonicalJson, checkJson, isPlainObject, type JsonObject, type JsonValue } from "./json_value";

export interface SweepSpec {
  /** A name from lowbit's experiments (EXPERIMENTS), or the name of a function `module` exports. */
  experiment: string;
  /**
   * A module exporting the experiment function: a path (relative paths start with "./" or "../"
   * and are taken from the spec file's folder, or the current folder for sweep()), or a package name.
   */
  module?: string;
  /**
   * Configurations as a grid: every combination of one value per key (the last key varies fastest).
   * Values are JSON (checked): numbers, strings, format values, ...
   */
  grid?: Record<string, readonly unknown[]>;
  /** Configurations as a list (instead of grid): objects of JSON values. */
  configurations?: readonly object[];
  /** Settings every configuration shares (a configuration's own value of a key wins). */
  base?: object;
  /** The seeds: a list of integers in [0, 2^32 - 1], or { count, from? } for from, from + 1, ... */
  seeds: readonly number[] | { count: number; from?: number };
  /** The output folder (relative: to the spec file's folder, or the current folder for sweep()). */
  output: string;
  /** Further attempts of a run whose experiment throws or whose worker dies; default 2. */
  retries?: number;
}

/** A checked spec with its configurations expanded and its paths absolute. */
export interface Sweep {
  experiment: string;
  /** The module as the spec gives it (part of every run key) and as workers load it. */
  module?: { spec: string; resolved: string };
  configurations: JsonObject[];
  seeds: number[];
  output: string;
  retries: number;
}

/** One (configuration, seed) of a sweep. */
export interface SweepRun {
  /** canonical identity: sha256 of the canonical JSON of { experiment, module, config, seed }, 32 hex digits. */
  key: string;
  experiment: string;
  module?: { spec: string; resolved: string };
  config: JsonObject;
  seed: number;
}

const FIELDS = ["experiment", "module", "grid", "configurations", "base", "seeds", "output", "retries"];
const MAX_RUNS = 1_000_000;
const MAX_RETRIES = 10;
const DEFAULT_RETRIES = 2;

function nonEmptyString(what: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "")
    throw new TypeError(`lowbit: sweep spec ${what} must be a non-empty string; got ${JSON.stringify(value)}`);
  return value;
}

function plainObject(what: string, value: unknown): Record<string, unknown> {
  if (!isPlainObject(value))
    throw new TypeError(
      `lowbit: sweep spec ${what} must be an object; got ${Array.isArray(value) ? "an array" : JSON.stringify(value)}`,
    );
  return value;
}

/** The product of the grid's value lists, in the order of its keys (the last one varies fastest). */
function gridConfigurations(grid: Record<string, unknown>): JsonObject[] {
  let product: JsonObject[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0)
      throw new TypeError(
        `lowbit: sweep spec grid.${key} must be a non-empty array of values; got ${JSON.stringify(values)}`,
      );
    checkJson(`sweep spec grid.${key}`, values);
    product = product.flatMap((c) => values.map((v) => ({ ...c, [key]: v as JsonValue })));
  }
  return product;
}

function seedList(value: unknown): number[] {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new RangeError("lowbit: sweep spec seeds must list at least one seed; got []");
    value.forEach((s, i) => {
      checkSeed(`sweep spec seeds[${i}]`, s);
    });
    const seen = new Set<number>();
    for (const s of value as number[]) {
      if (seen.has(s)) throw new RangeError(`lowbit: sweep spec seeds must not repeat; ${s} appears twice`);
      seen.add(s);
    }
    return [...(value as number[])];
  }
  const range = plainObject("seeds", value);
  for (const k of Object.keys(range))
    if (k !== "count" && k !== "from")
      throw new TypeError(`lowbit: sweep spec seeds has an unknown field "${k}"; a seed range has count and from`);
  const from = range.from ?? 0;
  checkSeed("sweep spec seeds.from", from);
  if (typeof range.count !== "number")
    throw new TypeError(`lowbit: sweep spec seeds.count must be an integer >= 1; got ${JSON.stringify(range.count)}`);
  checkInteger("sweep spec seeds.count", range.count, 1, 2 ** 32 - from);
  return Array.from({ length: range.count }, (_, i) => from + i);
}

/**
 * The checked, expanded sweep of `spec` (a parsed spec file or an object). `baseDir` is the folder
 * relative paths (output, module) are taken from. Errors name the field: a TypeError for a wrong
 * type or an unknown field, a RangeError for a value out of range.
 */
export function checkSweepSpec(spec: unknown, baseDir: string = process.cwd()): Sweep {
  const s = plainObject("(the whole spec)", spec);
  for (const k of Object.keys(s))
    if (!FIELDS.includes(k))
      throw new TypeError(`lowbit: sweep spec has an unknown field "${k}"; the fields are ${FIELDS.join(", ")}`);
  const experiment = nonEmptyString("experiment", s.experiment);
  let module: Sweep["module"];
  if (s.module !== undefined) {
    const m = nonEmptyString("module", s.module);
    const relative = m.startsWith("./") || m.startsWith("../");
    module = { spec: m, resolved: relative ? path.resolve(baseDir, m) : m };
  }
  if ((s.grid === undefined) === (s.configurations === undefined))
    throw new TypeError(
      "lowbit: sweep spec must have exactly one of grid (values per key) and configurations (a list)",
    );
  let configurations: JsonObject[];
  if (s.grid !== undefined) {
    configurations = gridConfigurations(plainObject("grid", s.grid));
  } else {
    if (!Array.isArray(s.configurations) || s.configurations.length === 0)
      throw new TypeError(
        `lowbit: sweep spec configurations must be a non-empty array of objects; got ${JSON.stringify(s.configurations)}`,
      );
    configurations = s.configurations.map((c, i) => {
      const o = plainObject(`configurations[${i}]`, c);
      checkJson(`sweep spec configurations[${i}]`, o);
      return o as JsonObject;
    });
  }
  if (s.base !== undefined) {
    const base = plainObject("base", s.base);
    checkJson("sweep spec base", base);
    configurations = configurations.map((c) => ({ ...(base as JsonObject), ...c }));
  }
  const texts = new Map<string, number>();
  configurations.forEach((c, i) => {
    const text = canonicalJson(c);
    const first = texts.get(text);
    if (first !== undefined)
      throw new RangeError(
        `lowbit: sweep spec configurations ${first} and ${i} are the same configuration ${text}; each must differ`,
      );
    texts.set(text, i);
  });
  const seeds = seedList(s.seeds);
  if (configurations.length * seeds.length > MAX_RUNS)
    throw new RangeError(
      `lowbit: a sweep has at most ${MAX_RUNS} runs; this one has ${configurations.length} configurations x ` +
        `${seeds.length} seeds`,
    );
  const output = path.resolve(baseDir, nonEmptyString("output", s.output));
  const retries = s.retries ?? DEFAULT_RETRIES;
  if (typeof retries !== "number")
    throw new TypeError(
      `lowbit: sweep spec retries must be an integer in [0, ${MAX_RETRIES}]; got ${JSON.stringify(retries)}`,
    );
  checkInteger("sweep spec retries", retries, 0, MAX_RETRIES);
  return { experiment, module, configurations, seeds, output, retries };
}

/** The run key of (experiment, module, config, seed): equal exactly when all four are equal. */
export function runKey(experiment: string, module: string | undefined, config: JsonObject, seed: number): string {
  const identity: JsonObject = { experiment, config, seed, ...(module === undefined ? {} : { module }) };
  return createHash("sha256").update(canonicalJson(identity)).digest("hex").slice(0, 32);
}

/** Every run of a sweep, configuration by configuration, each with its seeds in the spec's order. */
export function sweepRuns(sweep: Sweep): SweepRun[] {
  return sweep.configurations.flatMap((config) =>
    sweep.seeds.map((seed) => ({
      key: runKey(sweep.experiment, sweep.module?.spec, config, seed),
      experiment: sweep.experiment,
      ...(sweep.module === undefined ? {} : { module: sweep.module }),
      config,
      seed,
    })),
  );
}
