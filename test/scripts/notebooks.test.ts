/**
 * The headless runner (scripts/notebooks.ts) on small temporary notebooks: a passing one writes
 * its executed copy and figures; a type error, a thrown error, a hang and a cell that ends the
 * process (process.exit(0)) each fail with the cell number and the
 * real message; the exit code and the closing line say so. SIGTERM and SIGINT to the runner end
 * the notebook with every process it started (its Chromium too), checked by pid liveness.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findChromium } from "lowbit/viz";

const ROOT = path.resolve(__dirname, "..", "..");
// Inside the repository, so that `import ... from "lowbit"` resolves as in notebooks/.
fs.mkdirSync(path.join(ROOT, "out"), { recursive: true });
const dir = fs.mkdtempSync(path.join(ROOT, "out", "test-notebooks-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function notebook(name: string, cells: string[]): string {
  const file = path.join(dir, `${name}.ipynb`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      cells: [
        { cell_type: "markdown", metadata: {}, source: "# test" },
        ...cells.map((source) => ({ cell_type: "code", metadata: {}, source, outputs: [], execution_count: null })),
      ],
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
  return file;
}

describe("npm run notebooks", () => {
  // The timeout leaves the kernel time to start and run cell 1 on a busy 2-core machine.
  it("kills a notebook at the timeout and says in which cell", () => {
    const hangs = notebook("hangs", [
      'console.log("start");',
      "await new Promise((resolve) => setTimeout(resolve, 60000));",
    ]);
    const result = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(ROOT, "scripts", "notebooks.ts"),
        hangs,
        "--out",
        path.join(dir, "run-timeout"),
        "--timeout",
        "12",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /FAIL {2}hangs.*\n\s+timed out after 12 s in cell 2 .*\n0 passed, 1 failed\n$/);
  });

  it("runs each notebook in its own process and reports every failure with its cell", () => {
    const files = [
      notebook("passes", [
        'import { lineChart, show, showTable } from "lowbit/notebook";\nconsole.log("hello from cell 1");',
        'await show(lineChart([{ name: "curve", y: [3, 1, 2] }], { title: "Runner test" }));',
        'showTable({ columns: ["bits"], index: [0], values: [[8]] });',
      ]),
      notebook("type-error", ["const ok = 1;", 'const bits: number = "eight";', 'console.log("not reached");']),
      notebook("throws", ['throw new RangeError("bits must be in [1, 32]");']),
    ];
    const out = path.join(dir, "run");
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "scripts", "notebooks.ts"), ...files, "--out", out],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, LOWBIT_PROFILE: "smoke" } },
    );
    const stdout = result.stdout;
    assert.equal(result.status, 1, stdout + result.stderr);
    const lines = stdout.trimEnd().split("\n");
    assert.equal(lines[lines.length - 1], "1 passed, 2 failed");
    assert.match(stdout, /^ok {4}passes/m);
    assert.match(stdout, /FAIL {2}type-error.*\n\s+cell 2: 1:7 - Type 'string' is not assignable to type 'number'\./);
    assert.match(stdout, /FAIL {2}throws.*\n\s+cell 1: [\s\S]*RangeError: bits must be in \[1, 32\]/);

    const executed = JSON.parse(fs.readFileSync(path.join(out, "passes.ipynb"), "utf8"));
    const code = executed.cells.filter((c: { cell_type: string }) => c.cell_type === "code");
    assert.deepEqual(
      code.map((c: { execution_count: number }) => c.execution_count),
      [1, 2, 3],
    );
    assert.deepEqual(code[0].outputs, [{ output_type: "stream", name: "stdout", text: "hello from cell 1\n" }]);
    // One output per figure: the static image's update replaced the interactive-only first one.
    assert.equal(code[1].outputs.length, 1);
    const figureHtml: string = code[1].outputs[0].data["text/html"];
    assert.doesNotMatch(figureHtml, /plotly\.js v\d/, "the bundle is not in the notebook");
    assert.match(figureHtml, /"nbextensions\/lowbit\/plotly-[\d.]+\.min\.js"/, "it is loaded from the Jupyter server");
    assert.ok(figureHtml.length < 100 * 1024, `a figure's output is ${figureHtml.length} characters`);
    assert.match(figureHtml, /<img alt="Runner test"[^>]+src="data:image\/svg\+xml;base64,/, "static fallback image");
    assert.match(code[2].outputs[0].data["text/html"], /<table class="dataframe lowbit-table">/);
    assert.ok(fs.statSync(path.join(out, "passes", "01-runner-test.svg")).size > 1000);
    assert.ok(fs.statSync(path.join(out, "passes", "01-runner-test.png")).size > 1000);

    const failed = JSON.parse(fs.readFileSync(path.join(out, "type-error.ipynb"), "utf8"));
    assert.deepEqual(
      failed.cells.slice(1).map((c: { execution_count: number | null }) => c.execution_count),
      [1, 2, null],
    );
  });

  it("fails a notebook whose cell calls process.exit(0), and still writes the executed copy", () => {
    const files = [notebook("exits", ['console.log("cell 1");', "process.exit(0);", 'console.log("never");'])];
    const out = path.join(dir, "run-exits");
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "scripts", "notebooks.ts"), ...files, "--out", out, "--timeout", "120"],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /FAIL {2}exits.*\n\s+cell 2: the notebook's process exited \(code 0\) before its last cell finished/,
    );
    assert.match(result.stdout, /\n0 passed, 1 failed\n$/);
    const executed = JSON.parse(fs.readFileSync(path.join(out, "exits.ipynb"), "utf8"));
    const code = executed.cells.filter((c: { cell_type: string }) => c.cell_type === "code");
    assert.deepEqual(
      code.map((c: { execution_count: number | null }) => c.execution_count),
      [1, 2, null],
    );
    assert.match(code[1].outputs[0].text, /exited \(code 0\)/);
    assert.deepEqual(code[2].outputs, []);
  });

  it("clears a notebook's stored outputs before executing it, and --record sets LOWBIT_RECORD=1", () => {
    // Committed notebooks carry the outputs of a recorded run: none may survive into a new copy,
    // neither in a cell that runs nor in one that a failure keeps from running.
    const stale = { output_type: "stream", name: "stdout", text: "stale output of an earlier run\n" };
    const cell = (source: string) => ({
      cell_type: "code",
      metadata: {},
      source,
      outputs: [stale],
      execution_count: 7,
    });
    const file = path.join(dir, "stored-outputs.ipynb");
    fs.writeFileSync(
      file,
      JSON.stringify({
        cells: [
          cell('console.log(`record: ${process.env.LOWBIT_RECORD ?? "unset"}`);'),
          cell('throw new Error("stop here");'),
          cell('console.log("never");'),
        ],
        metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
        nbformat: 4,
        nbformat_minor: 5,
      }),
    );
    const env = { ...process.env };
    delete env.LOWBIT_RECORD;
    for (const record of [false, true]) {
      const out = path.join(dir, `run-stored-${record}`);
      const args = [path.join(ROOT, "scripts", "notebooks.ts"), file, "--out", out, ...(record ? ["--record"] : [])];
      const result = spawnSync(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, encoding: "utf8", env });
      assert.equal(result.status, 1, result.stdout + result.stderr);
      const code = JSON.parse(fs.readFileSync(path.join(out, "stored-outputs.ipynb"), "utf8")).cells;
      assert.deepEqual(code[0].outputs, [
        { output_type: "stream", name: "stdout", text: `record: ${record ? "1" : "unset"}\n` },
      ]);
      assert.equal(code[0].execution_count, 1);
      assert.ok(
        code[1].outputs.every((o: { text?: string }) => !o.text?.includes("stale")),
        JSON.stringify(code[1].outputs),
      );
      assert.deepEqual([code[2].outputs, code[2].execution_count], [[], null]);
    }
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    // Chromium (for SIGTERM, where installed) and a detached grandchild are in process groups of
    // their own, as playwright starts Chromium: killing the notebook or its group does not reach them.
    const browser = signal === "SIGTERM" && (findChromium() !== undefined || process.env.CI !== undefined);
    it(`${signal} to the runner ends the notebook and everything it started${browser ? ", Chromium included" : ""}`, async () => {
      const ready = path.join(dir, `${signal}.ready`),
        late = path.join(dir, `${signal}.late`);
      const svg = JSON.stringify(path.join(dir, `${signal}.svg`));
      const render = browser ? `await exportFigure(lineChart([{ name: "y", y: [1, 2] }]), ${svg});` : "";
      const file = notebook(`signal-${signal}`, [
        'import { spawn } from "child_process";\nimport * as fs from "fs";\nimport { exportFigure, lineChart } from "lowbit/notebook";\n' +
          'spawn("sleep", ["600"], { detached: true, stdio: "ignore" });',
        // The late file exists before ready: the runner may be killed before the loop's first write.
        `${render}\nfs.writeFileSync(${JSON.stringify(late)}, "before the loop");\n` +
          `fs.writeFileSync(${JSON.stringify(ready)}, "ready");\n` +
          `for (;;) { ${render} fs.writeFileSync(${JSON.stringify(late)}, String(Date.now())); await new Promise((r) => setTimeout(r, 100)); }`,
      ]);
      const runner = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          path.join(ROOT, "scripts", "notebooks.ts"),
          file,
          "--out",
          path.join(dir, `run-${signal}`),
          "--timeout",
          "600",
        ],
        { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stdout = "";
      runner.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
      });
      const exited = new Promise<number | null>((resolve) => runner.on("close", (code) => resolve(code)));
      try {
        // Generous: tsx, the TypeScript compiler and Chromium start slowly on a busy machine.
        for (let waited = 0; !fs.existsSync(ready); waited += 100) {
          assert.ok(waited < 240_000, `the notebook did not get ready: ${stdout}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        const tree = descendantsByPs(runner.pid!);
        const commands = tree.map(commandOf).join("\n");
        assert.match(commands, /sleep/, commands);
        if (browser) assert.match(commands, /chrom/i, commands);
        runner.kill(signal);
        const code = await exited;
        assert.equal(code, 128 + os.constants.signals[signal], stdout);
        assert.match(
          stdout,
          new RegExp(`FAIL {2}signal-${signal}\\n\\s+interrupted by ${signal}\\n0 passed, 1 failed\\n$`),
        );
        // SIGKILLed before the runner exits, but a process with many threads takes a moment to go.
        for (let waited = 0; tree.some(isAlive) && waited < 20_000; waited += 100)
          await new Promise((r) => setTimeout(r, 100));
        assert.deepEqual(
          tree.filter(isAlive).map((pid) => `${pid} ${commandOf(pid)}`),
          [],
          "every process of the notebook is gone",
        );
        const last = fs.readFileSync(late, "utf8");
        await new Promise((r) => setTimeout(r, 1000));
        assert.equal(fs.readFileSync(late, "utf8"), last, "nothing writes after the runner ended");
      } finally {
        if (runner.exitCode === null) runner.kill("SIGKILL");
      }
    });
  }
});

/** Every descendant of `root`, from ps's parent links (independent of the runner's own /proc walk). */
function descendantsByPs(root: number): number[] {
  const rows = spawnSync("ps", ["-e", "-o", "pid=,ppid="], { encoding: "utf8" }).stdout.trim().split("\n");
  const links = rows.map((row) => row.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  for (let frontier = [root]; frontier.length > 0;) {
    frontier = links.filter(([, parent]) => frontier.includes(parent)).map(([pid]) => pid);
    found.push(...frontier);
  }
  return found;
}

/** A process is alive when it exists and is not a zombie (an orphan waiting for a reaper that is dead). */
function isAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return false;
  }
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").slice(0, 120);
  } catch {
    return "(gone)";
  }
}
