/**
 * One TensorFlow.js: lowbit's modules, `lowbit/tf` and danfojs-node (through shims/tfjs-node)
 * share one tfjs-core, whose gradients and chained methods lowbit registers from its build-time
 * bundle (scripts/build-tfjs-registrations.ts), and only one copy of tfjs-core is installed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "lowbit/tf";

const ROOT = path.resolve(__dirname, "..", "..");

test("gradients and chained methods are registered on lowbit's tfjs", () => {
  const x = tf.tensor1d([1, -2, 3]);
  const g = tf.grad((v: tf.Tensor) => v.square().sum())(x);
  assert.deepEqual([...g.dataSync()], [2, -4, 6]);
  assert.equal(x.abs().max().dataSync()[0], 3);
  // Every kernel with a gradient in tfjs-core has one here (the bundle registered them all).
  for (const kernel of ["BatchMatMul", "Conv2D", "Relu", "Softmax", "Sum", "Multiply", "Abs"]) {
    assert.ok(tf.getGradient(kernel) !== undefined, kernel);
  }
  tf.dispose([x, g]);
});

test("danfojs-node's tensors live on the same engine as lowbit's", () => {
  const { DataFrame } = require("danfojs-node") as typeof import("danfojs-node");
  const before = tf.memory().numTensors;
  const t = new DataFrame({ a: [1, 2, 3], b: [4, 5, 6] }).tensor as unknown as tf.Tensor;
  assert.equal(tf.memory().numTensors, before + 1);
  assert.ok(t instanceof tf.Tensor);
  assert.equal(tf.getBackend(), "wasm");
  t.dispose();
});

test("one tfjs-core is installed, and no @tensorflow/tfjs umbrella", () => {
  const resolveFrom = (dir: string) => require.resolve("@tensorflow/tfjs-core", { paths: [dir] });
  const fromLowbit = resolveFrom(path.join(ROOT, "lib"));
  assert.equal(resolveFrom(path.join(ROOT, "shims", "tfjs-node")), fromLowbit);
  assert.equal(resolveFrom(path.join(ROOT, "node_modules", "danfojs-node")), fromLowbit);
  const cores: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const full = path.join(dir, entry.name);
      if (entry.name.startsWith("@")) walk(full);
      else {
        const manifest = path.join(full, "package.json");
        if (fs.existsSync(manifest)) {
          const name = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name;
          assert.notEqual(name, "@tensorflow/tfjs", `the umbrella package is installed at ${full}`);
          if (name === "@tensorflow/tfjs-core") cores.push(full);
        }
        if (fs.existsSync(path.join(full, "node_modules"))) walk(path.join(full, "node_modules"));
      }
    }
  };
  walk(path.join(ROOT, "node_modules"));
  assert.deepEqual(cores, [path.join(ROOT, "node_modules", "@tensorflow", "tfjs-core")]);
});
