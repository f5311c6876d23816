/**
 * Registering the tslab kernel: jupyter_core's rules for the user's data directory,
 * writeKernelSpec's file, and the two commands that call it (lowbit kernel, npm run kernel --
 * --user), each writing into a temporary JUPYTER_DATA_DIR, never into the real home.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { jupyterDataDir, writeKernelSpec } from "lowbit/notebook";
import { findTslab } from "../../lib/dist/nb/kernel_spec";
import { type ProcessResult, runProcess } from "../run_process";

const ROOT = path.resolve(__dirname, "..", "..");
const TSLAB = path.join(ROOT, "node_modules", "tslab", "bin", "tslab");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-kernel-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], env: NodeJS.ProcessEnv): Promise<ProcessResult> {
  return runProcess(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
}

describe("jupyterDataDir without the jupyter command: jupyter_core's rules", () => {
  const home = "/home/u";
  const dir = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv) =>
    jupyterDataDir({ platform, env, home, askJupyter: false });
  it("JUPYTER_DATA_DIR first, on every platform", () => {
    for (const platform of ["linux", "darwin", "win32"] as const)
      assert.equal(dir(platform, { JUPYTER_DATA_DIR: "/d" }), "/d");
  });
  it("Linux: $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter", () => {
    assert.equal(dir("linux", {}), "/home/u/.local/share/jupyter");
    assert.equal(dir("linux", { XDG_DATA_HOME: "/x" }), "/x/jupyter");
    assert.equal(dir("linux", { XDG_DATA_HOME: "" }), "/home/u/.local/share/jupyter");
  });
  it("macOS: ~/Library/Jupyter; Windows: %APPDATA%\\jupyter, else <config dir>/data", () => {
    assert.equal(dir("darwin", { XDG_DATA_HOME: "/x" }), "/home/u/Library/Jupyter");
    assert.equal(dir("win32", { APPDATA: "/appdata" }), path.join("/appdata", "jupyter"));
    assert.equal(dir("win32", {}), path.join(home, ".jupyter", "data"));
    assert.equal(dir("win32", { JUPYTER_CONFIG_DIR: "/c" }), path.join("/c", "data"));
  });
});

describe("writeKernelSpec", () => {
  it("writes kernels/<name>/kernel.json with absolute paths to this Node and tslab", () => {
    const written = writeKernelSpec({ dataDir: path.join(tmp, "lib"), tslab: TSLAB });
    assert.equal(written.file, path.join(tmp, "lib", "kernels", "tslab", "kernel.json"));
    assert.deepEqual(JSON.parse(fs.readFileSync(written.file, "utf8")), {
      argv: [process.execPath, TSLAB, "kernel", "--config-path", "{connection_file}"],
      display_name: "TypeScript (lowbit)",
      language: "typescript",
    });
    assert.equal(findTslab([ROOT]), TSLAB, "tslab is found from a folder that installed it");
  });
  it("refuses a name Jupyter would not accept, and a missing tslab, naming what to do", () => {
    assert.throws(
      () => writeKernelSpec({ dataDir: tmp, name: "my kernel", tslab: TSLAB }),
      /kernel name must be ASCII letters/,
    );
    assert.throws(
      () => writeKernelSpec({ dataDir: tmp, tslab: path.join(tmp, "no-tslab") }),
      /tslab kernel is not installed.*npm install tslab@1\.0\.22/,
    );
    assert.throws(() => findTslab([os.tmpdir()]), /tslab kernel is not installed \(looked from /);
  });
});

describe("the commands", () => {
  it("npm run kernel -- --user and lowbit kernel write into the user's Jupyter data directory", async () => {
    const user = path.join(tmp, "user"),
      other = path.join(tmp, "other");
    const [script, cli] = await Promise.all([
      run(["scripts/kernel.ts", "--user"], { JUPYTER_DATA_DIR: user }),
      run(["lib/cli.ts", "kernel", "--json"], { JUPYTER_DATA_DIR: other }),
    ]);
    assert.equal(script.code, 0, script.stderr);
    assert.match(script.stdout, new RegExp(`written to ${path.join(user, "kernels", "tslab", "kernel.json")}`));
    assert.equal(
      JSON.parse(fs.readFileSync(path.join(user, "kernels", "tslab", "kernel.json"), "utf8")).argv[1],
      TSLAB,
    );
    assert.equal(cli.code, 0, cli.stderr);
    const o = JSON.parse(cli.stdout);
    assert.deepEqual(
      [o.name, o.dataDir, o.file],
      ["tslab", other, path.join(other, "kernels", "tslab", "kernel.json")],
    );
    assert.ok(fs.existsSync(o.file));
  });
});
