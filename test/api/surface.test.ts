/**
 * The public surface of lowbit (lib/package.json, lib/index.ts): one subpath per topic, each
 * resolving for Node (require, through "exports") and for TypeScript (node10 resolution through
 * "typesVersions", node16 through "exports"), each with a module doc; a top level of at most 100
 * runtime values without generic names, every one of them also in its topic; and the names that
 * were public only for tests stay internal (tests import them from lib/dist's module files).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");
const LIB = path.join(ROOT, "lib");
const manifest = JSON.parse(fs.readFileSync(path.join(LIB, "package.json"), "utf8")) as {
  exports: Record<string, string | { types: string; default: string }>;
  typesVersions: Record<string, Record<string, string[]>>;
};

/** Every subpath lowbit exports as code ("." included), with its declaration and JavaScript files. */
const ENTRIES = Object.entries(manifest.exports).flatMap(([key, target]) =>
  typeof target === "string" ? [] : [{ key, specifier: path.posix.join("lowbit", key), ...target }],
);
const TOPICS = ENTRIES.filter((e) => e.key !== "." && e.key !== "./tf");

/** The runtime values a specifier exports, loaded as a user of the package would. */
const valuesOf = (specifier: string): string[] => Object.keys(require(specifier) as object);

describe("the public API by topic", () => {
  it("has the topics of the issue, and tf", () => {
    assert.deepEqual(
      ENTRIES.map((e) => e.specifier).sort(),
      [
        "lowbit",
        "lowbit/accum",
        "lowbit/backend",
        "lowbit/core",
        "lowbit/data",
        "lowbit/hw",
        "lowbit/layers",
        "lowbit/models",
        "lowbit/notebook",
        "lowbit/quant",
        "lowbit/stats",
        "lowbit/sweep",
        "lowbit/tf",
        "lowbit/train",
        "lowbit/viz",
      ].sort(),
    );
  });

  it("each subpath resolves with require to the file that exports names, the same instance as lib/dist", () => {
    for (const entry of ENTRIES) {
      const file = require.resolve(entry.specifier);
      assert.equal(file, path.join(LIB, entry.default), entry.specifier);
      assert.ok(fs.existsSync(path.join(LIB, entry.types)), `${entry.types} exists`);
      assert.ok(valuesOf(entry.specifier).length > 0, `${entry.specifier} exports values`);
    }
  });

  it("each subpath resolves for TypeScript: node10 through typesVersions, node16 through exports", () => {
    const from = path.join(ROOT, "test", "api", "surface.test.ts");
    for (const entry of ENTRIES) {
      for (const moduleResolution of [ts.ModuleResolutionKind.Node10, ts.ModuleResolutionKind.Node16]) {
        const { resolvedModule } = ts.resolveModuleName(
          entry.specifier,
          from,
          { moduleResolution, module: ts.ModuleKind.Node16 },
          ts.sys,
          undefined,
          undefined,
          ts.ModuleKind.CommonJS,
        );
        assert.equal(
          resolvedModule?.resolvedFileName,
          path.join(LIB, entry.types),
          `${entry.specifier} (${ts.ModuleResolutionKind[moduleResolution]})`,
        );
      }
    }
    // typesVersions names the same files as exports, for TypeScript's node10 resolution.
    for (const entry of ENTRIES.filter((e) => e.key !== "."))
      assert.deepEqual(manifest.typesVersions["*"][entry.key.slice(2)], [entry.types.slice(2)], entry.key);
  });

  it("lowbit/tf's declarations carry tfjs's chained methods (x.argMax()), for a program that imports only lowbit", () => {
    // As tslab compiles a notebook: node10 resolution, ES2020, the cell the only source file.
    const file = path.join(ROOT, "notebooks", "chained_methods.ts");
    const source = [
      'import * as tf from "lowbit/tf";',
      'import { quantize, fixedPoint } from "lowbit";',
      "const x: tf.Tensor = quantize(tf.tensor([0.3, -1.2]), fixedPoint({ bits: 4, frac: 2 }));",
      "export const i: tf.Tensor = x.argMax().add(x.abs().max()).transpose();",
      "",
    ].join("\n");
    const options: ts.CompilerOptions = {
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      target: ts.ScriptTarget.ES2020,
      skipLibCheck: true,
      noEmit: true,
      types: [],
    };
    const host = ts.createCompilerHost(options);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (name, ...rest) =>
      name === file ? ts.createSourceFile(name, source, ts.ScriptTarget.ES2020) : read(name, ...rest);
    const exists = host.fileExists.bind(host);
    host.fileExists = (name) => name === file || exists(name);
    const diagnostics = ts.getPreEmitDiagnostics(ts.createProgram([file], options, host));
    assert.deepEqual(
      diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")),
      [],
    );
  });

  it("each topic has a module doc that names its subpath, and the top level's doc lists every topic", () => {
    for (const entry of [...TOPICS, ENTRIES.find((e) => e.key === "./tf")!]) {
      const source = path.join(LIB, entry.default.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts"));
      const doc = /^\/\*\*([\s\S]*?)\*\//.exec(fs.readFileSync(source, "utf8"));
      assert.ok(doc !== null, `${source} begins with a module doc`);
      assert.ok(doc[1].includes(`\`${entry.specifier}\``), `${source}'s doc names ${entry.specifier}`);
      assert.ok(doc[1].split("\n").length >= 3, `${source}'s doc says what the topic holds`);
    }
    const top = /^\/\*\*([\s\S]*?)\*\//.exec(fs.readFileSync(path.join(LIB, "index.ts"), "utf8"));
    assert.ok(top !== null);
    for (const entry of ENTRIES.filter((e) => e.key !== "."))
      assert.match(top[1], new RegExp(`\\s${entry.specifier}\\s`), `lib/index.ts lists ${entry.specifier}`);
  });

  it("the top level: at most 100 runtime values, every one also in a topic", () => {
    const top = valuesOf("lowbit");
    assert.ok(top.length <= 100, `lowbit exports ${top.length} values`);
    const inTopics = new Set(TOPICS.flatMap((e) => valuesOf(e.specifier)));
    assert.deepEqual(
      top.filter((name) => !inTopics.has(name)),
      [],
      "top-level names missing from every topic",
    );
  });

  it("the top level has no generic names: they live in their topic only", () => {
    const top = new Set(valuesOf("lowbit"));
    const generic: Record<string, string> = {
      sigma: "lowbit/quant",
      shift: "lowbit/quant",
      binary: "lowbit/quant",
      ternary: "lowbit/quant",
      integer: "lowbit/quant",
      encode: "lowbit/quant",
      decode: "lowbit/quant",
      summary: "lowbit/layers",
      train: "lowbit/train",
      cost: "lowbit/hw",
      profile: "lowbit/notebook",
      show: "lowbit/notebook",
    };
    for (const [name, topic] of Object.entries(generic)) {
      assert.ok(!top.has(name), `${name} is not top-level`);
      assert.ok(valuesOf(topic).includes(name), `${name} is in ${topic}`);
    }
  });

  it("names that only tests used are not public; tests reach them in lib/dist's modules", () => {
    const internal: Record<string, string[]> = {
      "backend/wasm_kernels": ["registerWasmKernels"],
      "core/random": ["elementHash", "hash32", "hashKey", "uniform32"],
      "core/atomic_write": ["removeStaleTemporaryFiles"],
      "core/flags": ["describeRange"],
      "data/number_translation": ["numberSplit"],
      "data/text_corpus": ["DEVILS_DICTIONARY_FILE", "prepareDevilsDictionary"],
      "hw/configs": ["resolveHwConfig"],
      "hw/dsp": ["multiplierTarget"],
      "layers/model_layers": ["builtModelLayers", "modelWeightLayers"],
      "layers/sq_weight": ["isSqWeight"],
      "models/wage_integer": ["pixelCodes", "shiftRoundHalfEven"],
      "models/zoo_quant": ["splitAtBatchNorm"],
      "networks/network_spec": ["checkNetworkSpec"],
      "networks/network_layer": ["layerFigures"],
      "nb/kernel_spec": ["findTslab"],
      "quant/kernels/statistics": ["countAbove", "maxAbsOf"],
      "quant/straight_through": ["transformGradient"],
      "quant/formats/fixed_point": ["fixedPointCodeRange"],
      "quant/formats/scaled": ["scaledLabel"],
      "quant/scaled/quantize_scaled": ["quantizeScaled", "scaledElements", "elementMax"],
      "quant/scaled/instances": ["blockFloatingPointAsScaled"],
      "quant/sq/per_channel": ["perChannelQuantize"],
      "quant/sq/schedule": ["checkSqRatio"],
      "stats/student_t": ["regularizedBeta"],
      "viz/plotly_nbextension": ["installPlotlyNbextension", "plotlyNbextensionUrl", "plotlyVersion"],
      "viz/renderer": ["renderImage"],
      "xnor/packed_signs": ["packedWordsPerRow", "unpackSigns"],
    };
    const everywhere = new Set(ENTRIES.filter((e) => e.key !== "./tf").flatMap((e) => valuesOf(e.specifier)));
    for (const [file, names] of Object.entries(internal)) {
      const module = require(path.join(LIB, "dist", file)) as Record<string, unknown>;
      for (const name of names) {
        assert.ok(name in module, `lib/dist/${file} exports ${name}`);
        assert.ok(!everywhere.has(name), `${name} is not public`);
      }
    }
  });
});
