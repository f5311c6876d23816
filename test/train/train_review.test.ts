/**
 * Regressions of a review of train(): SIGINT given back when a progress renderer's start()
 * throws; a resumed run that had stopped early trains no further epoch; earlyStop on a metric
 * nothing measures is an error; one generator feeds several epochs; evaluate() metrics cannot
 * overwrite an epoch record's own columns.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { train, type TrainBatch, type TrainingProgress } from "lowbit/train";

function model(): tf.Sequential {
  return tf.sequential({
    layers: [tf.layers.dense({ inputShape: [4], units: 2, kernelInitializer: "glorotUniform", name: "d" })],
  });
}
const batch = (i: number): TrainBatch => ({
  x: tf.tensor2d(
    Float32Array.from({ length: 8 }, (_, k) => Math.sin(i * 8 + k)),
    [2, 4],
  ),
  y: tf.tensor2d([1, 0, 0, 1], [2, 2]),
});
const perEpoch = (steps: number) => (e: number) => Array.from({ length: steps }, (_, s) => batch(e * steps + s));

describe("train review regressions", () => {
  before(async () => {
    await initBackend({ backend: "cpu", quiet: true });
  });

  test("a progress renderer whose start() throws leaves the SIGINT listeners as they were", async () => {
    const other = () => {};
    process.on("SIGINT", other);
    const m = model();
    const progress: TrainingProgress = {
      start: () => {
        throw new Error("renderer broke");
      },
      step: () => {},
      epoch: () => {},
      end: () => {},
    };
    await assert.rejects(train({ model: m, optimizer: tf.train.sgd(0.1), batches: perEpoch(1), progress }), {
      message: "renderer broke",
    });
    assert.deepEqual(process.listeners("SIGINT"), [other]);
    process.removeListener("SIGINT", other);
    m.dispose();
  });

  test("resuming a run that had stopped early trains no further epoch and says stoppedEarly", async () => {
    const checkpoint = join(mkdtempSync(join(tmpdir(), "lowbit-train-review-")), "run.ckpt");
    const evalLosses = [3, 2, 2.5, 2.4, 1, 0.5];
    const options = {
      optimizer: tf.train.sgd(0.1),
      batches: perEpoch(2),
      epochs: 6,
      evaluate: (_m: tf.LayersModel, epoch: number) => ({ perplexity: evalLosses[epoch - 1] }),
      earlyStop: { patience: 2, metric: "perplexity", mode: "min" as const },
      checkpoint,
      progress: false as const,
    };
    const first = model();
    const run = await train({ ...options, model: first });
    assert.equal(run.stoppedEarly, true);
    assert.equal(run.history.length, 4);
    const weights = first.getWeights().map((w) => w.dataSync().slice());
    first.dispose();
    const second = model();
    const resumed = await train({ ...options, model: second, optimizer: tf.train.sgd(0.1), resume: true });
    assert.equal(resumed.stoppedEarly, true);
    assert.equal(resumed.history.length, 4, "no fifth epoch");
    assert.equal(resumed.steps.length, 0);
    assert.equal(resumed.stepsDone, run.stepsDone);
    assert.deepEqual(
      second.getWeights().map((w) => w.dataSync().slice()),
      weights,
    );
    second.dispose();
  });

  for (const kind of ["generator", "async generator"] as const) {
    test(`one ${kind} object as batches feeds several epochs (the loop does not close it)`, async () => {
      let made = 0;
      function* sync(): Generator<TrainBatch> {
        for (;;) yield batch(made++);
      }
      async function* async(): AsyncGenerator<TrainBatch> {
        for (;;) yield batch(made++);
      }
      const m = model();
      const before = tf.memory().numTensors;
      const optimizer = tf.train.sgd(0.1);
      const run = await train({
        model: m,
        optimizer,
        batches: kind === "generator" ? sync() : async(),
        epochs: 2,
        stepsPerEpoch: 3,
        progress: false,
      });
      assert.equal(run.history.length, 2);
      assert.deepEqual(
        run.history.map((r) => r.steps),
        [3, 3],
      );
      assert.equal(made, 6, "epoch 2 went on where epoch 1 stopped");
      optimizer.dispose();
      assert.equal(tf.memory().numTensors, before);
      m.dispose();
    });
  }

  test("a plain generator of 4 batches over 2 epochs of 2 steps", async () => {
    function* four(): Generator<TrainBatch> {
      for (let i = 0; i < 4; i++) yield batch(i);
    }
    const m = model();
    const run = await train({
      model: m,
      optimizer: tf.train.sgd(0.1),
      batches: four(),
      epochs: 2,
      stepsPerEpoch: 2,
      progress: false,
    });
    assert.equal(run.stepsDone, 4);
    m.dispose();
  });

  test("a function source's generator is still closed when its epoch stops early", async () => {
    let closed = 0;
    const m = model();
    await train({
      model: m,
      optimizer: tf.train.sgd(0.1),
      batches: function* (e) {
        try {
          for (let i = 0; ; i++) yield batch(e * 100 + i);
        } finally {
          closed++;
        }
      },
      epochs: 2,
      stepsPerEpoch: 2,
      progress: false,
    });
    assert.equal(closed, 2);
    m.dispose();
  });

  test("an evaluate() metric named like an epoch record field (loss, accuracy, epoch, steps, ...) is refused", async () => {
    for (const name of ["loss", "accuracy", "epoch", "steps", "evalLoss", "seconds"]) {
      const m = model();
      await assert.rejects(
        train({
          model: m,
          optimizer: tf.train.sgd(0.1),
          batches: perEpoch(1),
          evaluate: () => ({ [name]: 123 }),
          progress: false,
        }),
        {
          name: "RangeError",
          message: new RegExp(`^lowbit: train evaluate returned a metric named "${name}", a field of the epoch record`),
        },
      );
      m.dispose();
    }
    const m = model();
    await assert.rejects(
      train({
        model: m,
        optimizer: tf.train.sgd(0.1),
        batches: perEpoch(1),
        evaluate: () => 3 as never,
        progress: false,
      }),
      { name: "TypeError", message: /train evaluate must return an object of metrics/ },
    );
    const run = await train({
      model: m,
      optimizer: tf.train.sgd(0.1),
      batches: perEpoch(1),
      evaluate: () => ({ bleu: 0.25 }),
      progress: false,
    });
    assert.deepEqual(run.history[0].metrics, { bleu: 0.25 });
    m.dispose();
  });

  test("earlyStop on a metric nothing measures is a TypeError before any step", async () => {
    const m = model();
    const optimizer = tf.train.sgd(0.1);
    let steps = 0;
    const base = {
      model: m,
      optimizer,
      batches: perEpoch(1),
      epochs: 3,
      onStep: () => steps++,
      progress: false as const,
    };
    await assert.rejects(train({ ...base, earlyStop: { patience: 1 } }), {
      name: "TypeError",
      message:
        /^lowbit: train earlyStop\.metric "accuracy" \(the default\) is measured on data\.validation or data\.test/,
    });
    await assert.rejects(train({ ...base, earlyStop: { patience: 1, metric: "evalLoss", mode: "min" } }), {
      name: "TypeError",
      message: /train earlyStop\.metric "evalLoss" is measured on data\.validation or data\.test/,
    });
    await assert.rejects(train({ ...base, earlyStop: { patience: 1, metric: "bleu" } }), {
      name: "TypeError",
      message:
        /train earlyStop\.metric "bleu" must be one of the metrics the evaluate option returns, and there is no evaluate/,
    });
    assert.equal(steps, 0);
    m.dispose();
  });

  test("earlyStop on a metric evaluate does not return is a RangeError at the first epoch's end", async () => {
    const m = model();
    let epochs = 0;
    await assert.rejects(
      train({
        model: m,
        optimizer: tf.train.sgd(0.1),
        batches: perEpoch(1),
        epochs: 3,
        evaluate: () => ({ perplexity: 4 }),
        earlyStop: { patience: 1, metric: "bleu" },
        onEpoch: () => {
          epochs++;
        },
        progress: false,
      }),
      {
        name: "RangeError",
        message:
          'lowbit: train earlyStop.metric "bleu" is not among the metrics evaluate returned after epoch 1 (perplexity)',
      },
    );
    assert.equal(epochs, 0);
    const run = await train({
      model: m,
      optimizer: tf.train.sgd(0.1),
      batches: perEpoch(1),
      epochs: 2,
      earlyStop: { patience: 1, metric: "loss", mode: "min" },
      progress: false,
    });
    assert.equal(run.history.length, 2, "the training loss is always measured");
    m.dispose();
  });
});
