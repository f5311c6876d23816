/**
 * Results files: what a notebook measured, written as JSON to data/results/ so later notebooks
 * (the hardware-cost chapter, comparisons across papers) and the README read numbers rather
 * than copy them. The file name carries the profile, <name>.<profile>.json: smoke runs never
 * overwrite the full-profile numbers, and only the full ones are committed (.gitignore).
 * A full run replaces the committed record only when asked (LOWBIT_RECORD=1, which
 * `npm run notebooks -- --record` sets); otherwise it writes <name>.full.unrecorded.json beside
 * it, so that running a notebook never changes what the repository claims by accident. Every
 * recorded full file holds a `claims` array (./claims.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../core/atomic_write";
import { checkClaims, type Claim } from "./claims";
import { profile, type Profile } from "./profile";

export interface ResultsFile<T> {
  name: string;
  profile: Profile;
  /** ISO 8601 time of writing. */
  written: string;
  /** The claims the notebook addresses, with their verdicts (required in the full profile). */
  claims: Claim[];
  results: T;
}

/** Whether a full run replaces the committed record: LOWBIT_RECORD is "1". */
export function recording(): boolean {
  const value = process.env.LOWBIT_RECORD ?? "";
  if (value !== "" && value !== "0" && value !== "1") {
    throw new RangeError(
      `lowbit: LOWBIT_RECORD must be 1 (record the full run) or 0/unset; got ${JSON.stringify(value)}`,
    );
  }
  return value === "1";
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
  throw new Error(
    `lowbit: no data/results/ folder at or above ${process.cwd()}; ` +
      `run from inside the lowbit repository or pass the dir option`,
  );
}

/**
 * The folder for a notebook's sweep (its per-seed runs, resumable): out/sweeps/<name>.<profile>
 * in the repository that holds data/results/ (or beside `dir`'s parent). Not committed: the
 * claims in the results file carry each seed's value.
 */
export function sweepFolder(name: string, options: { dir?: string } = {}): string {
  checkName(name);
  return path.join(path.dirname(path.dirname(resultsDir(options.dir))), "out", "sweeps", `${name}.${profile()}`);
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new RangeError(
      `lowbit: results name must use only letters, digits, ".", "-" and "_"; got ${JSON.stringify(name)}`,
    );
  }
}

function resultsPath(name: string, which: Profile | "full.unrecorded", dir?: string): string {
  checkName(name);
  return path.join(resultsDir(dir), `${name}.${which}.json`);
}

/**
 * JSON text of `record`, refusing NaN and +-Infinity: JSON has no such numbers and
 * JSON.stringify would write null in their place, so a diverged loss would read back as a
 * missing value. The error names the key path (e.g. results.epochs[3].loss) so that the caller
 * records the value explicitly (null, or a string such as "NaN") where that is what was meant.
 */
function resultsJson(name: string, record: object): string {
  const paths = new WeakMap<object, string>();
  return (
    JSON.stringify(
      record,
      function (this: object, key: string, value: unknown) {
        const holder = paths.get(this);
        const at =
          holder === undefined || holder === "" ? key : Array.isArray(this) ? `${holder}[${key}]` : `${holder}.${key}`;
        if (typeof value === "number" && !Number.isFinite(value)) {
          throw new RangeError(
            `lowbit: writeResults("${name}"): ${at} is ${value}, which JSON cannot hold; ` +
              `record it explicitly (e.g. null or the string "${value}")`,
          );
        }
        if (typeof value === "object" && value !== null) paths.set(value, at);
        return value;
      },
      2,
    ) + "\n"
  );
}

/**
 * Writes `results` (any JSON value) and `claims` as data/results/<name>.<profile>.json,
 * atomically (a kill midway leaves the previous file); returns the path. In the full profile the
 * claims are required, and the file is the committed record only when recording() (else
 * <name>.full.unrecorded.json). NaN and +-Infinity anywhere in `results` are a RangeError
 * naming their key path rather than a silent null.
 */
export function writeResults<T>(
  name: string,
  results: T,
  options: { dir?: string; claims?: readonly Claim[] } = {},
): string {
  checkName(name);
  const which = profile();
  const claims = checkClaims(options.claims ?? []);
  if (which === "full" && claims.length === 0) {
    throw new TypeError(
      `lowbit: writeResults("${name}") in the full profile needs options.claims: the claims this notebook addresses`,
    );
  }
  const file = resultsPath(name, which === "full" && !recording() ? "full.unrecorded" : which, options.dir);
  const record: ResultsFile<T> = {
    name,
    profile: which,
    written: new Date().toISOString(),
    claims: [...claims],
    results,
  };
  writeFileAtomic(file, resultsJson(name, record));
  return file;
}

/**
 * Reads data/results/<name>.<profile>.json, by default of the current profile; undefined when
 * that notebook has not been run in that profile yet.
 */
export function readResults<T>(
  name: string,
  options: { dir?: string; profile?: Profile } = {},
): ResultsFile<T> | undefined {
  const file = resultsPath(name, options.profile ?? profile(), options.dir);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as ResultsFile<T>;
}
