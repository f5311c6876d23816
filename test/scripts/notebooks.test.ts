/**
 * The headless runner (scripts/notebooks.ts) on small temporary notebooks: a passing one writes
 * its executed copy and figures; a type error, a thrown error and a hang each fail with the
 * cell number and the real message; the exit code and the closing line say so.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
// Inside the repository, so that `import ... from "lowbit"` resolves as in notebooks/.
fs.mkdirSync(path.join(ROOT, "out"), { recursive: true });
const dir = fs.mkdtempSync(path.join(ROOT, "out", "test-notebooks-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function notebook(name: string, cells: string[]): string {
  const file = path.join(dir, `${name}.ipynb`);
  fs.writeFileSync(file, JSON.stringify({
    cells: [{ cell_type: "markdown", metadata: {}, source: "# test" },
      ...cells.map((source) => ({ cell_type: "code", metadata: {}, source, outputs: [], execution_count: null }))],
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    nbformat: 4, nbformat_minor: 5,
  }));
  return file;
}

describe("npm run notebooks", () => {
  // The timeout leaves the kernel time to start and run cell 1 on a busy 2-core machine.
  it("kills a notebook at the timeout and says in which cell", () => {
    const hangs = notebook("hangs", ['console.log("start");', "await new Promise((resolve) => setTimeout(resolve, 60000));"]);
    const result = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "notebooks.ts"),
      hangs, "--out", path.join(dir, "run-timeout"), "--timeout", "12"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /FAIL {2}hangs.*\n\s+timed out after 12 s in cell 2 .*\n0 passed, 1 failed\n$/);
  });

  it("runs each notebook in its own process and reports every failure with its cell", () => {
    const files = [
      notebook("passes", [
        'import { lineChart, show, showTable } from "lowbit";\nconsole.log("hello from cell 1");',
        'await show(lineChart([{ name: "curve", y: [3, 1, 2] }], { title: "Runner test" }));',
        'showTable({ columns: ["bits"], index: [0], values: [[8]] });',
      ]),
      notebook("type-error", ["const ok = 1;", 'const bits: number = "eight";', 'console.log("not reached");']),
      notebook("throws", ['throw new RangeError("bits must be in [1, 32]");']),
    ];
    const out = path.join(dir, "run");
    const result = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "notebooks.ts"),
      ...files, "--out", out], { cwd: ROOT, encoding: "utf8", env: { ...process.env, LOWBIT_PROFILE: "smoke" } });
    const stdout = result.stdout;
    assert.equal(result.status, 1, stdout + result.stderr);
    const lines = stdout.trimEnd().split("\n");
    assert.equal(lines[lines.length - 1], "1 passed, 2 failed");
    assert.match(stdout, /^ok {4}passes/m);
    assert.match(stdout, /FAIL {2}type-error.*\n\s+cell 2: 1:7 - Type 'string' is not assignable to type 'number'\./);
    assert.match(stdout, /FAIL {2}throws.*\n\s+cell 1: [\s\S]*RangeError: bits must be in \[1, 32\]/);

    const executed = JSON.parse(fs.readFileSync(path.join(out, "passes.ipynb"), "utf8"));
    const code = executed.cells.filter((c: { cell_type: string }) => c.cell_type === "code");
    assert.deepEqual(code.map((c: { execution_count: number }) => c.execution_count), [1, 2, 3]);
    assert.deepEqual(code[0].outputs, [{ output_type: "stream", name: "stdout", text: "hello from cell 1\n" }]);
    const figureHtml: string = code[1].outputs[0].data["text/html"];
    assert.match(figureHtml, /plotly\.js v\d/, "the bundle is sent with the first figure");
    assert.match(figureHtml, /<img alt="Runner test"[^>]+src="data:image\/svg\+xml;base64,/, "static fallback image");
    assert.match(code[2].outputs[0].data["text/html"], /<table class="dataframe lowbit-table">/);
    assert.ok(fs.statSync(path.join(out, "passes", "01-runner-test.svg")).size > 1000);
    assert.ok(fs.statSync(path.join(out, "passes", "01-runner-test.png")).size > 1000);

    const failed = JSON.parse(fs.readFileSync(path.join(out, "type-error.ipynb"), "utf8"));
    assert.deepEqual(failed.cells.slice(1).map((c: { execution_count: number | null }) => c.execution_count), [1, 2, null]);
  });
});
