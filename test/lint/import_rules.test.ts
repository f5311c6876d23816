/**
 * The import rules of .oxlintrc.json catch what they are meant to: `npm test` runs the linter over
 * the repository (where nothing is flagged), so these fixtures show, in a scratch project with
 * the same configuration, that an import cycle (also one through a folder's index.ts) and an
 * import of lib/models from lib/hw fail the lint.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const OXLINT = path.join(ROOT, "node_modules", "oxlint", "bin", "oxlint");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-lint-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Lints `files` (path -> source) in a fresh project with the repository's .oxlintrc.json. */
function lint(name: string, files: Record<string, string>): { status: number | null; findings: string[] } {
  const project = path.join(dir, name);
  for (const [file, source] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    fs.writeFileSync(path.join(project, file), source);
  }
  fs.copyFileSync(path.join(ROOT, ".oxlintrc.json"), path.join(project, ".oxlintrc.json"));
  const run = spawnSync(process.execPath, [OXLINT, "--format", "json", "."], { cwd: project, encoding: "utf8" });
  const report = JSON.parse(run.stdout) as { diagnostics: { filename: string; code: string }[] };
  const findings = report.diagnostics.map((d) => `${d.filename} ${d.code}`);
  return { status: run.status, findings: findings.sort() };
}

describe("import rules (.oxlintrc.json)", () => {
  it("accepts a project without cycles or forbidden imports", () => {
    const result = lint("clean", {
      "lib/core/a.ts": "export const a = 1;\n",
      "lib/hw/cost.ts": 'import { a } from "../core/a";\n\nexport const cost = a;\n',
    });
    assert.deepEqual(result.findings, []);
    assert.equal(result.status, 0);
  });

  it("reports every file of an import cycle, also one that runs through a folder's index.ts", () => {
    const result = lint("cycle", {
      "lib/accum/a.ts": 'import { c } from "../quant";\n\nexport const a = (): number => c();\n',
      "lib/quant/index.ts": 'export { c } from "./c";\n',
      "lib/quant/c.ts": 'import { a } from "../accum/a";\n\nexport const c = (): number => a();\n',
    });
    assert.deepEqual(result.findings, [
      "lib/accum/a.ts import(no-cycle)",
      "lib/quant/c.ts import(no-cycle)",
      "lib/quant/index.ts import(no-cycle)",
    ]);
    assert.equal(result.status, 1);
  });

  it("forbids lib/hw to import lib/models, by file or by the folder's index", () => {
    const result = lint("hw-models", {
      "lib/models/lenet5.ts": "export const lenet5 = 5;\n",
      "lib/models/index.ts": 'export { lenet5 } from "./lenet5";\n',
      "lib/hw/by_file.ts": 'import { lenet5 } from "../models/lenet5";\n\nexport const x = lenet5;\n',
      "lib/hw/by_folder.ts": 'import { lenet5 } from "../models";\n\nexport const y = lenet5;\n',
      "lib/accum/uses_models.ts": 'import { lenet5 } from "../models";\n\nexport const z = lenet5;\n',
    });
    assert.deepEqual(result.findings, [
      "lib/hw/by_file.ts eslint(no-restricted-imports)",
      "lib/hw/by_folder.ts eslint(no-restricted-imports)",
    ]);
    assert.equal(result.status, 1);
  });
});
