/**
 * Runs notebooks headless, without Jupyter or Python:
 *   npm run notebooks [-- [names...] [--out out/notebooks] [--figures <dir>] [--timeout <s>]]
 * names: notebook files or their number/name prefixes ("00", "00-getting-started"); default
 * every notebooks/*.ipynb. Each runs in its own process (scripts/execute-notebook.ts) with a
 * timeout; the executed copy goes to <out>/<name>.ipynb (never over the source) and its
 * figures, as SVG and PNG, to <figures>/<name>/ (default <out>/<name>/). A failure prints the
 * cell number and the real message (TypeScript diagnostics or stack). The last line is exactly
 * "N passed, N failed"; the exit code is 1 when any notebook failed.
 * LOWBIT_PROFILE=smoke (default) | full chooses the sizes the notebooks run at.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { profile } from "lowbit";

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
  const all = fs.readdirSync(NOTEBOOKS).filter((f) => f.endsWith(".ipynb")).sort();
  if (names.length === 0) return all.map((f) => path.join(NOTEBOOKS, f));
  return names.map((name) => {
    if (name.endsWith(".ipynb") && fs.existsSync(name)) return path.resolve(name);
    const matches = all.filter((f) => f === name || f.startsWith(`${name}-`) || f === `${name}.ipynb`);
    if (matches.length !== 1) {
      throw new RangeError(`notebook "${name}" ${matches.length === 0 ? "not found" : "is ambiguous"}; ` +
        `name a file or one of: ${all.map((f) => f.replace(/\.ipynb$/, "")).join(", ")}`);
    }
    return path.join(NOTEBOOKS, matches[0]);
  });
}

/** Newest modification time of the .ts sources under `dir` (lib/dist and lib/wasm's own build aside). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "dist" && entry.name !== "node_modules") newest = Math.max(newest, newestSource(full));
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

function runOne(input: string, output: string, figures: string, timeoutSeconds: number): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, input, output], {
      env: { ...process.env, LOWBIT_FIGURES_DIR: figures },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let cell = 0, message: string | undefined, stderr = "", buffered = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const event = JSON.parse(line) as { cell?: number; failed?: number; message?: string };
          if (event.cell !== undefined) cell = event.cell;
          if (event.failed !== undefined) message = `cell ${event.failed}: ${event.message}`;
        } catch {
          stderr += line + "\n";
        }
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
    const timer = setTimeout(() => {
      message = `timed out after ${timeoutSeconds} s in cell ${cell} (raise it with --timeout <seconds>)`;
      child.kill("SIGKILL");
    }, timeoutSeconds * 1000);
    child.on("close", (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      if (code === 0 && message === undefined) resolve({ ok: true, seconds });
      else resolve({ ok: false, seconds, message: message ?? `exited with code ${code}: ${stderr.trim()}` });
    });
  });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: "string" }, figures: { type: "string" }, timeout: { type: "string" } },
  });
  const which = profile();
  const out = path.resolve(values.out ?? path.join(ROOT, "out", "notebooks"));
  const timeout = values.timeout === undefined ? DEFAULT_TIMEOUT[which] : Number(values.timeout);
  if (!(timeout > 0)) throw new RangeError(`--timeout must be a positive number of seconds; got ${values.timeout}`);
  checkBuild();
  const notebooks = selectNotebooks(positionals);
  console.log(`${notebooks.length} notebook(s), profile ${which}, executed copies in ${path.relative(process.cwd(), out) || "."}/`);
  let passed = 0, failed = 0;
  for (const input of notebooks) {
    const name = path.basename(input, ".ipynb");
    const figures = path.join(path.resolve(values.figures ?? out), name);
    const outcome = await runOne(input, path.join(out, `${name}.ipynb`), figures, timeout);
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
