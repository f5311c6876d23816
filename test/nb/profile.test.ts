import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { byProfile, profile, readResults, writeResults } from "lowbit/notebook";

const saved = process.env.LOWBIT_PROFILE;
afterEach(() => {
  if (saved === undefined) delete process.env.LOWBIT_PROFILE;
  else process.env.LOWBIT_PROFILE = saved;
});

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
    writeResults("demo", { accuracy: 0.99 }, { dir });
    assert.equal(readResults<{ accuracy: number }>("demo", { dir })?.results.accuracy, 0.99);
    assert.equal(readResults<{ accuracy: number }>("demo", { dir, profile: "smoke" })?.results.accuracy, 0.5);
    assert.equal(readResults("other", { dir }), undefined);
    assert.throws(() => writeResults("../escape", {}, { dir }), /results name must use only/);
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
