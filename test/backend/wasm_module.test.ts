/**
 * lowbit's WebAssembly module shares the memory of tfjs's wasm backend, so it must not write
 * anything into that memory when it is instantiated: no data segment, no own memory, and only
 * `env.memory` imported.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { wasmEntries } from "../../scripts/build-wasm";

const wasmFile = join(require.resolve("lowbit/package.json"), "..", "dist", "wasm", "lowbit.wasm");

function readSections(bytes: Uint8Array): number[] {
  assert.deepEqual([...bytes.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], "wasm magic");
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0,
      shift = 0,
      b: number;
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
  // The kernels' exports are the exported functions of lib/wasm's entry files, read from the sources.
  const exported = wasmEntries().flatMap((file) =>
    [...readFileSync(join(__dirname, "..", "..", file), "utf8").matchAll(/^export function (\w+)/gm)].map((m) => m[1]),
  );
  assert.ok(exported.includes("quantizeFloat") && exported.includes("xnorGemm"));
  assert.deepEqual(
    WebAssembly.Module.exports(module)
      .map((e) => e.name)
      .sort(),
    exported.sort(),
  );
});
