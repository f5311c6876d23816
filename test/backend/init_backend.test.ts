/** Backend selection: automatic order, forcing, and the errors of an unavailable or unknown name. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { BackendUnavailableError } from "lowbit/backend";

/**
 * Whether TensorFlow's native binding is installed: a package that registers the "tensorflow"
 * backend, not what danfojs-node gets under its name (lowbit's stand-in, shims/tfjs-node, or an
 * alias of plain tfjs), which the name alone no longer tells apart.
 */
function hasTfjsNode(): boolean {
  try {
    require("@tensorflow/tfjs-node");
  } catch {
    return false;
  }
  return tf.findBackendFactory("tensorflow") != null;
}

// In this repository the stand-in is installed, so every test below runs (none is skipped).
test("the repository's @tensorflow/tfjs-node is the stand-in, not the native binding", () => {
  assert.equal(require("@tensorflow/tfjs-node/package.json").version, "0.0.0-lowbit.0");
  assert.equal(hasTfjsNode(), false);
});

describe("initBackend", () => {
  // First: later calls keep the chosen backend unless another is forced.
  test("automatic selection takes the fastest backend that starts (wasm here)", { skip: hasTfjsNode() }, async () => {
    const info = await initBackend({ quiet: true });
    assert.equal(info.name, "wasm");
    assert.equal(tf.getBackend(), "wasm");
    assert.equal(info.simd, true);
    assert.ok(
      info.skipped.some((s) => /"node"/.test(s)),
      "the skipped node backend is reported",
    );
    assert.deepEqual(info.lowbitKernels.sort(), [
      "BatchMatMul",
      "Conv2DBackpropFilter",
      "Conv2DBackpropInput",
      "MaxPoolGrad",
    ]);
  });

  test("an unknown name is a RangeError naming the allowed ones", async () => {
    await assert.rejects(
      initBackend({ backend: "gpu" as never, quiet: true }),
      (e: Error) =>
        e instanceof RangeError &&
        /LOWBIT_BACKEND/.test(e.message) &&
        /node, wasm, cpu/.test(e.message) &&
        /"gpu"/.test(e.message),
    );
  });

  test("LOWBIT_BACKEND is read when no backend is passed", async () => {
    process.env.LOWBIT_BACKEND = "cpu";
    try {
      assert.equal((await initBackend({ quiet: true })).name, "cpu");
      assert.equal(tf.getBackend(), "cpu");
    } finally {
      delete process.env.LOWBIT_BACKEND;
    }
  });

  test("forcing node without @tensorflow/tfjs-node installed is a clear error", { skip: hasTfjsNode() }, async () => {
    await assert.rejects(
      initBackend({ backend: "node", quiet: true }),
      (e: Error) =>
        e instanceof BackendUnavailableError && /"node" is unavailable/.test(e.message) && /tfjs-node/.test(e.message),
    );
  });

  test("the danfojs-node alias of tfjs-node is not taken for the native backend", async () => {
    await assert.rejects(initBackend({ backend: "node", quiet: true }), /not TensorFlow's native binding|did not load/);
  });

  test("forcing cpu, then wasm again", async () => {
    assert.equal((await initBackend({ backend: "cpu", quiet: true })).name, "cpu");
    assert.equal((await initBackend({ backend: "wasm", quiet: true })).name, "wasm");
    assert.equal(tf.getBackend(), "wasm");
  });
});
