/**
 * Guard against the tf.tidy pitfall (issue 17): no tf.tidy in the project's .ts files or
 * notebook cells returns tensor data (tfjs walks a returned typed array element by element,
 * 1.8 s for a 1024 x 1024 result). The checker (scripts/tidy-pitfall.ts) is shown to catch
 * planted examples and to let scalars and tensors through.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  findNotebookTidyPitfalls,
  findPitfallsInFiles,
  findTidyPitfalls,
  projectFiles,
} from "../../scripts/tidy-pitfall";

const ROOT = path.resolve(__dirname, "..", "..");

describe("tf.tidy pitfall guard", () => {
  test("no tf.tidy in lib, bench, scripts, test or notebooks returns tensor data", () => {
    const files = projectFiles(ROOT);
    assert.ok(
      files.some((f) => f.endsWith(".ipynb")) && files.some((f) => f.endsWith(path.join("xnor", "xnor_matmul.ts"))),
      "scans the project",
    );
    const found = findPitfallsInFiles(files).map((p) => `${path.relative(ROOT, p.file)}:${p.line}: ${p.text}`);
    assert.deepEqual(found, [], "read data outside tf.tidy and dispose the tensor");
  });

  test("catches planted examples", () => {
    const planted = [
      "const c = tf.tidy(() => tf.matMul(a, b).dataSync());",
      "const c = tf.tidy(() => (model.predict(x) as tf.Tensor).arraySync() as number[][]);",
      "const c = tf.tidy(() => [...x.argMax(-1).dataSync()]);",
      "const c = Array.from(tf.tidy(() => x.abs().max(0).dataSync()));",
      "const c = tf.tidy(() => { const y = x.square(); const v = y.dataSync(); return v; });",
      "const c = tf.tidy(() => { return { values: x.dataSync(), n: 3 }; });",
      "const c = tf.tidy('named', () => x.dataSync().slice(0, 100));",
      "const c = tidy(() => Float64Array.from(x.dataSync()));",
      "const c = tf.tidy(() => [a.arraySync(), b.arraySync()]);",
      "const c = tf.tidy(() => flag ? x.dataSync() : y.dataSync());",
    ];
    for (const source of planted) assert.equal(findTidyPitfalls(source, "planted.ts").length, 1, source);
    const multiLine = "const z = 1;\nconst c = tf.tidy(() => {\n  return x.dataSync();\n});\n";
    assert.deepEqual(
      findTidyPitfalls(multiLine, "m.ts").map((p) => p.line),
      [2],
    );
  });

  test("lets scalars, tensors and data read outside tidy through", () => {
    const fine = [
      "const m = tf.tidy(() => x.mean().dataSync()[0]);",
      "const ok = tf.tidy(() => a.equal(b).all().dataSync()[0] === 1);",
      "const t = tf.tidy(() => tf.matMul(a, b));",
      "const t = tf.tidy(() => x.square()); const v = t.dataSync(); t.dispose();",
      "const n = tf.tidy(() => { const f = () => x.dataSync(); return f().length; });",
      "const s = tf.tidy(() => x.dataSync().length);",
    ];
    for (const source of fine) assert.deepEqual(findTidyPitfalls(source, "fine.ts"), [], source);
  });

  test("scans notebook code cells and names the cell", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidy-pitfall-"));
    try {
      const file = path.join(dir, "n.ipynb");
      fs.writeFileSync(
        file,
        JSON.stringify({
          cells: [
            { cell_type: "markdown", source: ["tf.tidy(() => x.dataSync()) in prose is not code"] },
            { cell_type: "code", source: ["const a = 1;\n", "const v = tf.tidy(() => x.dataSync());\n"] },
          ],
        }),
      );
      const found = findNotebookTidyPitfalls(file);
      assert.equal(found.length, 1);
      assert.match(found[0].file, /n\.ipynb cell 2$/);
      assert.equal(found[0].line, 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
