/**
 * Stochastic rounding's bits depend on the seed, the stream and the element's index only: fresh
 * Node processes, one on the wasm backend and one on tfjs's cpu backend, give the same bits as
 * this process, for element formats, MX blocks and NVFP4, with and without `randomBits`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { runProcess } from "../run_process";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Prints the backend and a SHA-256 of every case's result bits: hard data (outliers, zeros,
 * float32 subnormals, Inf, NaN) quantized by stochastic rounding through tensors of the backend.
 */
const HASH_BITS = `
const crypto = require("node:crypto");
const tf = require("lowbit/tf");
const q = require("lowbit/quant");
let s = 12345;
const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const x = new Float32Array(64 * 96).map((_, i) => {
  const g = (rand() - 0.5) * 4;
  return i % 97 === 0 ? 1000 * g : i % 89 === 0 ? g * 2 ** -140 : i % 13 === 0 ? 0 : g * 2 ** Math.floor(rand() * 16 - 8);
});
x[5] = NaN; x[200] = Infinity; x[333] = -Infinity;
const cases = [
  [q.MXFP4, { rounding: "stochastic", seed: 7 }],
  [q.mx({ element: q.FP4_E2M1, scaleRounding: "ceil", axis: 0 }), { rounding: "stochastic", seed: 7, stream: 3, randomBits: 4 }],
  [q.NVFP4, { rounding: "stochastic", seed: 1, randomBits: 8 }],
  [q.MXFP8_E4M3, { rounding: "stochastic", seed: 2 }],
  [q.OCP_E4M3, { rounding: "stochastic", seed: 3, randomBits: 3 }],
  [q.fixedPoint({ bits: 8, frac: 4 }), { rounding: "stochastic", seed: 4, randomBits: 5 }],
];
const hash = crypto.createHash("sha256");
for (const [format, options] of cases) {
  const y = q.quantize(tf.tensor(x, [64, 96]), format, options);
  hash.update(new Uint8Array(y.dataSync().buffer));
  y.dispose();
}
console.log(JSON.stringify({ backend: tf.getBackend(), sha256: hash.digest("hex") }));
`;

async function hashIn(backend: "wasm" | "cpu"): Promise<{ backend: string; sha256: string }> {
  const env = { ...process.env, LOWBIT_BACKEND: backend };
  const r = await runProcess(process.execPath, ["-e", HASH_BITS], { cwd: ROOT, env });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { backend: string; sha256: string };
}

test("stochastic rounding: the same bits in fresh processes on the wasm and cpu backends", async () => {
  const [wasm, wasmAgain, cpu] = await Promise.all([hashIn("wasm"), hashIn("wasm"), hashIn("cpu")]);
  assert.equal(wasm.backend, "wasm");
  assert.equal(cpu.backend, "cpu");
  assert.equal(wasmAgain.sha256, wasm.sha256, "two wasm processes");
  assert.equal(cpu.sha256, wasm.sha256, "cpu against wasm");
});
