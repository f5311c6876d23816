/**
 * The README's performance section is generated from the committed benchmark reports
 * (scripts/bench-readme.ts): the section in README.md must equal what the committed
 * data/bench/*.json generate, so no figure there is typed or stale; the report carries the
 * machine and a baseline with every XNOR figure; the section replacement keeps the rest.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  committedReports,
  END,
  markdownTable,
  performanceSection,
  replaceSection,
  START,
} from "../../scripts/bench-readme";

const ROOT = path.resolve(__dirname, "..", "..");
const SOURCE = "data/bench/bench.json";

describe("npm run bench:readme", () => {
  test("README.md's performance section is the one the committed reports generate", () => {
    const reports = committedReports().map((source) => ({
      source,
      report: JSON.parse(fs.readFileSync(path.join(ROOT, source), "utf8")),
    }));
    assert.ok(reports.some((r) => r.source === SOURCE));
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    assert.equal(readme, replaceSection(readme, performanceSection(reports)), "run npm run bench:readme");
  });

  test("each report in the section names the command that measured it and its machine", () => {
    const report = JSON.parse(fs.readFileSync(path.join(ROOT, SOURCE), "utf8"));
    const section = performanceSection([{ report, source: "data/bench/x.json" }]);
    assert.match(
      section,
      new RegExp(`npm run bench -- ${Object.keys(report.benchmarks).join(" ")} --json data/bench/x\\.json`),
    );
    assert.match(section, /Machine: .*2 logical cores/);
  });

  test("the committed report names the machine and pairs each XNOR figure with its float baseline", () => {
    const report = JSON.parse(fs.readFileSync(path.join(ROOT, SOURCE), "utf8"));
    for (const key of ["cpuModel", "cores", "node", "backend", "date", "loadAverage"])
      assert.ok(key in report.machine, key);
    const rows = report.benchmarks.xnor.flatMap((f: { rows?: Record<string, unknown>[] }) => f.rows ?? []);
    const gemms = rows.filter((r: Record<string, unknown>) => "M x K x N" in r);
    assert.deepEqual(
      gemms.map((r: Record<string, unknown>) => r["M x K x N"]),
      ["1024 x 1024 x 1024", "4096 x 4096 x 1024"],
    );
    for (const r of gemms) {
      for (const key of [
        "fastest float GEMM",
        "float G MAC/s",
        "float / float peak",
        "xnor G MAC/s",
        "speedup",
        "speedup (CPU time)",
      ])
        assert.ok(key in r, key);
      assert.equal(r.exact, "yes");
    }
  });

  test("replaces only the text between the markers, and says when they are missing", () => {
    const readme = `# x\n\n${START}\nold\n${END}\n\nrest\n`;
    assert.equal(replaceSection(readme, "new"), `# x\n\n${START}\nnew\n${END}\n\nrest\n`);
    assert.throws(() => replaceSection("# x\n", "new"), /no <!-- bench:start --> \.\.\. <!-- bench:end --> section/);
    assert.equal(
      markdownTable([
        { a: 1, b: "x|y" },
        { a: 2, c: 3 },
      ]),
      "| a | b | c |\n| --- | --- | --- |\n| 1 | x\\|y |  |\n| 2 |  | 3 |",
    );
  });
});
