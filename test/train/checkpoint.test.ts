/**
 * Checkpoints: a run resumed in another process ends with every byte of an uninterrupted one
 * (weights, optimizer slots and step counts, quantizer streams and exponents) for every
 * optimizer and wrapper; step counts come back as integers; damaged files and files of another
 * model or optimizer are typed errors naming the file; saving is atomic and leaks nothing.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "lowbit/tf";
import { dfpQuantizer, initBackend, quantDense } from "lowbit";
import { wageWeight } from "lowbit/layers";
import { loadCheckpoint, quantizeUpdates, saveCheckpoint, shiftAdaMax, storeQuantized } from "lowbit/train";
import { COMBINATIONS, makeOptimizer, model, STEPS, trainSteps } from "./resume_fixture";

/** The sections of two checkpoint payloads that differ (for a readable failure). */
function differences(a: Buffer, b: Buffer): string[] {
  const parse = (x: Buffer) => JSON.parse(x.subarray(x.indexOf(0x0a) + 1).toString("utf8")) as Record<string, unknown>;
  const pa = parse(a),
    pb = parse(b);
  return Object.keys(pa).flatMap((key) => {
    if (JSON.stringify(pa[key]) === JSON.stringify(pb[key])) return [];
    if (!Array.isArray(pa[key])) return [key];
    return (pa[key] as unknown[]).flatMap((item, i) =>
      JSON.stringify(item) === JSON.stringify((pb[key] as unknown[])[i]) ? [] : [`${key}[${i}]`],
    );
  });
}

describe("checkpoints", () => {
  const dir = mkdtempSync(join(tmpdir(), "lowbit-checkpoint-"));
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("resumed in a new process, every optimizer x wrapper ends with every byte of an uninterrupted run", async () => {
    for (const { optimizer: o, wrapper, name } of COMBINATIONS) {
      const straight = model(),
        straightOptimizer = makeOptimizer(o, wrapper);
      trainSteps(straight, straightOptimizer, 0, STEPS);
      await saveCheckpoint(join(dir, `${name}.straight`), straight, straightOptimizer, 0, []);
      const half = model(),
        halfOptimizer = makeOptimizer(o, wrapper);
      trainSteps(half, halfOptimizer, 0, STEPS / 2);
      await saveCheckpoint(join(dir, `${name}.half`), half, halfOptimizer, 0, []);
      tf.dispose([...straight.weights.map((w) => w.read()), ...half.weights.map((w) => w.read())]);
      straightOptimizer.dispose();
      halfOptimizer.dispose();
    }
    const child = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "resume_child.ts"), dir], {
      encoding: "utf8",
    });
    assert.equal(child.status, 0, child.stderr);
    const failures = COMBINATIONS.flatMap(({ name }) => {
      const a = readFileSync(join(dir, `${name}.straight`)),
        b = readFileSync(join(dir, `${name}.resumed`));
      return a.equals(b) ? [] : [`${name}: ${differences(a, b).join(", ")}`];
    });
    assert.deepEqual(failures, []);
  });

  test("step counts come back as the integers they were (not int32 bytes read as float32)", async () => {
    const path = join(dir, "iterations");
    for (const make of [() => tf.train.sgd(0.1), () => tf.train.adam(0.01), () => shiftAdaMax(0.01)]) {
      const m = model(),
        bare = make();
      trainSteps(m, bare, 0, 3);
      await saveCheckpoint(path, m, bare, 0, []);
      const freshBare = make();
      await loadCheckpoint(path, model(), freshBare);
      assert.equal(freshBare.iterations, 3, freshBare.getClassName());

      const w = model(),
        wrapped = quantizeUpdates(make(), dfpQuantizer({ bits: 8 }));
      trainSteps(w, wrapped, 0, 3);
      await saveCheckpoint(path, w, wrapped, 0, []);
      const freshWrapped = quantizeUpdates(make(), dfpQuantizer({ bits: 8 }));
      await loadCheckpoint(path, model(), freshWrapped);
      assert.equal(freshWrapped.inner.iterations, 3, `inner ${freshWrapped.inner.getClassName()}`);
      assert.equal(freshWrapped.iterations, 3, "the wrapper's own count");
    }
  });

  describe("damaged files and other models are errors naming the file", () => {
    const dense = (quant: () => Parameters<typeof quantDense>[0]["quant"]) =>
      tf.sequential({ layers: [quantDense({ inputShape: [4], units: 3, quant: quant(), seed: 1, name: "fc" })] });
    const path = join(dir, "small");
    before(async () => {
      await saveCheckpoint(
        path,
        dense(() => ({ weight: wageWeight(2) })),
        tf.train.adam(0.01),
        1,
        [],
      );
    });
    const fresh = () => dense(() => ({ weight: wageWeight(2) }));

    test("a flipped byte in the payload (it used to load NaN weights silently)", async () => {
      const bytes = readFileSync(path);
      const at = bytes.indexOf('"data":"') + 10;
      bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
      writeFileSync(join(dir, "flipped"), bytes);
      await assert.rejects(
        loadCheckpoint(join(dir, "flipped"), fresh(), tf.train.adam(0.01)),
        (e: Error) => e instanceof TypeError && e.message.includes(join(dir, "flipped")) && /SHA-256/.test(e.message),
      );
    });

    test("a truncated file (it used to be a bare SyntaxError)", async () => {
      const bytes = readFileSync(path);
      for (const length of [bytes.length - 7, 20, 0]) {
        writeFileSync(join(dir, "truncated"), bytes.subarray(0, length));
        await assert.rejects(
          loadCheckpoint(join(dir, "truncated"), fresh(), tf.train.adam(0.01)),
          (e: Error) => e instanceof TypeError && e.message.includes(join(dir, "truncated")),
          `length ${length}`,
        );
      }
    });

    test("an Adam checkpoint into RMSprop, a plain optimizer's into a wrapped one", async () => {
      await assert.rejects(
        loadCheckpoint(path, fresh(), tf.train.rmsprop(0.01)),
        (e: Error) =>
          e instanceof RangeError && e.message.includes(path) && /Adam optimizer, not of a RMSProp/.test(e.message),
      );
      await assert.rejects(
        loadCheckpoint(
          path,
          fresh(),
          storeQuantized(tf.train.adam(0.01), () => dfpQuantizer({ bits: 8 })),
        ),
        (e: Error) => e instanceof RangeError && /not of a QuantizedStorageOptimizer\(Adam\)/.test(e.message),
      );
    });

    test("a WAGE model's checkpoint into a dynamic fixed point model, or into other shapes", async () => {
      await assert.rejects(
        loadCheckpoint(
          path,
          dense(() => ({ weight: dfpQuantizer({ bits: 2 }) })),
          tf.train.adam(0.01),
        ),
        (e: Error) =>
          e instanceof RangeError &&
          e.message.includes(path) &&
          /quantizers of layer 0 \(fc\)/.test(e.message) &&
          /wage W2/.test(e.message),
      );
      const wider = tf.sequential({
        layers: [quantDense({ inputShape: [5], units: 3, quant: { weight: wageWeight(2) }, name: "fc" })],
      });
      await assert.rejects(
        loadCheckpoint(path, wider, tf.train.adam(0.01)),
        (e: Error) => e instanceof RangeError && /kernel float32\[4,3\]/.test(e.message),
      );
    });

    test("dynamic fixed point with another exponent rule (the label does not show it)", async () => {
      const dfpModel = (exponent: "max" | "overflow") => dense(() => ({ weight: dfpQuantizer({ bits: 8, exponent }) }));
      const dfpPath = join(dir, "dfp");
      await saveCheckpoint(dfpPath, dfpModel("max"), tf.train.sgd(0.1), 0, []);
      await loadCheckpoint(dfpPath, dfpModel("max"), tf.train.sgd(0.1));
      await assert.rejects(
        loadCheckpoint(dfpPath, dfpModel("overflow"), tf.train.sgd(0.1)),
        (e: Error) => e instanceof RangeError && e.message.includes(dfpPath) && /exponent \\"max\\"/.test(e.message),
      );
    });

    test("a failed load changes nothing", async () => {
      const m = dense(() => ({ weight: dfpQuantizer({ bits: 2 }) }));
      const before_ = m.getWeights().map((w) => [...w.dataSync()]);
      await assert.rejects(loadCheckpoint(path, m, tf.train.adam(0.01)), RangeError);
      assert.deepEqual(
        m.getWeights().map((w) => [...w.dataSync()]),
        before_,
      );
    });
  });

  test("bad arguments are typed errors naming the parameter", async () => {
    const m = model(),
      optimizer = tf.train.sgd(0.1);
    await assert.rejects(
      saveCheckpoint("", m, optimizer, 0, []),
      (e: Error) => e instanceof TypeError && /saveCheckpoint path must be a non-empty string/.test(e.message),
    );
    await assert.rejects(
      saveCheckpoint(join(dir, "x"), {} as never, optimizer, 0, []),
      (e: Error) => e instanceof TypeError && /saveCheckpoint model/.test(e.message),
    );
    await assert.rejects(
      saveCheckpoint(join(dir, "x"), m, {} as never, 0, []),
      (e: Error) => e instanceof TypeError && /saveCheckpoint optimizer/.test(e.message),
    );
    await assert.rejects(
      saveCheckpoint(join(dir, "x"), m, optimizer, -1, []),
      (e: Error) =>
        e instanceof RangeError && /epochsDone must be an integer in \[0, 2\^53 - 1\]; got -1/.test(e.message),
    );
    await assert.rejects(saveCheckpoint(join(dir, "x"), m, optimizer, 0, null as never), TypeError);
    await assert.rejects(
      loadCheckpoint(join(dir, "x"), m, "adam" as never),
      (e: Error) => e instanceof TypeError && /loadCheckpoint optimizer/.test(e.message),
    );
  });

  test("saving is atomic: no temporary file is left, a failed save leaves no trace, a killed save's is removed", async () => {
    const folder = join(dir, "atomic");
    mkdirSync(join(folder, "occupied"), { recursive: true });
    writeFileSync(join(folder, "occupied", "x"), "");
    const gone = spawnSync(process.execPath, ["-e", ""]).pid; // a process that has exited
    // writeFileAtomic's temporary names: .<name>.<writer pid>.<counter>.tmp; the parent process
    // is alive, so its file stands for a save under way in another process.
    writeFileSync(join(folder, `.a.${gone}.0.tmp`), "half a checkpoint");
    writeFileSync(join(folder, `.a.${process.ppid}.0.tmp`), "a save under way");
    const m = model(),
      optimizer = tf.train.adam(0.01);
    await saveCheckpoint(join(folder, "a"), m, optimizer, 0, []);
    await saveCheckpoint(join(folder, "a"), m, optimizer, 0, []);
    await assert.rejects(saveCheckpoint(join(folder, "occupied"), m, optimizer, 0, []));
    assert.deepEqual(readdirSync(folder).sort(), [`.a.${process.ppid}.0.tmp`, "a", "occupied"]);
  });

  test("a shiftAdaMax step leaks no tensor (it left its step-size scalar)", () => {
    const m = model(),
      optimizer = shiftAdaMax(0.01);
    trainSteps(m, optimizer, 0, 1);
    const start = tf.memory().numTensors;
    trainSteps(m, optimizer, 1, 4);
    assert.equal(tf.memory().numTensors, start);
  });

  test("saveCheckpoint leaks no tensor (it left the step count's scalar)", async () => {
    const m = model(),
      optimizer = tf.train.adam(0.01);
    trainSteps(m, optimizer, 0, 1);
    const start = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await saveCheckpoint(join(dir, "leak"), m, optimizer, 0, []);
    assert.equal(tf.memory().numTensors, start);
  });
});
