/**
 * Atomic output: a process killed in the middle of writing a results file or a figure leaves
 * the previous file whole (the kill is simulated deterministically: fs.writeFileSync is patched
 * in a child process to write half its data and then SIGKILL its own process), and the next
 * write of the same target removes the temporary file the killed writer left, but not that of a
 * writer still running.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { profile, readResults, writeResults } from "lowbit/notebook";
import { writeFileAtomic } from "lowbit/core";

const ROOT = path.resolve(__dirname, "..", "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-atomic-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `code` (CommonJS, lowbit loaded as `lowbit`) in a child whose writeFileSync dies halfway. */
function killedMidWrite(code: string): ReturnType<typeof spawnSync> {
  const prelude = `
    const fs = require("fs");
    const realWrite = fs.writeFileSync;
    fs.writeFileSync = (target, data) => {
      realWrite(target, typeof data === "string" ? data.slice(0, data.length >> 1) : data.subarray(0, data.length >> 1));
      process.kill(process.pid, "SIGKILL");
    };
    const lowbit = require("lowbit/notebook");
  `;
  return spawnSync(process.execPath, ["-e", prelude + code], { cwd: ROOT, encoding: "utf8" });
}

/** The file names in `folder`. */
const names = (folder: string) => fs.readdirSync(folder).sort();

describe("writeFileAtomic", () => {
  it("writes and replaces a file and leaves no temporary file", () => {
    const file = path.join(dir, "plain", "a.txt");
    fs.mkdirSync(path.dirname(file));
    writeFileAtomic(file, "first");
    writeFileAtomic(file, Buffer.from("second"));
    assert.equal(fs.readFileSync(file, "utf8"), "second");
    assert.deepEqual(names(path.dirname(file)), ["a.txt"]);
  });

  it("removes the temporary files of dead writers of the same target, not those of live ones", async () => {
    const folder = path.join(dir, "stale");
    fs.mkdirSync(folder);
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid!;
    const live = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      fs.writeFileSync(path.join(folder, `.r.json.${dead}.0.tmp`), "{ trunc");
      fs.writeFileSync(path.join(folder, `.r.json.${live.pid}.3.tmp`), "{ in progress");
      fs.writeFileSync(path.join(folder, `.other.json.${dead}.0.tmp`), "another target's");
      writeFileAtomic(path.join(folder, "r.json"), "{}");
      assert.deepEqual(names(folder), [`.other.json.${dead}.0.tmp`, `.r.json.${live.pid}.3.tmp`, "r.json"]);
    } finally {
      live.kill("SIGKILL");
    }
  });

  it("leaves no temporary file when the write fails", () => {
    const folder = path.join(dir, "fails");
    fs.mkdirSync(folder);
    fs.mkdirSync(path.join(folder, "target")); // renaming a file over a folder fails
    assert.throws(() => writeFileAtomic(path.join(folder, "target"), "x"));
    assert.deepEqual(names(folder), ["target"]);
  });
});

describe("outputs killed midway", () => {
  it("writeResults: the previous results file stays whole, the next write cleans up", () => {
    const folder = path.join(dir, "results");
    fs.mkdirSync(folder);
    writeResults("run", { accuracy: 0.5 }, { dir: folder });
    const killed = killedMidWrite(
      `lowbit.writeResults("run", { accuracy: 0.75, curve: new Array(10000).fill(1) }, { dir: ${JSON.stringify(folder)} });`,
    );
    assert.equal(killed.signal, "SIGKILL", String(killed.stderr));
    assert.equal(readResults<{ accuracy: number }>("run", { dir: folder })?.results.accuracy, 0.5);
    assert.equal(names(folder).length, 2, "the killed writer's temporary file is there");
    writeResults("run", { accuracy: 0.875 }, { dir: folder });
    assert.equal(readResults<{ accuracy: number }>("run", { dir: folder })?.results.accuracy, 0.875);
    assert.deepEqual(names(folder), [`run.${profile()}.json`]);
  });

  it("exportFigure: the previous figure stays whole", () => {
    const file = path.join(dir, "figures", "loss.html");
    const write = `lowbit.exportFigure(lowbit.lineChart([{ name: "loss", y: [3, 2, 1] }], { title: "Loss" }), ${JSON.stringify(file)});`;
    const first = spawnSync(process.execPath, ["-e", `const lowbit = require("lowbit/notebook"); ${write}`], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(first.status, 0, first.stderr);
    const before = fs.readFileSync(file, "utf8");
    assert.match(before, /<\/html>\n$/);
    const killed = killedMidWrite(write);
    assert.equal(killed.signal, "SIGKILL", String(killed.stderr));
    assert.ok(fs.readFileSync(file, "utf8") === before, "the figure is the first export, whole");
  });
});
