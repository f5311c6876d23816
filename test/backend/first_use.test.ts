/**
 * Importing lowbit without calling initBackend(): the first tensor operation runs on the wasm
 * backend with lowbit's kernels, and tfjs's "install the node backend" banner (printed when its
 * cpu backend is first used in Node) never appears. Each case is a fresh Node process, since the
 * choice is made once per process.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { type ProcessResult, runProcess } from "../run_process";

const ROOT = path.resolve(__dirname, "..", "..");

function node(script: string, env: NodeJS.ProcessEnv = {}): Promise<ProcessResult> {
  const childEnv = { ...process.env, ...env };
  if (env.LOWBIT_BACKEND === undefined) delete childEnv.LOWBIT_BACKEND;
  return runProcess(process.execPath, ["-e", script], { cwd: ROOT, env: childEnv });
}

/**
 * Synchronous work right after the import (no await anywhere): a lowbit quantizer, a GEMM and
 * a convolution's gradient with respect to its filter (Conv2DBackpropFilter, which only lowbit's
 * wasm kernels provide), all on small integers, whose results are exact on every backend.
 */
const COMPUTE = `
const tf = require("lowbit/tf");
const lowbit = require("lowbit");
const q = lowbit.quantize(tf.tensor([0.1, -0.37, 0.52, 3]), lowbit.fixedPoint({ bits: 4, frac: 2 }));
const a = tf.tensor2d([[1, 2], [3, 4]]);
const product = tf.matMul(a, a);
const x = tf.ones([1, 3, 3, 1]);
const dw = tf.grad((w) => tf.conv2d(x, w, 1, "valid").sum())(tf.ones([2, 2, 1, 1]));
console.log(JSON.stringify({ backend: tf.getBackend(), q: Array.from(q.dataSync()), product: Array.from(product.dataSync()),
  dw: Array.from(dw.dataSync()), initBackend: lowbit.backendInfo() === undefined ? "not called" : "called" }));
`;

const EXACT = { q: [0, -0.25, 0.5, 1.75], product: [7, 10, 15, 22], dw: [4, 4, 4, 4], initBackend: "not called" };

test("the first operation after importing lowbit runs on wasm with lowbit's kernels, and prints nothing", async () => {
  const r = await node(COMPUTE);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "", "no banner, no warning");
  assert.deepEqual(JSON.parse(r.stdout), { backend: "wasm", ...EXACT });
});

test("LOWBIT_BACKEND=cpu keeps tfjs's cpu backend on first use, still without the banner", async () => {
  const r = await node(COMPUTE, { LOWBIT_BACKEND: "cpu" });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /node backend|looks like you are running/i);
  assert.equal(r.stderr, "");
  assert.deepEqual(JSON.parse(r.stdout), { backend: "cpu", ...EXACT });
});

test("await tf.ready() and a later initBackend() agree with the first-use choice", async () => {
  const r = await node(`
const tf = require("lowbit/tf");
const lowbit = require("lowbit");
(async () => {
  await tf.ready();
  const first = tf.getBackend();
  const info = await lowbit.initBackend({ quiet: true });
  console.log(JSON.stringify({ first, info: info.name, now: tf.getBackend(), kernels: info.lowbitKernels.length }));
})();
`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.deepEqual(JSON.parse(r.stdout), { first: "wasm", info: "wasm", now: "wasm", kernels: 4 });
});
