/**
 * Executes one notebook the way the tslab kernel would, without Jupyter or Python, and writes
 * the executed copy:  node --import tsx scripts/execute-notebook.ts <in.ipynb> <out.ipynb>
 * Started by scripts/notebooks.ts, one process per notebook (a notebook's globals, its loaded
 * backend and its browser die with it).
 *
 * It rests on tslab 1.0.22 internals (pinned in package.json): dist/converter and
 * dist/executor compile and run cells exactly as the kernel does (same TypeScript, same
 * options, rootDir = the notebook's folder), and dist/jupyter's exported lastWriteDisplayData
 * is the hook tslab's public display API writes through, which we replace to collect outputs.
 * Like the kernel, it sends process.stdout/stderr writes during a cell to that cell's outputs.
 *
 * On its real stdout it reports one JSON line per event for the parent:
 *   {"cell": n} when cell n (1-based, counting code cells) starts,
 *   {"failed": n, "message": "..."} when it fails (the TypeScript diagnostics or the stack),
 *   {"done": n} after the last cell, once the executed copy is written.
 * Exit code 0 when every cell ran, 1 otherwise; the executed copy is written either way, also
 * when a cell ends the process early (process.exit, or an await that nothing will resolve once
 * the event loop has run empty): that is a failure of the cell that was running, and the
 * parent, which sees no "done", fails the notebook whatever the exit code.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "lowbit/core";

interface Converter {
  close(): void;
}
interface Executor {
  execute(src: string): Promise<boolean>;
  close(): void;
}
interface DisplayData {
  data: Record<string, string>;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}
type Output =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | { output_type: "display_data"; data: Record<string, string>; metadata: Record<string, unknown> };
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
  metadata?: Record<string, unknown>;
}
interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
}

const tslabConverter = require("tslab/dist/converter") as {
  createConverter(o: { isJS: boolean; isBrowser: boolean }): Converter;
};
const tslabExecutor = require("tslab/dist/executor") as {
  createExecutor(
    rootDir: string,
    convs: { node: Converter; browser: Converter; close(): void },
    console: Pick<Console, "log" | "error">,
  ): Executor;
};
const tslabJupyter = require("tslab/dist/jupyter") as {
  lastWriteDisplayData: ((d: DisplayData, update: boolean) => void) | null;
};

const realStdout = process.stdout.write.bind(process.stdout);
const realStderr = process.stderr.write.bind(process.stderr);

function report(event: object): void {
  realStdout(JSON.stringify(event) + "\n");
}

/** The converters, made on first use like tslab's ConverterSetImpl (browser cells are rare). */
function converterSet() {
  let node: Converter | undefined, browser: Converter | undefined;
  return {
    get node() {
      node ??= tslabConverter.createConverter({ isJS: false, isBrowser: false });
      return node;
    },
    get browser() {
      browser ??= tslabConverter.createConverter({ isJS: false, isBrowser: true });
      return browser;
    },
    close() {
      node?.close();
      browser?.close();
    },
  };
}

/** Collects a cell's outputs in nbformat 4, merging consecutive writes to the same stream. */
class OutputCollector {
  readonly outputs: Output[] = [];
  /** Outputs by display id, for update_display_data (which may target an earlier cell). */
  private static readonly byDisplayId = new Map<string, Output & { output_type: "display_data" }>();

  stream(name: "stdout" | "stderr", text: string): void {
    const last = this.outputs[this.outputs.length - 1];
    if (last?.output_type === "stream" && last.name === name) last.text += text;
    else this.outputs.push({ output_type: "stream", name, text });
  }

  display(d: DisplayData, update: boolean): void {
    const id = d.transient?.display_id;
    if (update && id !== undefined) {
      const target = OutputCollector.byDisplayId.get(id);
      if (target !== undefined) target.data = d.data;
      return;
    }
    const output = { output_type: "display_data" as const, data: d.data, metadata: d.metadata };
    this.outputs.push(output);
    if (id !== undefined) OutputCollector.byDisplayId.set(id, output);
  }

  /** Everything written to stderr, for the failure message. */
  stderr(): string {
    return this.outputs.map((o) => (o.output_type === "stream" && o.name === "stderr" ? o.text : "")).join("");
  }
}

function toText(chunk: unknown): string {
  return typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
}

/** Stack frames of tslab, this runner, tsx and Node's vm say nothing about the notebook. */
const RUNNER_FRAME = /^\s+at .*(node_modules\/tslab\/|execute-notebook\.ts|\/tsx\/dist\/|node:vm|node:internal)/;

function withoutRunnerFrames(message: string): string {
  return message
    .split("\n")
    .filter((line) => !RUNNER_FRAME.test(line))
    .join("\n");
}

/** How often the notebook checks that the runner that started it is still there. */
const PARENT_CHECK_MS = 1000;

async function main(): Promise<number> {
  const [input, output] = process.argv.slice(2);
  if (input === undefined || output === undefined) {
    throw new Error("usage: execute-notebook.ts <in.ipynb> <out.ipynb>");
  }
  const notebook = JSON.parse(fs.readFileSync(input, "utf8")) as Notebook;
  const outputPath = path.resolve(output);
  // The kernel runs in the notebook's folder and tslab compiles with rootDir = cwd: do the same.
  process.chdir(path.dirname(path.resolve(input)));
  // A runner killed without a chance to stop us (SIGKILL) must not leave the notebook and its
  // browser running: exit when our parent changes (we were re-parented). Exit handlers run, and
  // playwright's kills the browser.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(1);
  }, PARENT_CHECK_MS).unref();

  const convs = converterSet();
  const executor = tslabExecutor.createExecutor(process.cwd(), convs, { log: console.log, error: console.error });
  let collector = new OutputCollector();
  let asyncError: unknown;
  process.on("unhandledRejection", (reason) => {
    asyncError ??= reason;
    console.error("UnhandledPromiseRejection:", reason);
  });
  process.on("uncaughtException", (error) => {
    asyncError ??= error;
    console.error("UncaughtException:", error);
  });
  process.stdout.write = ((chunk: unknown) => {
    collector.stream("stdout", toText(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => {
    collector.stream("stderr", toText(chunk));
    return true;
  }) as typeof process.stderr.write;
  tslabJupyter.lastWriteDisplayData = (d, update) => collector.display(d, update);

  const writeExecuted = () => {
    fs.mkdirSync(path.dirname(outputPath), { recursive: true });
    writeFileAtomic(outputPath, JSON.stringify(notebook, null, 1) + "\n");
  };
  let failed = 0,
    count = 0,
    running = 0,
    finished = false;
  // Reached only when a cell ended the process before the last cell finished.
  process.on("exit", (code) => {
    if (finished) return;
    const message =
      `the notebook's process exited (code ${code}) before its last cell finished; later cells did not run ` +
      "(a cell called process.exit(), or the event loop ran empty while a cell awaited)";
    collector.stream("stderr", message + "\n");
    report({ failed: running, message });
    writeExecuted();
    process.exitCode = 1;
  });
  // Cleared first, so that a copy written when a cell ends the process early shows no stale
  // outputs or counts of the source in the cells that did not run.
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    cell.outputs = [];
    cell.execution_count = null;
  }
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    count++;
    collector = new OutputCollector();
    cell.outputs = collector.outputs;
    if (failed > 0) continue;
    const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    cell.execution_count = count;
    running = count;
    report({ cell: count });
    const ok = (await executor.execute(source)) && asyncError === undefined;
    if (!ok) {
      failed = count;
      const message = withoutRunnerFrames(
        collector.stderr().trim() || String(asyncError ?? "failed without a message"),
      );
      report({ failed: count, message });
    }
  }
  executor.close();
  process.stdout.write = realStdout;
  process.stderr.write = realStderr;
  writeExecuted();
  finished = true;
  report({ done: count });
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    realStderr(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(2);
  },
);
