/**
 * danfojs-node as the notebooks use it, with the overrides of package.json: DataFrames built
 * from rows and columns, a local CSV written and read back, and none of the vulnerable packages
 * of the deprecated `request` (overridden with its maintained fork @cypress/request) installed
 * or loaded.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/** name@version of every package in the lockfile (aliases under their real name). */
function lockedPackages(): Set<string> {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { name?: string; version?: string }>;
  };
  const found = new Set<string>();
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (where === "" || entry.version === undefined) continue;
    const name = entry.name ?? where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length);
    found.add(`${name}@${entry.version}`);
  }
  return found;
}

/**
 * name@version of each package folder in node_modules (what `npm ci` laid down), one entry per
 * folder: an alias installs a second copy under its own folder name.
 */
function installedPackages(dir = path.join(ROOT, "node_modules"), found: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith("@")) {
      installedPackages(full, found);
      continue;
    }
    const manifest = path.join(full, "package.json");
    if (!entry.isDirectory() || !fs.existsSync(manifest)) continue;
    const { name, version } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name: string; version: string };
    found.push(`${name}@${version}`);
    const nested = path.join(full, "node_modules");
    if (fs.existsSync(nested)) installedPackages(nested, found);
  }
  return found;
}

/** Known-vulnerable versions the issue names (request has no fixed release). */
const VULNERABLE = ["request@2.88.2", "tough-cookie@2.5.0", "form-data@2.3.3"];

describe("dependencies", () => {
  test("no vulnerable version of request, tough-cookie or form-data is locked or installed", () => {
    const locked = lockedPackages(),
      installed = new Set(installedPackages());
    for (const pkg of VULNERABLE) {
      assert.ok(!locked.has(pkg), `${pkg} is in package-lock.json`);
      assert.ok(!installed.has(pkg), `${pkg} is in node_modules`);
    }
    assert.ok(
      [...installed].some((p) => p.startsWith("@cypress/request@")),
      "danfojs-node's request is @cypress/request",
    );
  });
});

describe("danfojs-node in the notebooks", () => {
  // Loaded here, not at the top, so the lockfile checks above report even if it fails to load.
  const dfd = require("danfojs-node") as typeof import("danfojs-node");

  test("loads the maintained request fork, not request 2.88.2", () => {
    const loaded = Object.keys(require.cache).filter((f) => /[\\/]node_modules[\\/]request[\\/]/.test(f));
    assert.ok(loaded.length > 0, "danfojs-node loads request at import");
    const manifest = path.join(
      loaded[0].slice(0, loaded[0].search(/[\\/]node_modules[\\/]request[\\/]/)),
      "node_modules",
      "request",
      "package.json",
    );
    assert.equal(JSON.parse(fs.readFileSync(manifest, "utf8")).name, "@cypress/request");
  });

  test("a DataFrame from rows and from columns, as showTable reads them", () => {
    const rows = new dfd.DataFrame([
      { bits: 8, accuracy: 99.1 },
      { bits: 4, accuracy: 98.7 },
    ]);
    assert.deepEqual(rows.columns, ["bits", "accuracy"]);
    assert.deepEqual(rows.values, [
      [8, 99.1],
      [4, 98.7],
    ]);
    const columns = new dfd.DataFrame({ epoch: [1, 2, 3], loss: [0.5, 0.25, 0.125] });
    assert.deepEqual(columns.shape, [3, 2]);
    assert.deepEqual(columns.index, [0, 1, 2]);
    // A tensor-backed statistic (danfojs computes through tfjs): exact on these dyadic values.
    assert.equal((columns.loss as import("danfojs-node").Series).sum(), 0.875);
  });

  test("a local CSV written by toCSV is read back by readCSV", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-danfo-"));
    try {
      const file = path.join(dir, "results.csv");
      const df = new dfd.DataFrame({ config: ["fp32", "wage-2888"], "energy (pJ)": [4.6, 0.23] });
      dfd.toCSV(df, { filePath: file });
      assert.equal(fs.readFileSync(file, "utf8").trim().split("\n")[0], "config,energy (pJ)");
      const back = await dfd.readCSV(file);
      assert.deepEqual(back.columns, ["config", "energy (pJ)"]);
      assert.deepEqual(back.values, [
        ["fp32", 4.6],
        ["wage-2888", 0.23],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
