import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { byProfile, claim, profile, readResults, writeResults } from "lowbit/notebook";

const saved = { LOWBIT_PROFILE: process.env.LOWBIT_PROFILE, LOWBIT_RECORD: process.env.LOWBIT_RECORD };
afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

const claims = [
  claim({
    id: "demo",
    claim: "the demo reaches 99% accuracy",
    metric: "accuracy",
    dataset: "none",
    paper: { value: 0.99, source: "Table 1" },
    values: [0.98, 0.99, 1],
    verdict: "reproduced",
  }),
];

describe("profile", () => {
  it("is smoke when LOWBIT_PROFILE is unset or empty, else its value", () => {
    delete process.env.LOWBIT_PROFILE;
    assert.equal(profile(), "smoke");
    process.env.LOWBIT_PROFILE = "";
    assert.equal(profile(), "smoke");
    process.env.LOWBIT_PROFILE = "full";
    assert.equal(profile(), "full");
    assert.equal(byProfile({ smoke: 1, full: 2 }), 2);
  });

  it("names LOWBIT_PROFILE and the allowed values when it is wrong", () => {
    process.env.LOWBIT_PROFILE = "fast";
    assert.throws(() => profile(), /LOWBIT_PROFILE.*"smoke", "full"; got "fast"/);
  });
});

describe("writeResults / readResults", () => {
  it("round-trips through <name>.<profile>.json, smoke and full apart", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-results-"));
    process.env.LOWBIT_PROFILE = "smoke";
    const file = writeResults("demo", { accuracy: 0.5 }, { dir });
    assert.equal(path.basename(file), "demo.smoke.json");
    process.env.LOWBIT_PROFILE = "full";
    process.env.LOWBIT_RECORD = "1";
    writeResults("demo", { accuracy: 0.99 }, { dir, claims });
    assert.equal(readResults<{ accuracy: number }>("demo", { dir })?.results.accuracy, 0.99);
    assert.deepEqual(readResults("demo", { dir })?.claims, claims);
    assert.equal(readResults<{ accuracy: number }>("demo", { dir, profile: "smoke" })?.results.accuracy, 0.5);
    assert.equal(readResults("other", { dir }), undefined);
    assert.throws(() => writeResults("../escape", {}, { dir }), /results name must use only/);
    fs.rmSync(dir, { recursive: true });
  });

  it("replaces the recorded full file only when LOWBIT_RECORD=1, and needs claims in the full profile", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-results-"));
    process.env.LOWBIT_PROFILE = "full";
    delete process.env.LOWBIT_RECORD;
    assert.throws(() => writeResults("demo", {}, { dir }), { name: "TypeError", message: /needs options\.claims/ });
    const file = writeResults("demo", { accuracy: 0.5 }, { dir, claims });
    assert.equal(path.basename(file), "demo.full.unrecorded.json");
    assert.equal(readResults("demo", { dir }), undefined, "the recorded file is untouched");
    process.env.LOWBIT_RECORD = "yes";
    assert.throws(() => writeResults("demo", {}, { dir, claims }), /LOWBIT_RECORD must be 1/);
    fs.rmSync(dir, { recursive: true });
  });

  it("refuses NaN and Infinity, naming the key path, rather than writing null", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-results-"));
    assert.throws(() => writeResults("nan", { epochs: [{ loss: 1 }, { loss: NaN }] }, { dir }), {
      name: "RangeError",
      message: /writeResults\("nan"\): results\.epochs\[1\]\.loss is NaN.*"NaN"/,
    });
    assert.throws(() => writeResults("inf", { errors: [0.5, -Infinity] }, { dir }), {
      name: "RangeError",
      message: /results\.errors\[1\] is -Infinity/,
    });
    assert.throws(() => writeResults("top", Infinity, { dir }), { name: "RangeError", message: /results is Infinity/ });
    assert.deepEqual(fs.readdirSync(dir), [], "nothing written");
    writeResults("explicit", { loss: "NaN", missing: null }, { dir });
    assert.deepEqual(readResults("explicit", { dir })?.results, { loss: "NaN", missing: null });
    fs.rmSync(dir, { recursive: true });
  });
});
