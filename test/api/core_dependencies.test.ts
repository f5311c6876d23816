/**
 * lowbit's core depends on TensorFlow.js and its backends only: importing `lowbit`, or any topic
 * but lowbit/viz and lowbit/notebook, and computing on the backend it picks, loads packages of
 * tfjs and its backends and nothing else: none of the presentation packages (plotly.js,
 * playwright-core, danfojs-node, tslab). Each import runs in a fresh Node process that records
 * every file Node resolves (require, require.resolve) and what is left in require.cache. The same
 * probe on lowbit/notebook, drawing a figure as a standalone page, must see plotly.js: the probe
 * itself is shown to work.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runProcess } from "../run_process";

const ROOT = path.resolve(__dirname, "..", "..");
/** TensorFlow.js, its backends, and seedrandom (a dependency of tfjs-core). */
const CORE = new Set([
  "@tensorflow/tfjs-core",
  "@tensorflow/tfjs-layers",
  "@tensorflow/tfjs-backend-cpu",
  "@tensorflow/tfjs-backend-wasm",
  "seedrandom",
]);
const exportsMap = (
  JSON.parse(fs.readFileSync(path.join(ROOT, "lib", "package.json"), "utf8")) as { exports: Record<string, unknown> }
).exports;
const SPECIFIERS = Object.keys(exportsMap)
  .filter((key) => key !== "./package.json")
  .map((key) => path.posix.join("lowbit", key));

/** The packages (of node_modules) a child process touched while running `code` after `require(specifier)`. */
async function packagesLoaded(specifier: string, code = ""): Promise<string[]> {
  const probe = `
const Module = require("node:module");
const seen = new Set();
const resolve = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const file = resolve.apply(this, args);
  seen.add(file);
  return file;
};
const lowbit = require(${JSON.stringify(specifier)});
// The first tensor operation starts the backend lowbit picked (wasm, with lowbit's kernels).
require("lowbit/tf").add(1, 2).dataSync();
${code}
for (const file of Object.keys(require.cache)) seen.add(file);
process.stdout.write(JSON.stringify([...seen]));
`;
  const run = await runProcess(process.execPath, ["-e", probe], { cwd: ROOT, timeout: 60_000 });
  assert.equal(run.code, 0, run.stderr);
  const packages = new Set<string>();
  for (const file of JSON.parse(run.stdout) as string[]) {
    const parts = file.split(path.sep);
    const at = parts.lastIndexOf("node_modules");
    if (at < 0) continue;
    packages.add(parts[at + 1].startsWith("@") ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1]);
  }
  return [...packages].sort();
}

describe("the core loads no presentation package", () => {
  for (const specifier of SPECIFIERS.filter((s) => s !== "lowbit/viz" && s !== "lowbit/notebook")) {
    it(`${specifier}: tfjs and its backends only`, async () => {
      const loaded = await packagesLoaded(specifier);
      assert.deepEqual(
        loaded.filter((name) => !CORE.has(name)),
        [],
        `${specifier} loads ${loaded.join(", ")}`,
      );
      assert.ok(loaded.includes("@tensorflow/tfjs-backend-wasm"), "the probe sees the packages loaded");
    });
  }

  it("the probe sees plotly.js when lowbit/notebook draws a figure", async () => {
    const loaded = await packagesLoaded(
      "lowbit/notebook",
      'require("lowbit/viz").figureHtml(lowbit.lineChart([{ name: "y", y: [1, 2] }]));',
    );
    assert.deepEqual(
      loaded.filter((name) => !CORE.has(name)),
      ["plotly.js-cartesian-dist-min"],
    );
  });
});
