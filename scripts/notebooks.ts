/**
 * Runs notebooks headless, without Jupyter or Python:
 *   npm run notebooks [-- [names...] [--out out/notebooks] [--figures <dir>] [--timeout <s>] [--record]]
 * names: notebook files or their number/name prefixes ("00", "00-getting-started"); default
 * every notebooks/*.ipynb. Each runs in its own process (scripts/execute-notebook.ts) with a
 * timeout; the executed copy goes to <out>/<name>.ipynb (never over the source) and its
 * figures, as SVG and PNG, to <figures>/<name>/ (default <out>/<name>/). A failure prints the
 * cell number and the real message (TypeScript diagnostics or stack). The last line is exactly
 * "N passed, N failed"; the exit code is 1 when any notebook failed. A notebook passes only when
 * its process reports that it ran its last cell and exits with code 0 (a cell calling
 * process.exit(0) fails). The runner ends a notebook together with everything it started (its
 * Chromium too, see process-tree.ts): at the timeout, and on SIGTERM or SIGINT to the runner,
 * which then counts the interrupted notebook as failed and exits with 128 + the signal number.
 * LOWBIT_PROFILE=smoke (default) | full chooses the sizes the notebooks run at. --record sets
 * LOWBIT_RECORD=1 for the notebooks it runs: a full run then replaces the committed record
 * data/results/<name>.full.json (without it, writeResults writes <name>.full.unrecorded.json
 * beside it, so running a notebook never changes what the repository claims by accident).
 * Each executed copy starts from the source's cells with every output and execution count
 * cleared (committed notebooks carry the outputs of a recorded run; none of them survives into
 * the new copy, also in cells a failure keeps from running).
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { profile } from "lowbit/notebook";
import { killTree } from "./process-tree";

const ROOT = path.resolve(__dirname, "..");
const NOTEBOOKS = path.join(ROOT, "notebooks");
const CHILD = path.join(__dirname, "execute-notebook.ts");

/** Seconds per notebook: smoke runs take seconds, full runs train for minutes. */
const DEFAULT_TIMEOUT = { smoke: 300, full: 3600 };

interface Outcome {
  ok: boolean;
  seconds: number;
  message?: string;
}

/** Resolves names to notebook files; an unknown name is an error listing what exists. */
function selectNotebooks(names: string[]): string[] {
  const all = fs
    .readdirSync(NOTEBOOKS)
    .filter((f) => f.endsWith(".ipynb"))
    .sort();
  if (names.length === 0) return all.map((f) => path.join(NOTEBOOKS, f));
  return names.map((name) => {
    if (name.endsWith(".ipynb") && fs.existsSync(name)) return path.resolve(name);
    const matches = all.filter((f) => f === name || f.startsWith(`${name}-`) || f === `${name}.ipynb`);
    if (matches.length !== 1) {
      throw new RangeError(
        `notebook "${name}" ${matches.length === 0 ? "not found" : "is ambiguous"}; ` +
          `name a file or one of: ${all.map((f) => f.replace(/\.ipynb$/, "")).join(", ")}`,
      );
    }
    return path.join(NOTEBOOKS, matches[0]);
  });
}

/** Newest modification time of the .ts sources under `dir` (lib/dist and lib/wasm's own build aside). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "dist" && entry.name !== "node_modules")
      newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Notebooks import the compiled lib/dist: missing is an error, older than lib/ a warning. */
function checkBuild(): void {
  const built = path.join(ROOT, "lib", "dist", "index.js");
  if (!fs.existsSync(built)) throw new Error("lowbit is not built (lib/dist/index.js is missing): run npm run build");
  if (newestSource(path.join(ROOT, "lib")) > fs.statSync(built).mtimeMs) {
    console.log("warning: lib/ changed since the last build; notebooks use lib/dist: run npm run build");
  }
}

/** The notebook process running now, to end on SIGTERM / SIGINT. */
let running: ChildProcess | undefined;

function runOne(
  input: string,
  output: string,
  figures: string,
  timeoutSeconds: number,
  record: boolean,
): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    // detached: its own process group, so that a Ctrl-C in the terminal reaches the runner only,
    // which then ends the notebook's whole tree itself.
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, input, output], {
      env: { ...process.env, LOWBIT_FIGURES_DIR: figures, ...(record ? { LOWBIT_RECORD: "1" } : {}) },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    running = child;
    let cell = 0,
      done = false,
      message: string | undefined,
      stderr = "",
      buffered = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const event = JSON.parse(line) as { cell?: number; failed?: number; message?: string; done?: number };
          if (event.cell !== undefined) cell = event.cell;
          if (event.failed !== undefined) message ??= `cell ${event.failed}: ${event.message}`;
          if (event.done !== undefined) done = true;
        } catch {
          stderr += line + "\n";
        }
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      message = `timed out after ${timeoutSeconds} s in cell ${cell} (raise it with --timeout <seconds>)`;
      killTree(child.pid!);
    }, timeoutSeconds * 1000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      running = undefined;
      const seconds = (performance.now() - started) / 1000;
      if (code === 0 && done && message === undefined) resolve({ ok: true, seconds });
      else {
        const end = signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
        resolve({
          ok: false,
          seconds,
          message: message ?? `${end} in cell ${cell} before its last cell finished: ${stderr.trim()}`,
        });
      }
    });
  });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: "string" },
      figures: { type: "string" },
      timeout: { type: "string" },
      record: { type: "boolean", default: false },
    },
  });
  const which = profile();
  const out = path.resolve(values.out ?? path.join(ROOT, "out", "notebooks"));
  const timeout = values.timeout === undefined ? DEFAULT_TIMEOUT[which] : Number(values.timeout);
  if (!(timeout > 0)) throw new RangeError(`--timeout must be a positive number of seconds; got ${values.timeout}`);
  checkBuild();
  const notebooks = selectNotebooks(positionals);
  console.log(
    `${notebooks.length} notebook(s), profile ${which}${values.record ? ", recording results" : ""}, ` +
      `executed copies in ${path.relative(process.cwd(), out) || "."}/`,
  );
  let passed = 0,
    failed = 0,
    current = "";
  // On SIGTERM / SIGINT: end the running notebook's whole tree, count it failed, and exit.
  const interrupt = (signal: NodeJS.Signals) => {
    if (running?.pid !== undefined) {
      killTree(running.pid);
      failed++;
      console.log(`FAIL  ${current}\n      interrupted by ${signal}`);
    }
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(128 + os.constants.signals[signal]);
  };
  process.on("SIGTERM", interrupt);
  process.on("SIGINT", interrupt);
  for (const input of notebooks) {
    const name = path.basename(input, ".ipynb");
    current = name;
    const figures = path.join(path.resolve(values.figures ?? out), name);
    const outcome = await runOne(input, path.join(out, `${name}.ipynb`), figures, timeout, values.record!);
    if (outcome.ok) {
      passed++;
      console.log(`ok    ${name}  ${outcome.seconds.toFixed(1)} s`);
    } else {
      failed++;
      console.log(`FAIL  ${name}  ${outcome.seconds.toFixed(1)} s\n${outcome.message!.replace(/^/gm, "      ")}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
