/**
 * Results files: what a notebook measured, written as JSON to data/results/ so later notebooks
 * (the hardware-cost chapter, comparisons across papers) and the README read numbers rather
 * than copy them. The file name carries the profile, <name>.<profile>.json: smoke runs never
 * overwrite the full-profile numbers, and only the full ones are committed (.gitignore).
 */
import * as fs from "fs";
import * as path from "path";
import { profile, Profile } from "./profile";

export interface ResultsFile<T> {
  name: string;
  profile: Profile;
  /** ISO 8601 time of writing. */
  written: string;
  results: T;
}

/** Names become file names: letters, digits, dot, dash and underscore only. */
const NAME = /^[A-Za-z0-9._-]+$/;

/**
 * The folder: `dir` if given, else data/results/ in the nearest folder at or above the current
 * directory that has one (notebooks run in notebooks/, scripts at the repository root).
 */
export function resultsDir(dir?: string): string {
  if (dir !== undefined) return path.resolve(dir);
  for (let folder = process.cwd(); ; folder = path.dirname(folder)) {
    const candidate = path.join(folder, "data", "results");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(folder) === folder) break;
  }
  throw new Error(`lowbit: no data/results/ folder at or above ${process.cwd()}; ` +
    `run from inside the lowbit repository or pass the dir option`);
}

function resultsPath(name: string, which: Profile, dir?: string): string {
  if (!NAME.test(name)) {
    throw new RangeError(`lowbit: results name must use only letters, digits, ".", "-" and "_"; got ${JSON.stringify(name)}`);
  }
  return path.join(resultsDir(dir), `${name}.${which}.json`);
}

/** Writes `results` (any JSON value) as data/results/<name>.<profile>.json; returns the path. */
export function writeResults<T>(name: string, results: T, options: { dir?: string } = {}): string {
  const file = resultsPath(name, profile(), options.dir);
  const record: ResultsFile<T> = { name, profile: profile(), written: new Date().toISOString(), results };
  fs.writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
  return file;
}

/**
 * Reads data/results/<name>.<profile>.json, by default of the current profile; undefined when
 * that notebook has not been run in that profile yet.
 */
export function readResults<T>(name: string, options: { dir?: string; profile?: Profile } = {}): ResultsFile<T> | undefined {
  const file = resultsPath(name, options.profile ?? profile(), options.dir);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as ResultsFile<T>;
}
