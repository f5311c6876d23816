/**
 * train() as the one loop of every experiment: batch sources of each kind give the run a
 * hand-written loop of trainStep gives, to the bit; a learning-rate schedule follows a float64
 * closed form of SGD; parameter groups; evaluation metrics and early stopping on them; an
 * AbortSignal and SIGINT stop after the current step with the model at that step; progress
 * events; no tensor leaks.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend, quantDense } from "lowbit";
import {
  softmaxCrossEntropy,
  train,
  trainStep,
  type StepRecord,
  type TrainBatch,
  type TrainingProgress,
} from "lowbit/train";

function mlp(seed = 1): tf.Sequential {
  return tf.sequential({
    layers: [
      quantDense({ inputShape: [6], units: 8, activation: "relu", seed, name: "hidden" }),
      quantDense({ units: 3, seed: seed + 1, name: "out" }),
    ],
  });
}

/** Batch i of a fixed synthetic classification set: 4 examples of 6 features, one-hot of 3 classes. */
function batchData(i: number): { x: Float32Array; y: Float32Array } {
  const x = Float32Array.from({ length: 24 }, (_, k) => Math.sin(1.3 * (i * 24 + k)) * 2);
  const y = new Float32Array(12);
  for (let r = 0; r < 4; r++) y[r * 3 + ((i + r) % 3)] = 1;
  return { x, y };
}
const makeBatch = (i: number): TrainBatch => {
  const { x, y } = batchData(i);
  return { x: tf.tensor2d(x, [4, 6]), y: tf.tensor2d(y, [4, 3]) };
};

async function weightsOf(model: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

/** The reference: epochs x steps of trainStep on batches epoch * steps + s, by hand. */
async function handLoop(epochs: number, steps: number, stopAfter = Number.POSITIVE_INFINITY): Promise<Float32Array[]> {
  const model = mlp();
  const optimizer = tf.train.adam(0.01);
  let done = 0;
  for (let e = 0; e < epochs; e++)
    for (let s = 0; s < steps && done < stopAfter; s++, done++) {
      const b = makeBatch(e * steps + s);
      trainStep(model, optimizer, softmaxCrossEntropy, b.x, b.y).dispose();
      tf.dispose([b.x as tf.Tensor, b.y]);
    }
  const w = await weightsOf(model);
  model.dispose();
  optimizer.dispose();
  return w;
}

describe("train with any batch source", () => {
  before(async () => {
    await initBackend({ backend: "cpu", quiet: true });
  });

  const sources: [string, (steps: number) => Parameters<typeof train>[0]["batches"]][] = [
    [
      "a function of the epoch giving arrays",
      (steps) => (e) => Array.from({ length: steps }, (_, s) => makeBatch(e * steps + s)),
    ],
    [
      "a function of the epoch giving generators",
      (steps) =>
        function* (e) {
          for (let s = 0; s < steps; s++) yield makeBatch(e * steps + s);
        },
    ],
    [
      "a function of the epoch giving async generators",
      (steps) =>
        async function* (e) {
          for (let s = 0; s < steps; s++) yield makeBatch(e * steps + s);
        },
    ],
  ];
  for (const [name, source] of sources) {
    test(`${name}: the weights of the hand-written loop, to the bit`, async () => {
      const expected = await handLoop(2, 5);
      const model = mlp();
      const optimizer = tf.train.adam(0.01);
      const result = await train({ model, optimizer, batches: source(5), epochs: 2, progress: false });
      assert.deepEqual(await weightsOf(model), expected);
      assert.equal(result.stepsDone, 10);
      assert.equal(result.history.length, 2);
      assert.equal(result.history[1].steps, 5);
      assert.equal(result.interrupted, false);
      model.dispose();
      optimizer.dispose();
    });
  }

  test("one endless iterable with stepsPerEpoch: steps continue across epochs", async () => {
    const expected = await handLoop(3, 4);
    const model = mlp();
    const optimizer = tf.train.adam(0.01);
    let i = 0;
    const endless = {
      *[Symbol.iterator]() {
        for (;;) yield makeBatch(i++);
      },
    };
    await train({ model, optimizer, batches: endless, epochs: 3, stepsPerEpoch: 4, progress: false });
    assert.deepEqual(await weightsOf(model), expected);
    model.dispose();
    optimizer.dispose();
  });

  test("no tensor leaks: the count after a run equals the count before (model and optimizer disposed)", async () => {
    const before = tf.memory().numTensors;
    const model = mlp();
    const optimizer = tf.train.adam(0.01);
    await train({ model, optimizer, batches: sources[1][1](3), epochs: 2, progress: false });
    model.dispose();
    optimizer.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test("a learning-rate schedule: SGD on least squares follows the float64 closed form", async () => {
    // One weight w, loss mean((w x - y)^2) over x = [1, 2], y = [2, 4]: dL/dw = 5 w - 10.
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [1], units: 1, useBias: false, kernelInitializer: "zeros" })],
    });
    const rates = [0.1, 0.05, 0.02, 0.01, 0.01, 0.005];
    const steps: StepRecord[] = [];
    await train({
      model,
      optimizer: tf.train.sgd(1),
      batches: () => [0, 1, 2].map(() => ({ x: tf.tensor2d([1, 2], [2, 1]), y: tf.tensor2d([2, 4], [2, 1]) })),
      epochs: 2,
      loss: (y, out) => tf.losses.meanSquaredError(y, out) as tf.Scalar,
      learningRate: ({ step }) => rates[step],
      onStep: (r) => steps.push(r),
      progress: false,
    });
    let w = 0;
    for (const lr of rates) w -= lr * (5 * w - 10);
    const got = (await model.getWeights()[0].data())[0];
    assert.ok(Math.abs(got - w) <= 1e-6 * Math.abs(w), `w = ${got}, float64 ${w}`);
    assert.deepEqual(
      steps.map((s) => s.learningRate),
      rates,
    );
    assert.deepEqual(
      steps.map((s) => [s.step, s.epoch]),
      [
        [1, 1],
        [2, 1],
        [3, 1],
        [4, 2],
        [5, 2],
        [6, 2],
      ],
    );
    model.dispose();
  });

  test("parameter groups: a frozen layer and a layer with its own optimizer", async () => {
    const model = mlp();
    const start = await weightsOf(model);
    const optimizer = tf.train.adam(0.01);
    const outOptimizer = tf.train.sgd(0.5);
    await train({
      model,
      optimizer,
      batches: sources[1][1](3),
      groups: [
        { weights: /^hidden\//, frozen: true },
        {
          weights: (name) => name.startsWith("out/"),
          optimizer: outOptimizer,
          learningRate: ({ step }) => 0.1 / (step + 1),
        },
      ],
      progress: false,
    });
    const end = await weightsOf(model);
    const names = model.weights.map((w) => w.name);
    names.forEach((name, i) => {
      if (name.startsWith("hidden/")) assert.deepEqual(end[i], start[i], `${name} is frozen`);
      else assert.notDeepEqual(end[i], start[i], `${name} is trained`);
    });
    assert.equal(outOptimizer.iterations, 3);
    assert.equal(optimizer.iterations, 0);
    model.dispose();
  });

  test("evaluate's metrics go into the records; early stopping on a metric to minimise", async () => {
    const model = mlp();
    const perplexities = [5, 4, 4.5, 4.2, 4.1, 3];
    const result = await train({
      model,
      optimizer: tf.train.adam(0.01),
      batches: sources[0][1](2),
      epochs: 6,
      evaluate: (_m, epoch) => ({ perplexity: perplexities[epoch - 1] }),
      earlyStop: { patience: 2, metric: "perplexity", mode: "min" },
      progress: false,
    });
    assert.deepEqual(
      result.history.map((r) => r.metrics?.perplexity),
      [5, 4, 4.5, 4.2],
    );
    assert.equal(result.stoppedEarly, true);
    model.dispose();
  });

  test("an AbortSignal stops after the current step: the model holds that step", async () => {
    const expected = await handLoop(2, 5, 3);
    const model = mlp();
    const controller = new AbortController();
    const events: string[] = [];
    const progress: TrainingProgress = {
      start: (p) => events.push(`start ${p.label} ${p.epochs}`),
      step: (r) => events.push(`step ${r.step}`),
      epoch: (r) => events.push(`epoch ${r.epoch}`),
      end: (s) => events.push(`end ${s.steps} ${s.epochs} ${s.interrupted}`),
    };
    const result = await train({
      model,
      optimizer: tf.train.adam(0.01),
      batches: sources[1][1](5),
      epochs: 2,
      signal: controller.signal,
      onStep: (r) => {
        if (r.step === 3) controller.abort();
      },
      progress,
      label: "run",
    });
    assert.equal(result.interrupted, true);
    assert.equal(result.stepsDone, 3);
    assert.equal(result.history.length, 0);
    assert.deepEqual(await weightsOf(model), expected);
    assert.deepEqual(events, ["start run 2", "step 1", "step 2", "step 3", "end 3 0 true"]);
    model.dispose();
  });

  test("SIGINT stops after the current step; the process's own SIGINT listeners are left alone, then restored", async () => {
    const expected = await handLoop(2, 5, 7);
    const model = mlp();
    let othersCalled = 0;
    const other = () => {
      othersCalled++;
    };
    process.on("SIGINT", other);
    const result = await train({
      model,
      optimizer: tf.train.adam(0.01),
      batches: sources[1][1](5),
      epochs: 2,
      // A real signal to this process: delivered by the event loop between steps.
      onStep: (r) => {
        if (r.step === 7) process.kill(process.pid, "SIGINT");
      },
      progress: false,
    });
    assert.equal(result.interrupted, true);
    assert.equal(result.stepsDone, 7);
    assert.equal(result.history.length, 1);
    assert.deepEqual(await weightsOf(model), expected);
    assert.equal(othersCalled, 0);
    assert.deepEqual(process.listeners("SIGINT"), [other]);
    process.removeListener("SIGINT", other);
    model.dispose();
  });

  test("bad options are clear errors", async () => {
    const model = mlp();
    const optimizer = tf.train.sgd(0.1);
    await assert.rejects(train({ model, optimizer, progress: false }), /either data .* or batches/);
    await assert.rejects(
      train({ model: {} as never, optimizer, batches: [], progress: false }),
      /train model must be a tf.LayersModel/,
    );
    await assert.rejects(
      train({ model, optimizer: undefined as never, batches: [], progress: false }),
      /train optimizer must be a tf.Optimizer/,
    );
    await assert.rejects(
      train({ model, optimizer, batches: 3 as never, progress: false }),
      /batches must be an iterable/,
    );
    await assert.rejects(train({ model, optimizer, batches: () => [], progress: false }), /gave no batch in epoch 1/);
    await assert.rejects(
      train({ model, optimizer, batches: sources[0][1](1), learningRate: () => Number.NaN, progress: false }),
      /learningRate at step 0 \(epoch 0\) must be a finite number > 0/,
    );
    await assert.rejects(
      train({ model, optimizer, batches: sources[0][1](1), groups: [{ weights: /x/ }], progress: false }),
      /groups\[0\]\.optimizer must be a tf.Optimizer/,
    );
    model.dispose();
  });
});
