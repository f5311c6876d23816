/**
 * lowbit's WebAssembly module shares the memory of tfjs's wasm backend, so it must not write
 * anything into that memory when it is instantiated: no data segment, no own memory, and only
 * `env.memory` imported.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const wasmFile = join(require.resolve("lowbit/package.json"), "..", "dist", "wasm", "lowbit.wasm");

function readSections(bytes: Uint8Array): number[] {
  assert.deepEqual([...bytes.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], "wasm magic");
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0, shift = 0, b: number;
    do {
      b = bytes[at++];
      size |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    ids.push(id);
    at += size;
  }
  return ids;
}

test("lowbit.wasm has no data segment and no memory of its own", () => {
  const bytes = new Uint8Array(readFileSync(wasmFile));
  const sections = readSections(bytes);
  assert.ok(!sections.includes(11), "data section present");
  assert.ok(!sections.includes(5), "memory section present");
  const module = new WebAssembly.Module(bytes);
  assert.deepEqual(WebAssembly.Module.imports(module), [{ module: "env", name: "memory", kind: "memory" }]);
  assert.deepEqual(WebAssembly.Module.exports(module).map((e) => e.name).sort(),
    ["ap2", "binarize", "col2imAdd", "im2colTransposed", "maxPoolGrad", "quantizeFixed", "quantizeFixedGrouped",
      "quantizeFloat", "quantizeLinear", "quantizePowerOfTwo", "maxAbs", "countAbove", "xnorGemm", "packSigns",
      "packThresholded", "xnorPanelBytes", "accumulateLanes", "roundedProducts"].sort());
});
