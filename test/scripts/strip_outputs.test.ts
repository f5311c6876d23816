/**
 * The notebook output filter: alone on a notebook, and as the clean filter of a real git
 * repository (what `git add` stores is stripped, the working copy keeps its outputs).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stripOutputs } from "../../scripts/strip-outputs";

const ROOT = path.resolve(__dirname, "..", "..");

function notebook(metadata: object = {}): string {
  return (
    JSON.stringify(
      {
        cells: [
          { cell_type: "markdown", id: "a", metadata: {}, source: ["# Größe"] },
          {
            cell_type: "code",
            execution_count: 3,
            id: "b",
            metadata: {},
            source: ["show(fig)"],
            outputs: [{ output_type: "display_data", data: { "text/html": "<div>figure</div>" }, metadata: {} }],
          },
        ],
        metadata,
        nbformat: 4,
        nbformat_minor: 5,
      },
      null,
      1,
    ) + "\n"
  );
}

describe("stripOutputs", () => {
  test("empties outputs and execution counts of code cells, keeps the rest and non-ASCII text", () => {
    const stripped = JSON.parse(stripOutputs(notebook()));
    assert.deepEqual(stripped.cells[1].outputs, []);
    assert.equal(stripped.cells[1].execution_count, null);
    assert.deepEqual(stripped.cells[1].source, ["show(fig)"]);
    assert.match(stripOutputs(notebook()), /# Größe/);
  });

  test("a clean notebook and one marked keep_outputs come back byte for byte", () => {
    const clean = stripOutputs(notebook());
    assert.equal(stripOutputs(clean), clean);
    const kept = notebook({ lowbit: { keep_outputs: true } });
    assert.equal(stripOutputs(kept), kept);
  });

  test("as git's clean filter: the index holds no outputs, the working copy keeps them", () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-strip-"));
    try {
      const git = (...args: string[]) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" });
      git("init", "-q");
      fs.copyFileSync(path.join(ROOT, ".gitattributes"), path.join(repo, ".gitattributes"));
      fs.mkdirSync(path.join(repo, "notebooks"));
      fs.writeFileSync(path.join(repo, "notebooks", "x.ipynb"), notebook());
      // The README's command, with the script's absolute path (the filter runs in the repository).
      git(
        "config",
        "filter.lowbit-outputs.clean",
        `node --import ${JSON.stringify(require.resolve("tsx"))} ${JSON.stringify(path.join(ROOT, "scripts", "strip-outputs.ts"))}`,
      );
      git("add", "notebooks/x.ipynb");
      const stored = JSON.parse(git("show", ":notebooks/x.ipynb"));
      assert.deepEqual(stored.cells[1].outputs, []);
      assert.equal(
        JSON.parse(fs.readFileSync(path.join(repo, "notebooks", "x.ipynb"), "utf8")).cells[1].outputs.length,
        1,
      );
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });
});
