/**
 * Without danfojs-node (an optional peer dependency), the DataFrame methods fail with a typed
 * error that says how to install it, not a bare "Cannot find module" or advice that holds only
 * inside the lowbit clone.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runProcess } from "../run_process";

test("toDataFrame and CostReport.toDataFrame without danfojs-node name the package and how to install it", async () => {
  const script = `
const Module = require("node:module");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === "danfojs-node") throw Object.assign(new Error("Cannot find module 'danfojs-node'"), { code: "MODULE_NOT_FOUND" });
  return resolve.call(this, request, ...rest);
};
const { toDataFrame } = require("lowbit/notebook");
const { cost } = require("lowbit/hw");
const { DanfojsUnavailableError } = require("lowbit/core");
const errors = [];
for (const call of [() => toDataFrame([]), () => cost("lenet5", "fp32").toDataFrame()]) {
  try { call(); errors.push(null); } catch (e) { errors.push({ name: e.name, typed: e instanceof DanfojsUnavailableError, message: e.message }); }
}
console.log(JSON.stringify(errors));
`;
  const r = await runProcess(process.execPath, ["-e", script]);
  assert.equal(r.code, 0, r.stderr);
  const errors = JSON.parse(r.stdout) as { name: string; typed: boolean; message: string }[];
  assert.equal(errors.length, 2);
  for (const e of errors) {
    assert.equal(e.name, "DanfojsUnavailableError");
    assert.ok(e.typed);
    assert.match(e.message, /npm install danfojs-node@1\.2\.0/);
    assert.match(e.message, /Cannot find module 'danfojs-node'/);
    assert.doesNotMatch(e.message, /in the lowbit repository installs/);
  }
  assert.match(errors[0].message, /^lowbit: toDataFrame needs/);
  assert.match(errors[1].message, /^lowbit: CostReport\.toDataFrame needs/);
});
