/**
 * GEMM recipes wired into a layer (recipeDense, quantDense's `recipe`): the forward value and the
 * two gradients are recipeMatMul's FWD, BWD and GRAD with the seeds recipeGemmSeeds gives, bit for
 * bit; without a recipe, float32 math bit for bit; seeded (the same seed and step give the same
 * bits, the next step other stochastic-rounding draws and Hadamard signs); no tensor leaks over
 * training steps; bad recipes refused where they are given.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { quantDense, type QuantDense } from "lowbit/layers";
import {
  fixedPoint,
  type GemmRecipe,
  MXFP4_SR_RHT,
  NVFP4BlockScaling,
  RECIPE_STEP_MAX,
  recipeDense,
  recipeGemmSeeds,
  recipeMatMul,
} from "lowbit/quant";
import { softmaxCrossEntropy, trainStep } from "lowbit/train";

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

const bits = (t: tf.Tensor) => new Uint32Array((t.dataSync() as Float32Array).slice().buffer);

/** The value and the gradients of x w under dy, through recipeDense at (seed, step). */
function denseWithGrads(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  dy: tf.Tensor2D,
  recipe: GemmRecipe | null,
  seed: number,
  step: number,
) {
  const f = (a: tf.Tensor, b: tf.Tensor) => recipeDense(a as tf.Tensor2D, b as tf.Tensor2D, recipe, { seed, step });
  const { value, grads } = tf.valueAndGrads(f)([x, w], dy);
  return { y: value, dx: grads[0], dw: grads[1] };
}

describe("recipeDense", () => {
  const x = tf.randomNormal([32, 64], 0, 1, "float32", 1) as tf.Tensor2D;
  const w = tf.randomNormal([64, 32], 0, 0.1, "float32", 2) as tf.Tensor2D;
  const dy = tf.randomNormal([32, 32], 0, 0.01, "float32", 3) as tf.Tensor2D;

  test("its value and gradients are recipeMatMul's FWD, BWD and GRAD, bit for bit", () => {
    for (const recipe of [MXFP4_SR_RHT, NVFP4BlockScaling]) {
      const { y, dx, dw } = denseWithGrads(x, w, dy, recipe, 11, 5);
      const fwd = recipeMatMul(x, w, recipe, "FWD", recipeGemmSeeds(11, 5, "FWD"));
      const bwd = recipeMatMul(dy, w, recipe, "BWD", recipeGemmSeeds(11, 5, "BWD"));
      const grad = recipeMatMul(x, dy, recipe, "GRAD", recipeGemmSeeds(11, 5, "GRAD"));
      assert.deepEqual(bits(y), bits(fwd), `${recipe.name} FWD`);
      assert.deepEqual(bits(dx), bits(bwd), `${recipe.name} BWD`);
      assert.deepEqual(bits(dw), bits(grad), `${recipe.name} GRAD`);
      tf.dispose([y, dx, dw, fwd, bwd, grad]);
    }
  });

  test("without a recipe it is float32 math: x w, dy w^T, x^T dy", () => {
    for (const recipe of [null, undefined]) {
      const { y, dx, dw } = denseWithGrads(x, w, dy, recipe as null, 0, 0);
      const expected = [tf.matMul(x, w), tf.matMul(dy, w, false, true), tf.matMul(x, dy, true, false)];
      assert.deepEqual(bits(y), bits(expected[0]));
      assert.deepEqual(bits(dx), bits(expected[1]));
      assert.deepEqual(bits(dw), bits(expected[2]));
      tf.dispose([y, dx, dw, ...expected]);
    }
  });

  test("seeded: the same seed and step give the same bits; another step or seed other draws", () => {
    const a = denseWithGrads(x, w, dy, MXFP4_SR_RHT, 3, 0);
    const again = denseWithGrads(x, w, dy, MXFP4_SR_RHT, 3, 0);
    const nextStep = denseWithGrads(x, w, dy, MXFP4_SR_RHT, 3, 1);
    const otherSeed = denseWithGrads(x, w, dy, MXFP4_SR_RHT, 4, 0);
    assert.deepEqual(bits(again.dw), bits(a.dw));
    assert.deepEqual(bits(again.dx), bits(a.dx));
    assert.notDeepEqual(bits(nextStep.dw), bits(a.dw));
    assert.notDeepEqual(bits(nextStep.dx), bits(a.dx));
    assert.notDeepEqual(bits(otherSeed.dw), bits(a.dw));
    // MXFP4_SR_RHT's forward GEMM is float32: no draw there.
    assert.deepEqual(bits(nextStep.y), bits(a.y));
    const s0 = recipeGemmSeeds(3, 0, "GRAD"),
      s1 = recipeGemmSeeds(3, 1, "GRAD");
    assert.notEqual(s0.stream, s1.stream);
    assert.notEqual(s0.hadamardSeed, s1.hadamardSeed);
    tf.dispose([...Object.values(a), ...Object.values(again), ...Object.values(nextStep), ...Object.values(otherSeed)]);
  });

  test("the seeds of every GEMM of a step are distinct; bad seeds and steps are refused by name", () => {
    const streams = (["FWD", "BWD", "GRAD"] as const).flatMap((g) => {
      const s = recipeGemmSeeds(9, 2, g).stream;
      return [s, s + 1];
    });
    assert.equal(new Set([...streams, recipeGemmSeeds(9, 3, "FWD").stream]).size, 7);
    assert.throws(() => recipeGemmSeeds(-1, 0, "FWD"), /recipeGemmSeeds seed/);
    assert.throws(
      () => recipeGemmSeeds(0, RECIPE_STEP_MAX + 1, "FWD"),
      /RangeError: lowbit: recipeGemmSeeds step must be an integer in \[0, /,
    );
    assert.throws(
      () => recipeGemmSeeds(0, 0, "DGRAD" as never),
      /gemm must be one of "FWD", "BWD", "GRAD"; got "DGRAD"/,
    );
  });
});

describe("quantDense with a recipe", () => {
  test("call n uses step n of the layer's seed, for the value and the gradients", () => {
    const layer = quantDense({ units: 32, useBias: false, recipe: MXFP4_SR_RHT, seed: 21, inputShape: [64] });
    const x = tf.randomNormal([32, 64], 0, 1, "float32", 4) as tf.Tensor2D;
    const dy = tf.randomNormal([32, 32], 0, 0.01, "float32", 5) as tf.Tensor2D;
    (layer.apply(x) as tf.Tensor).dispose(); // builds the layer: call 0
    const w = layer.masterKernel() as tf.Tensor2D;
    const y = layer.apply(x) as tf.Tensor; // call 1
    const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(layer.apply(a) as tf.Tensor, dy)))(x); // call 2
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, dy))); // call 3
    assert.equal(layer.recipeCalls, 4);
    const dw = grads[(w as tf.Variable).name];
    const expectedY = recipeMatMul(x, w, MXFP4_SR_RHT, "FWD", recipeGemmSeeds(21, 1, "FWD"));
    const expectedDx = recipeMatMul(dy, w, MXFP4_SR_RHT, "BWD", recipeGemmSeeds(21, 2, "BWD"));
    const expectedDw = recipeMatMul(x, dy, MXFP4_SR_RHT, "GRAD", recipeGemmSeeds(21, 3, "GRAD"));
    assert.deepEqual(bits(y), bits(expectedY));
    assert.deepEqual(bits(dx), bits(expectedDx));
    assert.deepEqual(bits(dw), bits(expectedDw));
    tf.dispose([x, dy, y, dx, value, ...Object.values(grads), expectedY, expectedDx, expectedDw]);
    layer.dispose();
  });

  test("the same seed gives the same training run to the bit; another seed another", () => {
    const run = (seed: number) => {
      const model = tf.sequential({
        layers: [
          quantDense({ units: 32, activation: "relu", recipe: MXFP4_SR_RHT, seed, inputShape: [32] }),
          quantDense({ units: 32, recipe: MXFP4_SR_RHT, seed: seed + 1 }),
        ],
      });
      const optimizer = tf.train.sgd(0.1);
      const x = tf.randomNormal([32, 32], 0, 1, "float32", 6);
      const y = tf.oneHot(tf.tensor1d([...Array(32).keys()], "int32"), 32).toFloat();
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) {
        const loss = trainStep(model, optimizer, softmaxCrossEntropy, x, y);
        losses.push(loss.dataSync()[0]);
        loss.dispose();
      }
      const weights = bits(model.layers[0].getWeights()[0]);
      tf.dispose([x, y]);
      model.dispose();
      optimizer.dispose();
      return { losses, weights };
    };
    const a = run(1);
    assert.deepEqual(run(1), a);
    assert.notDeepEqual(run(3).weights, a.weights);
  });

  test("no tensor leaks over training steps", () => {
    const model = tf.sequential({
      layers: [
        quantDense({ units: 32, activation: "relu", recipe: NVFP4BlockScaling, seed: 1, inputShape: [32] }),
        quantDense({ units: 32, recipe: MXFP4_SR_RHT, seed: 2 }),
      ],
    });
    const optimizer = tf.train.adam(0.01);
    const x = tf.randomNormal([32, 32], 0, 1, "float32", 7);
    const y = tf.oneHot(tf.tensor1d([...Array(32).keys()], "int32"), 32).toFloat();
    const counts: number[] = [];
    for (let step = 0; step < 4; step++) {
      trainStep(model, optimizer, softmaxCrossEntropy, x, y).dispose();
      counts.push(tf.memory().numTensors);
    }
    // Adam creates its moments on the first step; from then on the count stays flat.
    assert.deepEqual(counts.slice(1), [counts[1], counts[1], counts[1]]);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });

  test("a bad recipe is refused where it is given, naming what is wrong", () => {
    assert.throws(
      () => quantDense({ units: 4, recipe: "MXFP4" as never }),
      /TypeError: lowbit: quantDense recipe must be a GemmRecipe/,
    );
    const noGrad = { ...MXFP4_SR_RHT, GRAD: undefined } as unknown as GemmRecipe;
    assert.throws(() => quantDense({ units: 4, recipe: noGrad }), /quantDense recipe GRAD must be an object/);
    const misspelt = { ...MXFP4_SR_RHT, BWD: { ...MXFP4_SR_RHT.BWD, grad: {} } } as unknown as GemmRecipe;
    assert.throws(
      () => quantDense({ units: 4, recipe: misspelt }),
      /quantDense recipe BWD operand must be one of .*gradOutput.*; got "grad"/,
    );
    const badRounding = {
      ...MXFP4_SR_RHT,
      FWD: { input: { rounding: "random" }, weight: {} },
    } as unknown as GemmRecipe;
    assert.throws(
      () => quantDense({ units: 4, recipe: badRounding }),
      /quantDense recipe FWD.input rounding must be one of/,
    );
    const badBlock = { ...MXFP4_SR_RHT, FWD: { input: { hadamard: { blockSize: 24 } }, weight: {} } } as GemmRecipe;
    assert.throws(
      () => quantDense({ units: 4, recipe: badBlock }),
      /FWD.input hadamard.blockSize must be a power of two; got 24/,
    );
    assert.throws(
      () =>
        quantDense({
          units: 4,
          recipe: MXFP4_SR_RHT,
          accumulation: {
            product: { kind: "float", exp: 8, man: 23 } as never,
            accumulator: fixedPoint({ bits: 32, frac: 16 }),
          },
        }),
      /TypeError: lowbit: quantDense takes a recipe or an accumulation, not both/,
    );
    const plain = quantDense({ units: 4, recipe: null }) as QuantDense;
    assert.equal(plain.recipe, null);
  });
});
